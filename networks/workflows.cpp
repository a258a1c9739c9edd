#include "networks/workflows.hpp"

#include "algorithms/parameters.hpp"
#include "networks/model_file.hpp"
#include "networks/pruning.hpp"

namespace quantlab::networks {

std::string settings_text(const TrainingSettings& s) {
  return "optimizer=" + s.optimizer + ",epochs=" + std::to_string(s.epochs) +
         ",batch=" + std::to_string(s.batch) + ",lr=" + format_value(s.learning_rate) +
         ",lr_decay=" + format_value(s.lr_decay) + ",momentum=" + format_value(s.momentum) +
         ",weight_decay=" + format_value(s.weight_decay) + ",shift=" + std::to_string(s.shift);
}

CompressedNetwork compress_saved_network(const LcWorkflow& w,
                                         const std::function<void(const LcStep&)>& after_step) {
  // The C step is checked before the network and its images are read.
  c_step_quantizer(w.c_step, w.levels);
  std::map<std::string, std::string> attributes;
  Network net = load_network(w.network_file, &attributes);
  const double mean_pixel = training_mean_pixel(w.network_file, attributes);
  const LabelledImages train_images =
      saved_network_training_images(w.network_file, attributes, w.data_file).train;
  const LabelledImages test = load_images(w.data_file, "test", 0, mean_pixel);
  LcSettings settings = w.settings;
  settings.l_step.lr_decay = 1;  // the learning rate decays per step (lr_step_decay), not epoch
  Generator generator(settings.l_step.seed ^ 0x1cULL);
  const std::vector<Parameter> kernels = net.kernels();
  LcResult result = learning_compression(
      net, kernels, per_parameter_c_step(w.c_step, w.levels, kernels, generator), train_images,
      test, settings, after_step);
  attributes["source"] = "quantlab net lc";
  attributes["compression"] = std::string(option_name(settings.method, lc_methods)) +
                              ",c_step=" + w.c_step + ",levels=" + std::to_string(w.levels);
  return {std::move(net), std::move(result), std::move(attributes)};
}

PrunedNetwork prune_saved_network(
    const PruneWorkflow& w,
    const std::function<void(std::size_t, double, const Evaluation&)>& after_epoch) {
  std::map<std::string, std::string> attributes;
  Network net = load_network(w.network_file, &attributes);
  const double mean_pixel = training_mean_pixel(w.network_file, attributes);
  const LabelledImages train_images =
      saved_network_training_images(w.network_file, attributes, w.data_file).train;
  const LabelledImages test = load_images(w.data_file, "test", 0, mean_pixel);
  const std::vector<arma::fmat> masks = magnitude_masks(net, w.keep);
  apply_masks(net, masks, false);
  const Evaluation before = evaluate(net, test);
  Optimizer optimizer(w.training, net.parameters());
  train(
      net, train_images, w.training, optimizer,
      [&](std::size_t epoch, double loss) {
        if (after_epoch) after_epoch(epoch, loss, evaluate(net, test));
      },
      [&] { apply_masks(net, masks, true); });
  apply_masks(net, masks, false);
  const Evaluation after = evaluate(net, test);
  attributes["source"] = "quantlab net prune";
  attributes["test_accuracy"] = format_value(after.accuracy);
  attributes["test_loss"] = format_value(after.loss);
  attributes["pruning"] =
      "magnitude,keep=" + format_value(w.keep) + "," + settings_text(w.training);
  std::map<std::string, std::map<std::string, std::string>> pruned;
  for (const auto& kernel : net.kernels()) pruned[kernel.name] = {{"pruned", "zeros"}};
  return {std::move(net), before, after, std::move(attributes), std::move(pruned)};
}

}  // namespace quantlab::networks
