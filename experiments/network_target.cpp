#include "experiments/network_target.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

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

NetworkScore score_network(const NetworkTarget& target, const arma::vec& values) {
  std::map<std::string, std::string> attributes;
  networks::Network net = networks::load_network(target.file, &attributes);
  const double mean_pixel = networks::training_mean_pixel(target.file, attributes);

  // The test images, shifted as in training: read once per test file and network.
  static std::mutex mutex;
  static std::map<std::string, networks::LabelledImages> cache;
  const networks::LabelledImages* test = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const std::string key = target.test_data + "|" + target.file;
    auto it = cache.find(key);
    if (it == cache.end()) it = cache.emplace(key, networks::load_images(target.test_data, "test", 0, mean_pixel)).first;
    test = &it->second;
  }

  std::size_t offset = 0;
  for (std::size_t i = 0; i < target.names.size(); ++i) {
    bool found = false;
    for (auto& p : net.parameters()) {
      if (p.name != target.names[i]) continue;
      found = true;
      for (std::size_t j = 0; j < target.sizes[i]; ++j) (*p.value)[j] = static_cast<float>(values[offset + j]);
    }
    if (!found) throw std::runtime_error(target.file + ": the network has no parameter " + target.names[i]);
    offset += target.sizes[i];
  }
  const networks::Evaluation e = networks::evaluate(net, *test);
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
