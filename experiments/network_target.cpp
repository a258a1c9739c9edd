#include "experiments/network_target.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

#include "algorithms/parameters.hpp"
#include "networks/model_file.hpp"
#include "networks/training.hpp"

namespace quantlab {

std::vector<arma::uvec> NetworkTarget::groups() const {
  std::size_t total = 0;
  for (std::size_t s : sizes) total += s;
  if (!per_layer) return {arma::regspace<arma::uvec>(0, total - 1)};
  std::vector<arma::uvec> out;
  std::size_t offset = 0;
  for (std::size_t s : sizes) {
    out.push_back(arma::regspace<arma::uvec>(offset, offset + s - 1));
    offset += s;
  }
  return out;
}

const networks::LabelledImages& target_images(const NetworkTarget& target, const std::string& split,
                                              std::size_t limit, double mean_pixel) {
  static std::mutex mutex;
  static std::map<std::string, networks::LabelledImages>
      cache;  // node-based: references stay valid
  std::lock_guard<std::mutex> lock(mutex);
  const std::string key =
      target.test_data + "|" + split + "|" + std::to_string(limit) + "|" + format_value(mean_pixel);
  auto it = cache.find(key);
  if (it == cache.end())
    it =
        cache.emplace(key, networks::load_images(target.test_data, split, limit, mean_pixel)).first;
  return it->second;
}

NetworkScore score_network(const NetworkTarget& target, const arma::vec& values) {
  std::map<std::string, std::string> attributes;
  networks::Network net = networks::load_network(target.file, &attributes);
  const double mean_pixel = networks::training_mean_pixel(target.file, attributes);

  const networks::LabelledImages& test = target_images(target, "test", 0, mean_pixel);

  std::size_t offset = 0;
  for (std::size_t i = 0; i < target.names.size(); ++i) {
    bool found = false;
    for (auto& p : net.parameters()) {
      if (p.name != target.names[i]) continue;
      found = true;
      for (std::size_t j = 0; j < target.sizes[i]; ++j)
        (*p.value)[j] = static_cast<float>(values[offset + j]);
    }
    if (!found)
      throw std::runtime_error(target.file + ": the network has no parameter " + target.names[i]);
    offset += target.sizes[i];
  }
  const networks::Evaluation e = networks::evaluate(net, test);
  return {e.accuracy, e.loss};
}

NetworkScore reference_score(const NetworkTarget& target, const arma::vec& values) {
  static std::mutex mutex;
  static std::map<std::string, NetworkScore> scores;
  const std::string key = target.file + "|" + target.test_data;
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (auto it = scores.find(key); it != scores.end()) return it->second;
  }
  const NetworkScore score = score_network(target, values);
  std::lock_guard<std::mutex> lock(mutex);
  return scores.emplace(key, score).first->second;
}

}  // namespace quantlab
