#include "cli/network_commands.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "experiments/network_training.hpp"
#include "experiments/provenance.hpp"
#include "networks/importance.hpp"
#include "networks/model_file.hpp"
#include "networks/training.hpp"
#include "networks/workflows.hpp"

namespace quantlab::cli {
namespace {

// The training options `net train` and `net prune` share, with their own defaults.
struct TrainingDefaults {
  std::size_t epochs, batch;
  double learning_rate, lr_decay;
};

void add_training_options(po::options_description& o, quantlab::networks::TrainingSettings& s,
                          const TrainingDefaults& d) {
  o.add_options()("epochs", po::value(&s.epochs)->default_value(d.epochs), "epochs")(
      "batch", po::value(&s.batch)->default_value(d.batch), "mini-batch size")(
      "lr", po::value(&s.learning_rate)->default_value(d.learning_rate), "learning rate")(
      "lr-decay", po::value(&s.lr_decay)->default_value(d.lr_decay),
      "learning rate × this after each epoch")(
      "momentum", po::value(&s.momentum)->default_value(0.9), "Nesterov momentum (sgd)")(
      "weight-decay", po::value(&s.weight_decay)->default_value(0),
      "L2 penalty (wd/2)‖w‖² on the kernels")(
      "shift", po::value(&s.shift)->default_value(0),
      "augmentation: each training image moved by up to ± this many pixels");
}

// The network block's declarations (experiments/network_training.hpp), and the thread count:
// the ranges the options of the net commands must keep, as a sweep's YAML must.
std::vector<ParameterSpec> declared_ranges() {
  std::vector<ParameterSpec> specs = network_training_parameters();
  specs.push_back(integer_parameter("threads", 1, 1, 1024, "OpenBLAS threads"));
  specs.push_back(real_parameter("weight_decay", 0, 0, 1e6, "L2 penalty"));
  specs.push_back(integer_parameter("shift", 0, 0, 27, "augmentation shift in pixels"));
  return specs;
}

const std::vector<std::pair<std::string, std::string>> kTrainingOptions = {
    {"epochs", "epochs"},
    {"batch", "batch"},
    {"lr", "lr"},
    {"lr-decay", "lr_step_decay"},
    {"momentum", "momentum"},
    {"weight-decay", "weight_decay"},
    {"shift", "shift"},
    {"threads", "threads"},
    {"train-limit", "train_limit"}};

}  // namespace

int command_net_train(const Invocation& in) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string model, data, out;
  nn::TrainingSettings s;
  std::size_t train_limit = 0;
  nn::Holdout holdout;
  int threads = 1;
  o.add_options()("model", po::value(&model)->required(), "lenet300 or lenet5")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images and labels")(
      "out", po::value(&out)->required(), "dataset file to write the trained network to")(
      "optimizer", po::value(&s.optimizer)->default_value("sgd"),
      "sgd (Nesterov momentum) or adam")("seed", po::value(&s.seed)->default_value(0),
                                         "seed of the initial weights and the shuffling")(
      "train-limit", po::value(&train_limit)->default_value(0),
      "use only the first N training images (0: all)")(
      "holdout", po::value(&holdout.images)->default_value(0),
      "keep N training images, drawn by --holdout-seed, out of training (and of every later "
      "training of the network): sweeps score them as validation_accuracy")(
      "holdout-seed", po::value(&holdout.seed)->default_value(0),
      "seed of the held-out images' draw")(
      "threads", po::value(&threads)->default_value(1),
      "OpenBLAS threads (results are reproducible for a seed and a thread count)");
  add_training_options(o, s, {10, 256, 0.1, 0.95});
  po::variables_map vm;
  if (!parse(in, o, {}, vm)) return 0;
  check_declared_ranges(vm, kTrainingOptions, declared_ranges());
  const int blas_threads = set_blas_threads(threads);
  nn::ImageSplits splits;
  try {
    splits = nn::load_image_splits(data, train_limit, holdout);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--holdout: ") + e.what() + " of " + data);
  }
  Generator init(s.seed);
  nn::Network net = nn::make_network(model, init);
  nn::Optimizer optimizer(s, net.parameters());
  const auto start = std::chrono::steady_clock::now();
  nn::train(net, splits.train, s, optimizer, [&](std::size_t epoch, double loss) {
    const nn::Evaluation e = nn::evaluate(net, splits.test);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("epoch %3zu  train loss %.4f  test loss %.4f  test accuracy %.2f %%  (%.1f s)\n",
                epoch + 1, loss, e.loss, 100 * e.accuracy, seconds);
    std::fflush(stdout);
  });
  const nn::Evaluation e = nn::evaluate(net, splits.test);
  std::map<std::string, std::string> attributes{
      {"model", model},
      {"source", "quantlab net train"},
      {"training_data", data},
      {"test_accuracy", format_value(e.accuracy)},
      {"test_loss", format_value(e.loss)},
      {"seed", std::to_string(s.seed)},
      {"mean_pixel", format_value(splits.mean_pixel)},
      {"training",
       nn::settings_text(s) + ",train_images=" + std::to_string(splits.train.images.n_cols)},
      {"blas_threads", std::to_string(blas_threads)},
      {"licence", "CC0-1.0 (trained by quantlab)"}};
  if (holdout.images) {
    attributes["holdout_images"] = std::to_string(holdout.images);
    attributes["holdout_seed"] = std::to_string(holdout.seed);
    attributes["held_out_accuracy"] = format_value(nn::evaluate(net, splits.held_out).accuracy);
  }
  nn::save_network(net, out, attributes);
  if (s.optimizer == "adam")  // paper 5's free importance: Adam's √v̂ at the end of training
    nn::add_importance(out, "adam", net, optimizer.adam_root_second_moment(),
                       {{"importance", "square root of Adam's bias-corrected second moment"}});
  std::printf("%s: %s, %zu parameters, test accuracy %.2f %%\n", out.c_str(), model.c_str(),
              net.parameter_count(), 100 * e.accuracy);
  return 0;
}

