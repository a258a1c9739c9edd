#include "networks/codeword_fine_tuning.hpp"

#include <stdexcept>
#include <string>

namespace quantlab::networks {

void fine_tune_codewords(Network& net, const std::vector<Parameter>& compressed,
                         const std::vector<arma::uvec>& clusters, const LabelledImages& train_data,
                         TrainingSettings settings,
                         const std::function<void(std::size_t, double)>& after_epoch) {
  std::vector<float*> values, gradients;  // the concatenation, element by element
  for (const auto& p : compressed)
    for (arma::uword i = 0; i < p.value->n_elem; ++i) {
      values.push_back(p.value->memptr() + i);
      gradients.push_back(p.gradient->memptr() + i);
    }
  for (const auto& cluster : clusters)
    for (arma::uword i : cluster) {
      if (i >= values.size())
        throw std::invalid_argument("a cluster index is past the compressed parameters");
      if (*values[i] != *values[cluster[0]])
        throw std::invalid_argument(
            "the weights of a cluster differ: quantize before fine-tuning the codewords");
    }

  std::vector<float> mean_gradient(clusters.size());
  const auto shared_gradients = [&] {
    for (std::size_t c = 0; c < clusters.size(); ++c) {
      double sum = 0;
      for (arma::uword i : clusters[c]) sum += *gradients[i];
      mean_gradient[c] = static_cast<float>(sum / static_cast<double>(clusters[c].n_elem));
    }
    for (auto& p : net.parameters()) p.gradient->zeros();  // frozen: the rest, and pruned positions
    for (std::size_t c = 0; c < clusters.size(); ++c)
      for (arma::uword i : clusters[c]) *gradients[i] = mean_gradient[c];
  };
  settings.weight_decay = 0;  // it would move frozen weights and split clusters
  Optimizer optimizer(settings, net.parameters());
  train(net, train_data, settings, optimizer, after_epoch, shared_gradients);
}

}  // namespace quantlab::networks
