#pragma once
// Magnitude pruning (paper 5's pruned networks): keep exactly a fraction of the kernels'
// weights — the largest in magnitude over all layers at once — zero the others, and retrain
// with the pruned weights held at zero. A saved pruned kernel carries `pruned = zeros`, so
// quantization leaves its zeros out and codes the kept positions (paper 5, section 6).
#include <vector>

#include "networks/training.hpp"

namespace quantlab::networks {

/// One 0/1 mask per kernel (in net.parameters() order, biases excluded) keeping the
/// round(keep × total) largest |w| over all kernels (ties: the earlier weight).
std::vector<arma::fmat> magnitude_masks(Network& net, double keep);

/// Zeros the masked weights and, during training, their gradients.
void apply_masks(Network& net, const std::vector<arma::fmat>& masks, bool gradients);

}  // namespace quantlab::networks
