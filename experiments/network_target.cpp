#include "experiments/network_target.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "algorithms/parameters.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/dataset_import.hpp"
#include "experiments/network_training.hpp"
#include "networks/activation_quantization.hpp"
#include "networks/model_file.hpp"
#include "networks/training.hpp"

namespace quantlab {

PlannedTensor load_network_target(const DatasetSpec& d, const std::vector<std::string>& names) {
  if (!d.test_import.empty())
    import_package(*find_package_source(d.test_import), "datasets/cache", d.test_data, false);
  auto target = std::make_shared<NetworkTarget>();
  target->file = d.file;
  target->test_data = d.test_data;
  target->per_layer = d.per_layer;
  std::vector<arma::vec> parts;
  bool all_pruned = true;
  for (const auto& name : names) {
    const Tensor t = read_tensor(d.file, name);
    const auto pruned = t.attributes.find("pruned");
    all_pruned = all_pruned && pruned != t.attributes.end() && pruned->second == "zeros";
    target->names.push_back(name);
    target->sizes.push_back(t.size());
    target->shapes.push_back(t.shape);
    parts.push_back(t.values);
  }
  std::map<std::string, std::string> attributes;
  target->network_parameters = networks::load_network(d.file, &attributes).parameter_count();
  target->holdout = networks::holdout_of(d.file, attributes);
  PlannedTensor p;
  p.dataset = d.name;
  p.source = d.file;
  std::string joined;
  for (const auto& name : target->names) joined += (joined.empty() ? "" : ", ") + name;
  p.tensor.name = (d.per_layer ? "per layer: " : "all layers: ") + joined;
  p.tensor.dtype = DType::float32;
  std::size_t n = 0;
  for (const auto& v : parts) n += v.n_elem;
  p.tensor.shape = {n};
  p.tensor.values.set_size(n);
  std::size_t offset = 0;
  for (const auto& v : parts)
    p.tensor.values.subvec(offset, offset + v.n_elem - 1) = v, offset += v.n_elem;
  if (all_pruned) p.tensor.attributes["pruned"] = "zeros";  // zeros left out, positions coded
  p.network = std::move(target);
  return p;
}

std::vector<TensorGroup> NetworkTarget::groups(const Tensor&, const Granularity&) const {
  std::size_t total = 0;
  for (std::size_t s : sizes) total += s;
  if (!per_layer) return {TensorGroup::range(0, total)};
  std::vector<TensorGroup> out;
  std::size_t offset = 0;
  for (std::size_t s : sizes) {
    out.push_back(TensorGroup::range(offset, s));
    offset += s;
  }
  return out;
}

std::vector<MatrixShape> NetworkTarget::matrices(const Tensor&, const Granularity&) const {
  std::vector<MatrixShape> out;
  if (per_layer)
    for (const auto& shape : shapes) out.push_back(matrix_of(shape));
  return out;
}

const networks::LabelledImages& target_images(const NetworkTarget& target, const std::string& split,
                                              std::size_t limit, double mean_pixel) {
  static std::mutex mutex;
  static std::map<std::string, networks::LabelledImages>
      cache;  // node-based: references stay valid
  std::lock_guard<std::mutex> lock(mutex);
  const auto key = [&](const std::string& part, std::size_t images) {
    const networks::Holdout& h = part == "test" ? networks::Holdout{} : target.holdout;
    return target.test_data + "|" + part + "|" + std::to_string(images) + "|" +
           format_value(mean_pixel) + "|" + std::to_string(h.images) + ":" + std::to_string(h.seed);
  };
  if (split == "held_out") limit = 0;  // all of them, whatever the limit of the rest
  if (auto it = cache.find(key(split, limit)); it != cache.end()) return it->second;
  if (split == "test")
    return cache
        .emplace(key(split, limit),
                 networks::load_images(target.test_data, split, limit, mean_pixel))
        .first->second;
  if (split != "train" && split != "held_out")
    throw std::logic_error("target_images: no split '" + split + "'");
  // One read of the train split gives both parts.
  networks::TrainingImages divided =
      networks::load_training_images(target.test_data, mean_pixel, target.holdout, limit);
  auto held_out = cache.emplace(key("held_out", 0), std::move(divided.held_out)).first;
  if (split == "held_out") return held_out->second;
  return cache.emplace(key("train", limit), std::move(divided.train)).first->second;
}

NetworkScore network_score_of(networks::Network& net, const NetworkTarget& target,
                              double mean_pixel) {
  const networks::Evaluation test =
      networks::evaluate(net, target_images(target, "test", 0, mean_pixel));
  NetworkScore score{test.accuracy, test.loss};
  if (target.holdout.images) {
    const networks::Evaluation held_out =
        networks::evaluate(net, target_images(target, "held_out", 0, mean_pixel));
    score.validation_accuracy = held_out.accuracy;
    score.validation_loss = held_out.loss;
  }
  return score;
}

bool NetworkTarget::trains(const Parameters& training) const {
  return trains_network(training);
}

TrainedCompression NetworkTarget::train(const Parameters& training,
                                        const NetworkCompressor& compress,
                                        std::uint64_t seed) const {
  return train_compressed(*this, training, compress, seed);
}

std::optional<NetworkScore> NetworkTarget::score(const arma::vec& reconstruction,
                                                 const Parameters& training) const {
  std::map<std::string, std::string> attributes;
  networks::Network net = networks::load_network(file, &attributes);
  if (const auto a = activation_quantization(training))
    networks::quantize_hidden_activations(net, a->quantizer, a->levels);
  const double mean_pixel = networks::training_mean_pixel(file, attributes);

  std::size_t offset = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    bool found = false;
    for (auto& p : net.parameters()) {
      if (p.name != names[i]) continue;
      found = true;
      for (std::size_t j = 0; j < sizes[i]; ++j)
        (*p.value)[j] = static_cast<float>(reconstruction[offset + j]);
    }
    if (!found) throw std::runtime_error(file + ": the network has no parameter " + names[i]);
    offset += sizes[i];
  }
  return network_score_of(net, *this, mean_pixel);
}

std::optional<NetworkScore> NetworkTarget::reference_score(const arma::vec& values) const {
  static std::mutex mutex;
  static std::map<std::string, NetworkScore> scores;
  const std::string key = file + "|" + test_data;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = scores.find(key); it != scores.end()) return it->second;
  }
  const NetworkScore unquantized = *score(values, Parameters());
  std::lock_guard<std::mutex> lock(mutex);
  return scores.emplace(key, unquantized).first->second;
}

std::optional<ModelRatios> NetworkTarget::model_ratios(double n, double variable_bits,
                                                       double fixed_bits) const {
  const double whole = static_cast<double>(network_parameters);
  return ModelRatios{32 * whole / (variable_bits + 32 * (whole - n)),
                     32 * whole / (fixed_bits + 32 * (whole - n))};
}

}  // namespace quantlab
