#pragma once
// Quantized activations (paper 2, ../shared/papers/02-least-squares-binary.md: activations are
// quantized online, each sample with scales computed from its own values): a layer that
// replaces each sample's activations x (a column of the batch) by m + Q(x − m), with m the
// sample's mean and Q a 1-D quantizer of K levels (ls1, gf, ls2, lsT, uniform, ...). The
// paper's binary codes are symmetric about zero and its activations are centred by batch
// normalisation; quantlab's LeNets have none, so each sample is centred on its own mean.
// Backward is the straight-through estimator, clipped to the code: the gradient passes where
// the centred input lies within the code's range, ±(the largest level's magnitude) (the
// binary codes are symmetric; min–max uniform spans every input), and is zero outside.
#include <armadillo>
#include <cstddef>
#include <memory>

#include "algorithms/quantizer.hpp"
#include "networks/network.hpp"

namespace quantlab::networks {

class QuantizedActivation : public Layer {
 public:
  /// `levels`: K asked of the quantizer (ls1, ls2 and lsT code their own number of levels).
  QuantizedActivation(std::shared_ptr<const Quantizer> quantizer, std::size_t levels);
  arma::fmat forward(const arma::fmat& input) override;
  arma::fmat backward(const arma::fmat& output_gradient) override;
  std::string name() const override { return "quantized_activation"; }

 private:
  std::shared_ptr<const Quantizer> quantizer_;
  std::size_t levels_;
  arma::fmat passes_;  // 1 where the gradient passes
};

/// Inserts a QuantizedActivation before every hidden weighted layer: each layer with
/// parameters but the first and the last, whose inputs stay in full precision as in paper 2
/// (LeNet-300: the input of dense2; LeNet-5: those of conv2 and dense1).
void quantize_hidden_activations(Network& net, const std::shared_ptr<const Quantizer>& quantizer,
                                 std::size_t levels);

}  // namespace quantlab::networks