int command_net_eval(const Invocation& in) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data;
  o.add_options()("network", po::value(&file)->required(), "dataset file of a trained network")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with the test images");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const nn::Evaluation e = nn::evaluate(
      net, nn::load_images(data, "test", 0, nn::training_mean_pixel(file, attributes)));
  std::printf("%s: %s, test loss %.4f, test accuracy %.2f %%", file.c_str(), net.model().c_str(),
              e.loss, 100 * e.accuracy);
  if (nn::holdout_of(file, attributes).images) {
    const nn::LabelledImages held_out =
        nn::saved_network_training_images(file, attributes, data).held_out;
    std::printf(", held-out accuracy %.2f %% (%zu training images)",
                100 * nn::evaluate(net, held_out).accuracy,
                static_cast<std::size_t>(held_out.labels.n_elem));
  }
  std::printf("\n");
  return 0;
}

int command_net_lc(const Invocation& in) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string out, csv;
  nn::LcWorkflow w;
  nn::LcSettings& s = w.settings;
  int threads = 1;
  std::string method;
  o.add_options()("network", po::value(&w.network_file)->required(),
                  "dataset file of a trained network")(
      "data", po::value(&w.data_file)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images")("method",
                                                   po::value(&method)->default_value("lc"),
                                                   "lc, or idc (iterated direct compression)")(
      "c-step", po::value(&w.c_step)->default_value("kmeans"),
      "a registered quantizer (quantlab algorithms): adaptive (kmeans, optimal, ...) or a fixed "
      "codebook (sign, ls1, lsT, powers_of_two)")(
      "levels", po::value(&w.levels)->default_value(2),
      "K per layer (sign, ls1: 2; lsT: 3; powers_of_two: odd, (K - 1)/2 exponents up to 0)")(
      "steps", po::value(&s.steps)->default_value(40), "μ steps (LC) or rounds (iDC)")(
      "mu0", po::value(&s.mu0)->default_value(9e-5), "first μ")(
      "mu-factor", po::value(&s.mu_factor)->default_value(1.1), "μ × this each step")(
      "epochs", po::value(&s.l_step.epochs)->default_value(20), "epochs per L step")(
      "first-epochs", po::value(&s.first_epochs)->default_value(0),
      "epochs of the first L step (0: --epochs; the toolkit 40)")(
      "batch", po::value(&s.l_step.batch)->default_value(256), "mini-batch size")(
      "lr", po::value(&s.l_step.learning_rate)->default_value(0.09),
      "learning rate of the first L step")("lr-step-decay",
                                           po::value(&s.lr_step_decay)->default_value(0.98),
                                           "learning rate × this each step")(
      "momentum", po::value(&s.l_step.momentum)->default_value(0.9), "Nesterov momentum")(
      "seed", po::value(&s.l_step.seed)->default_value(0), "seed of the shuffling and the C steps")(
      "csv", po::value(&csv),
      "write the schedule (step, mu, train loss, distance, test loss, test error) here")(
      "out", po::value(&out), "save the quantized network here")(
      "threads", po::value(&threads)->default_value(1), "OpenBLAS threads");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  check_declared_ranges(vm,
                        {{"steps", "steps"},
                         {"mu0", "mu0"},
                         {"mu-factor", "mu_factor"},
                         {"epochs", "epochs"},
                         {"first-epochs", "first_epochs"},
                         {"batch", "batch"},
                         {"lr", "lr"},
                         {"lr-step-decay", "lr_step_decay"},
                         {"momentum", "momentum"},
                         {"threads", "threads"}},
                        declared_ranges());
  if (w.levels < 1 || w.levels > (std::size_t{1} << 30))
    throw UsageError("--levels must be in [1, 1073741824] (as a sweep's levels)");
  if (auto m = option_value(method, nn::lc_methods))
    s.method = *m;
  else
    throw UsageError("--method must be one of " + option_list(nn::lc_methods) + ", not '" + method +
                     "'");
  try {
    nn::c_step_quantizer(w.c_step, w.levels);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string(e.what()) + " (--c-step, --levels)");
  }
  set_blas_threads(threads);
  std::ofstream table;
  if (!csv.empty()) {
    table.open(csv);
    if (!table) throw std::runtime_error("cannot write " + csv);
    table << "step,mu,train_loss,distance,test_loss,test_error\n";
  }
  std::size_t step = 0;
  const auto start = std::chrono::steady_clock::now();
  nn::CompressedNetwork r = nn::compress_saved_network(w, [&](const nn::LcStep& st) {
    ++step;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "step %3zu  mu %.3g  train loss %.4f  |w - D(T)|/|w| %.3g  test error %.2f %%  (%.0f s)\n",
        step, st.mu, st.train_loss, st.distance, 100 * (1 - st.quantized.accuracy), seconds);
    std::fflush(stdout);
    if (table)
      table << step << "," << st.mu << "," << st.train_loss << "," << st.distance << ","
            << st.quantized.loss << "," << 1 - st.quantized.accuracy << "\n";
  });
  const nn::LcResult& lc = r.result;
  std::printf(
      "reference %.2f %%, direct compression %.2f %%, %s %.2f %% test error\n",
      100 * (1 - lc.reference.accuracy), 100 * (1 - lc.direct.accuracy), method.c_str(),
      100 * (1 - (lc.steps.empty() ? lc.direct.accuracy : lc.steps.back().quantized.accuracy)));
  if (!out.empty()) nn::save_network(r.network, out, r.attributes);
  return 0;
}

