#include "networks/importance.hpp"

#include <cmath>

namespace quantlab::networks {

std::vector<arma::fmat> hessian_diagonal(Network& net, const LabelledImages& data,
                                         std::size_t samples) {
  std::vector<Parameter> parameters = net.parameters();
  std::vector<arma::mat> sum;
  for (const auto& p : parameters) sum.emplace_back(arma::size(*p.value), arma::fill::zeros);
  const std::size_t n = std::min(samples, static_cast<std::size_t>(data.images.n_cols));
  for (std::size_t s = 0; s < n; ++s) {
    const arma::fmat logits = net.forward(data.images.col(s));
    // Softmax probabilities, in double.
    arma::vec p = arma::conv_to<arma::vec>::from(logits.col(0));
    p = arma::exp(p - p.max());
    p /= arma::accu(p);
    for (std::size_t k = 0; k < p.n_elem; ++k) {
      arma::vec b = -std::sqrt(p[k]) * p;
      b[k] += std::sqrt(p[k]);
      net.zero_gradients();
      net.backward(arma::conv_to<arma::fmat>::from(b));
      for (std::size_t i = 0; i < parameters.size(); ++i)
        sum[i] += arma::square(arma::conv_to<arma::mat>::from(*parameters[i].gradient));
    }
  }
  std::vector<arma::fmat> out;
  for (auto& m : sum) out.push_back(arma::conv_to<arma::fmat>::from(m / static_cast<double>(n)));
  net.zero_gradients();
  return out;
}

}  // namespace quantlab::networks
