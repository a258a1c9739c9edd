#pragma once
// A trained network as a quantlab dataset file: one float32 tensor per parameter (dense
// kernels [in, out], convolution kernels HWIO, biases), each with the model's test accuracy,
// seed and training settings as attributes, so every quantizer and sweep can run on it; and
// the network read back from such a file.
#include <map>
#include <string>

#include "networks/network.hpp"
#include "networks/training.hpp"

namespace quantlab::networks {

/// `attributes` (model, dataset, test_accuracy, seed, settings, ...) go on the file and on
/// every tensor; written atomically.
/// `tensor_attributes` adds attributes to single tensors (e.g. pruned = zeros on kernels).
void save_network(
    Network& net, const std::string& path, const std::map<std::string, std::string>& attributes,
    const std::map<std::string, std::map<std::string, std::string>>& tensor_attributes = {});

/// Adds (or replaces) the companions importance/<kind>/<parameter> of every parameter to the
/// network's file, rewritten atomically. A floor of 1e-8 × a tensor's mean keeps every weight
/// positive (the weights of units that never fire have a zero Hessian diagonal).
void add_importance(const std::string& path, const std::string& kind, Network& net,
                    const std::vector<arma::fmat>& importance,
                    const std::map<std::string, std::string>& attributes);

/// The mean pixel a saved network was trained with (its inputs are shifted by it); a one-line
/// error names the file when the attribute is missing.
double training_mean_pixel(const std::string& path,
                           const std::map<std::string, std::string>& attributes);

/// The holdout a saved network was trained with (attributes holdout_images, holdout_seed;
/// none without them); a one-line error names the file when they are not whole numbers.
Holdout holdout_of(const std::string& path, const std::map<std::string, std::string>& attributes);

/// The train split of `data_file` as the saved network at `path` sees it: shifted by its mean
/// pixel and divided by its holdout (every image trained on when it has none); `limit` > 0
/// keeps the first that many of the images trained on.
TrainingImages saved_network_training_images(const std::string& path,
                                             const std::map<std::string, std::string>& attributes,
                                             const std::string& data_file, std::size_t limit = 0);

/// The network of a file written by save_network, with its file attributes in *attributes.
Network load_network(const std::string& path,
                     std::map<std::string, std::string>* attributes = nullptr);

}  // namespace quantlab::networks
