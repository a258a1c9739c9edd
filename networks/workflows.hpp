#pragma once
// The network workflows of the command line (quantlab net lc, net prune) as functions: load a
// saved network and its images, compress or prune it, and return the network, what happened
// and the attributes to save it with. Printing and saving stay with the caller.
#include <functional>
#include <map>
#include <string>

#include "networks/learning_compression.hpp"

namespace quantlab::networks {

/// The settings as stored with a network (attribute `training` or `pruning`).
std::string settings_text(const TrainingSettings& settings);

struct SavedNetworkRun {
  std::string network_file;  ///< a network saved by quantlab net train
  std::string data_file;     ///< a dataset file with train/ and test/ images and labels
};

/// LC or iDC (paper 4) on a saved network's kernels, one codebook per kernel by the
/// registered quantizer `c_step` with `levels` codewords (its levels rule is enforced).
struct LcWorkflow : SavedNetworkRun {
  std::string c_step = "kmeans";
  std::size_t levels = 2;
  LcSettings settings;
};

struct CompressedNetwork {
  Network network;  ///< with Δ(Θ) in its kernels
  LcResult result;
  std::map<std::string, std::string> attributes;  ///< the input's, marked as compressed
};

CompressedNetwork compress_saved_network(const LcWorkflow& workflow,
                                         const std::function<void(const LcStep&)>& after_step = {});

/// Magnitude pruning to a kept fraction of the kernels' weights, then retraining with the
/// pruned weights held at zero.
struct PruneWorkflow : SavedNetworkRun {
  double keep = 0.1;
  TrainingSettings training;
};

struct PrunedNetwork {
  Network network;
  Evaluation before_retraining, after_retraining;  ///< on the test images
  std::map<std::string, std::string> attributes;
  std::map<std::string, std::map<std::string, std::string>> tensor_attributes;  ///< pruned = zeros
};

/// `after_epoch(epoch, train_loss, test)` follows each retraining epoch.
PrunedNetwork prune_saved_network(
    const PruneWorkflow& workflow,
    const std::function<void(std::size_t, double, const Evaluation&)>& after_epoch = {});

}  // namespace quantlab::networks
