#include "networks/activation_quantization.hpp"

#include <cmath>

namespace quantlab::networks {

QuantizedActivation::QuantizedActivation(std::shared_ptr<const Quantizer> quantizer,
                                         std::size_t levels)
    : quantizer_(std::move(quantizer)), levels_(levels) {}

arma::fmat QuantizedActivation::forward(const arma::fmat& input) {
  arma::fmat out(arma::size(input));
  passes_.ones(arma::size(input));
  for (arma::uword c = 0; c < input.n_cols; ++c) {
    const arma::vec x = arma::conv_to<arma::vec>::from(input.col(c));
    if (arma::all(x == x[0])) {  // one value: it is its own level
      out.col(c) = input.col(c);
      continue;
    }
    const double mean = arma::mean(x);
    const arma::vec centred = x - mean;
    Generator unused(0);  // the activation quantizers draw nothing; a fixed seed if one did
    const Quantized q = quantizer_->quantize(centred, arma::vec(), levels_, unused);
    out.col(c) = arma::conv_to<arma::fvec>::from(q.reconstruction + mean);
    // The code's range about the mean: the binary codes are symmetric, so a level the sample
    // does not use still bounds it; min–max uniform spans every input. The tolerance keeps an
    // extreme input whose level rounded an ulp inside it.
    const double bound = arma::abs(q.reconstruction).max() * (1 + 1e-12);
    for (arma::uword i = 0; i < x.n_elem; ++i)
      if (std::abs(centred[i]) > bound) passes_(i, c) = 0;
  }
  return out;
}

arma::fmat QuantizedActivation::backward(const arma::fmat& output_gradient) {
  return output_gradient % passes_;
}

void quantize_hidden_activations(Network& net, const std::shared_ptr<const Quantizer>& quantizer,
                                 std::size_t levels) {
  net.insert_before_hidden_layers(
      [&] { return std::make_unique<QuantizedActivation>(quantizer, levels); });
}

}  // namespace quantlab::networks
