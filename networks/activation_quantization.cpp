#include "networks/activation_quantization.hpp"

#include <algorithm>
#include <vector>

namespace quantlab::networks {
namespace {

// min(K, distinct values of x), without sorting: K is small.
std::size_t levels_for(const arma::vec& x, std::size_t K) {
  std::vector<double> seen;
  for (double v : x) {
    if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
    seen.push_back(v);
    if (seen.size() == K) break;
  }
  return seen.size();
}

}  // namespace

QuantizedActivation::QuantizedActivation(std::shared_ptr<const Quantizer> quantizer,
                                         std::size_t levels)
    : quantizer_(std::move(quantizer)), levels_(levels) {}

arma::fmat QuantizedActivation::forward(const arma::fmat& input) {
  arma::fmat out(arma::size(input));
  passes_.set_size(arma::size(input));
  for (arma::uword c = 0; c < input.n_cols; ++c) {
    const arma::vec x = arma::conv_to<arma::vec>::from(input.col(c));
    const double mean = arma::mean(x);
    const arma::vec centred = x - mean;
    Generator unused(0);  // the activation quantizers draw nothing; a fixed seed if one did
    const Quantized q =
        quantizer_->quantize(centred, arma::vec(), levels_for(centred, levels_), unused);
    const double lowest = q.reconstruction.min(), highest = q.reconstruction.max();
    out.col(c) = arma::conv_to<arma::fvec>::from(q.reconstruction + mean);
    for (arma::uword i = 0; i < x.n_elem; ++i)
      passes_(i, c) = centred[i] >= lowest && centred[i] <= highest ? 1.0f : 0.0f;
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
