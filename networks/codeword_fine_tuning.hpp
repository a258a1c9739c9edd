#pragma once
// Fine-tuning the shared values of a quantized network (paper 5, "fine-tunes the shared cluster
// centres after quantization"; as in Deep Compression): training in which each codeword moves
// by the mean gradient of the weights assigned to it, so the weights of a cluster stay equal
// and the indices, hence the code and the compression ratio, do not change.
#include <functional>
#include <vector>

#include "networks/training.hpp"

namespace quantlab::networks {

/// Trains the codewords of the `compressed` parameters for settings.epochs. `clusters` holds,
/// per codeword, the flat indices of its weights in the concatenation of `compressed` (each
/// in memory order); the weights of a cluster must be equal. Every other parameter and every
/// position in no cluster (a pruned weight) stays as it is. Weight decay is not applied.
void fine_tune_codewords(Network& net, const std::vector<Parameter>& compressed,
                         const std::vector<arma::uvec>& clusters, const LabelledImages& train_data,
                         TrainingSettings settings,
                         const std::function<void(std::size_t, double)>& after_epoch = {});

}  // namespace quantlab::networks
