#include "experiments/network_training.hpp"

#include <chrono>
#include <map>
#include <stdexcept>

#include "algorithms/registry.hpp"
#include "experiments/network_target.hpp"
#include "networks/activation_quantization.hpp"
#include "networks/codeword_fine_tuning.hpp"
#include "networks/learning_compression.hpp"
#include "networks/model_file.hpp"

namespace quantlab {
namespace {

enum class TrainingMethod { dc, lc, idc };

constexpr OptionName<TrainingMethod> training_methods[] = {
    {TrainingMethod::dc, "dc"}, {TrainingMethod::lc, "lc"}, {TrainingMethod::idc, "idc"}};

}  // namespace

const std::vector<ParameterSpec>& network_training_parameters() {
  static const std::vector<ParameterSpec> specs{
      option_parameter(
          "method", TrainingMethod::dc, training_methods,
          "dc: quantize once (direct compression); lc: learning-compression (paper 4) with "
          "the algorithm as its C step; idc: iterated DC (quantize, retrain, repeat)"),
      integer_parameter("steps", 40, 1, 100000, "lc: μ steps; idc: rounds"),
      real_parameter("mu0", 9e-5, 1e-300, 1e300, "lc: the first μ"),
      real_parameter("mu_factor", 1.1, 1, 1e6, "lc: μ × this each step"),
      integer_parameter("epochs", 20, 1, 100000, "epochs of each L step (idc: of each retraining)"),
      integer_parameter("first_epochs", 0, 0, 100000,
                        "epochs of the first L step (0: epochs; the toolkit's 40)"),
      real_parameter("lr", 0.09, 0, 1e6,
                     "learning rate of the first L step (SGD, Nesterov momentum)"),
      real_parameter("lr_step_decay", 0.98, 0, 1, "learning rate × this each step"),
      integer_parameter("batch", 256, 1, 1000000, "mini-batch size (L steps and fine-tuning)"),
      real_parameter("momentum", 0.9, 0, 1, "Nesterov momentum (L steps and fine-tuning)"),
      boolean_parameter(
          "warm_start", true,
          "lc, idc: each C step of a quantizer that refines a start (kmeans) begins at the "
          "previous step's codebook, as in paper 4 (false: from the run's seed each time)"),
      integer_parameter("train_limit", 0, 0, 1000000000,
                        "train on the first N training images (0: all)"),
      integer_parameter("fine_tune_epochs", 0, 0, 100000,
                        "then fine-tune the codewords (paper 5) for this many epochs (0: not)"),
      real_parameter("fine_tune_lr", 1e-3, 0, 1e6, "learning rate of the codewords' fine-tuning"),
      choice_parameter("activations", "none", {"none", "ls1", "gf", "ls2", "lsT", "uniform"},
                       "paper 2: quantize the input of every hidden weighted layer, each sample "
                       "about its mean with the scales of its own values, in scoring and "
                       "training (straight-through gradients); none: full precision"),
      integer_parameter("activation_bits", 0, 0, 16,
                        "bits of the quantized activations: K = 2^b (gf: b steps); 0: the "
                        "method's own (ls1 1 bit, ls2 2 bits, lsT ternary), which gf and "
                        "uniform do not have")};
  return specs;
}

std::optional<ActivationQuantization> activation_quantization(const Parameters& training) {
  if (training.values().empty()) return std::nullopt;
  const std::string& method = training.choice("activations");
  const auto bits = static_cast<std::size_t>(training.integer("activation_bits"));
  if (method == "none") {
    if (bits != 0)
      throw std::invalid_argument("activation_bits = " + std::to_string(bits) +
                                  " without activations to quantize");
    return std::nullopt;
  }
  const std::map<std::string, std::size_t> own{{"ls1", 2}, {"ls2", 4}, {"lsT", 3}};
  ActivationQuantization a;
  a.method = method;
  if (auto it = own.find(method); it != own.end()) {
    a.levels = it->second;
    const std::size_t own_bits = method == "ls1" ? 1 : 2;
    if (bits != 0 && bits != own_bits)
      throw std::invalid_argument(
          "activations: " + method + " codes " +
          (method == "lsT" ? std::string("ternary levels (2 bits)")
                           : std::to_string(own_bits) + " bit" + (own_bits > 1 ? "s" : "")) +
          ", not activation_bits = " + std::to_string(bits));
  } else {
    if (bits == 0) throw std::invalid_argument("activations: " + method + " needs activation_bits");
    a.levels = std::size_t{1} << bits;
  }
  const AlgorithmInfo& info = *find_algorithm(method);
  a.parameters = Parameters(info.parameters, {});
  a.quantizer = info.make(a.parameters);
  return a;
}

std::string network_training_text(const Parameters& training) {
  // The activation keys are left out unless activations are quantized, so that runs recorded
  // before the keys existed keep their identity; when they are, the quantizer's resolved
  // parameters and levels say what ran.
  std::string out;
  for (const auto& [name, value] : training.values())
    if (name != "activations" && name != "activation_bits")
      out += (out.empty() ? "" : ",") + name + "=" + format_value(value);
  if (const auto a = activation_quantization(training))
    out += ",activations=" + a->method + "(" + a->parameters.canonical() +
           "),activation_levels=" + std::to_string(a->levels);
  return out;
}

bool alters_network(const Parameters& training) {
  return trains_network(training) ||
         (!training.values().empty() && training.choice("activations") != "none");
}

bool trains_network(const Parameters& training) {
  return !training.values().empty() &&
         (training.option("method", training_methods) != TrainingMethod::dc ||
          training.integer("fine_tune_epochs") > 0);
}

namespace {

namespace nn = networks;

std::size_t count(const Parameters& p, const std::string& name) {
  return static_cast<std::size_t>(p.integer(name));
}

NetworkScore score_of(const nn::Evaluation& e) {
  return {e.accuracy, e.loss};
}

}  // namespace

TrainedCompression train_compressed(const NetworkTarget& target, const Parameters& training,
                                    const NetworkCompressor& compress, std::uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(target.file, &attributes);
  if (const auto a = activation_quantization(training))
    nn::quantize_hidden_activations(net, a->quantizer, a->levels);
  const double mean_pixel = nn::training_mean_pixel(target.file, attributes);
  const nn::LabelledImages& test = target_images(target, "test", 0, mean_pixel);
  const nn::LabelledImages& train =
      target_images(target, "train", count(training, "train_limit"), mean_pixel);

  std::vector<nn::Parameter> selected;
  for (const auto& name : target.names) {
    bool found = false;
    for (const auto& p : net.parameters())
      if (p.name == name) selected.push_back(p), found = true;
    if (!found) throw std::runtime_error(target.file + ": the network has no parameter " + name);
  }

  TrainedCompression out;
  CompressionOutcome last = compress(nn::concatenated_values(selected));
  {
    const arma::vec w = nn::concatenated_values(selected);
    nn::assign_concatenated(selected, last.reconstruction);
    out.direct = score_of(nn::evaluate(net, test));
    nn::assign_concatenated(selected, w);
  }
  // Positions in no cluster (pruned) keep their value: no gradient reaches them.
  std::vector<float*> fixed;
  {
    std::vector<char> clustered(last.reconstruction.n_elem, 0);
    for (const auto& c : last.clusters)
      for (arma::uword i : c) clustered[i] = 1;
    std::size_t offset = 0;
    for (const auto& p : selected)
      for (arma::uword i = 0; i < p.gradient->n_elem; ++i)
        if (!clustered[offset++]) fixed.push_back(p.gradient->memptr() + i);
  }

  nn::TrainingSettings settings;
  settings.batch = count(training, "batch");
  settings.momentum = training.real("momentum");
  settings.seed = seed;
  const TrainingMethod method = training.option("method", training_methods);
  if (method == TrainingMethod::dc) {
    nn::assign_concatenated(selected, last.reconstruction);
  } else {
    nn::LcSettings lc;
    lc.method = method == TrainingMethod::lc ? nn::LcMethod::lc : nn::LcMethod::idc;
    lc.steps = count(training, "steps");
    lc.mu0 = training.real("mu0");
    lc.mu_factor = training.real("mu_factor");
    lc.first_epochs = count(training, "first_epochs");
    lc.lr_step_decay = training.real("lr_step_decay");
    lc.l_step = settings;
    lc.l_step.epochs = count(training, "epochs");
    lc.l_step.learning_rate = training.real("lr");
    const nn::CompressionStep c_step = [&](const arma::vec& v) {
      last = compress(v);
      return last.reconstruction;
    };
    nn::learning_compression(
        net, selected, c_step, train, test, lc,
        [&](const nn::LcStep& step) {
          out.mu.push_back(step.mu);
          out.train_loss.push_back(step.train_loss);
          out.test_loss.push_back(step.quantized.loss);
          out.test_accuracy.push_back(step.quantized.accuracy);
          out.distance.push_back(step.distance);
        },
        [&] {
          for (float* g : fixed) *g = 0;
        });
  }

  const std::size_t fine_tune_epochs = count(training, "fine_tune_epochs");
  if (fine_tune_epochs > 0) {
    nn::TrainingSettings f = settings;
    f.epochs = fine_tune_epochs;
    f.learning_rate = training.real("fine_tune_lr");
    nn::fine_tune_codewords(net, selected, last.clusters, train, f, [&](std::size_t, double) {
      out.fine_tune_test_accuracy.push_back(nn::evaluate(net, test).accuracy);
    });
  }
  out.reconstruction = nn::concatenated_values(selected);
  out.score = network_score_of(net, target, mean_pixel);
  out.training_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace quantlab
