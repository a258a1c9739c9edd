#pragma once
// Importance of each weight for quantization (paper 5): the diagonal of the training loss's
// Hessian, averaged over samples. For these networks it is computed exactly: with ReLU and
// max-pooling every logit is affine in any single weight (almost everywhere), so ∂²z/∂θ_i² = 0
// and the Hessian's diagonal equals the Gauss–Newton diagonal
//   h_i = mean over samples of Σ_k (∂(b_kᵀ z)/∂θ_i)²,  b_k = √p_k (e_k − p),
// where Σ_k b_k b_kᵀ = diag(p) − p pᵀ is the cross-entropy's Hessian in the logits. Each sample
// costs one forward and ten backward passes.
#include <vector>

#include "networks/training.hpp"

namespace quantlab::networks {

/// One matrix per parameter (the shapes of net.parameters()); the first `samples` images.
std::vector<arma::fmat> hessian_diagonal(Network& net, const LabelledImages& data,
                                         std::size_t samples);

}  // namespace quantlab::networks