int command_net_importance(const Invocation& in) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data;
  std::size_t samples = 1000;
  o.add_options()("network", po::value(&file)->required(),
                  "dataset file of a trained network (rewritten)")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with the training images")("samples", po::value(&samples)->default_value(1000),
                                               "training images the diagonal is averaged over");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  if (samples == 0 || samples > 100000000) throw UsageError("--samples must be in [1, 100000000]");
  pin_blas_to_one_thread();
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const nn::LabelledImages train =
      nn::saved_network_training_images(file, attributes, data, samples).train;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<arma::fmat> h = nn::hessian_diagonal(net, train, samples);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nn::add_importance(
      file, "hessian", net, h,
      {{"importance", "diagonal of the training loss's Hessian (exact: Gauss-Newton diagonal)"},
       {"samples", std::to_string(train.images.n_cols)}});
  std::printf(
      "%s: Hessian diagonal of %zu parameters over %zu samples in %.2f s -> importance/hessian/*\n",
      file.c_str(), net.parameter_count(), static_cast<std::size_t>(train.images.n_cols), seconds);
  return 0;
}

int command_net_prune(const Invocation& in) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string out;
  nn::PruneWorkflow w;
  o.add_options()("network", po::value(&w.network_file)->required(),
                  "dataset file of a trained network")(
      "data", po::value(&w.data_file)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images")("out", po::value(&out)->required(),
                                                   "dataset file to write the pruned network to")(
      "keep", po::value(&w.keep)->default_value(0.1),
      "fraction of the kernels' weights kept (largest |w|, all layers)")(
      "seed", po::value(&w.training.seed)->default_value(0), "seed of the shuffling");
  add_training_options(o, w.training, {10, 128, 0.01, 0.9});
  po::variables_map vm;
  po::positional_options_description p;
  p.add("network", 1);
  if (!parse(in, o, p, vm)) return 0;
  check_declared_ranges(vm, kTrainingOptions, declared_ranges());
  if (!(w.keep > 0 && w.keep <= 1)) throw UsageError("--keep must be in (0, 1]");
  pin_blas_to_one_thread();
  nn::PrunedNetwork r =
      nn::prune_saved_network(w, [](std::size_t epoch, double loss, const nn::Evaluation& test) {
        std::printf("epoch %3zu  train loss %.4f  test accuracy %.2f %%\n", epoch + 1, loss,
                    100 * test.accuracy);
        std::fflush(stdout);
      });
  nn::save_network(r.network, out, r.attributes, r.tensor_attributes);
  std::printf(
      "%s: pruned to %.4g %% of the kernels: test accuracy %.2f %% before retraining, %.2f %% "
      "after\n",
      out.c_str(), 100 * w.keep, 100 * r.before_retraining.accuracy,
      100 * r.after_retraining.accuracy);
  return 0;
}

}  // namespace quantlab::cli
