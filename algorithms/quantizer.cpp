#include "algorithms/quantizer.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace quantlab {

void validate_input(const arma::vec& x, const arma::vec& weights, std::size_t levels) {
  if (x.is_empty()) throw std::invalid_argument("the data are empty");
  for (arma::uword i = 0; i < x.n_elem; ++i)
    if (!std::isfinite(x[i]))
      throw std::invalid_argument("the data contain a non-finite value (" + std::to_string(x[i]) +
                                  " at index " + std::to_string(i) + ")");
  if (!weights.is_empty()) {
    if (weights.n_elem != x.n_elem)
      throw std::invalid_argument("there are " + std::to_string(weights.n_elem) + " weights for " +
                                  std::to_string(x.n_elem) + " values");
    for (arma::uword i = 0; i < weights.n_elem; ++i)
      if (!(weights[i] > 0) || !std::isfinite(weights[i]))
        throw std::invalid_argument("weight " + std::to_string(i) +
                                    " is not a positive finite number");
  }
  if (levels < 1) throw std::invalid_argument("the number of levels must be at least 1");
}

Quantized Quantizer::quantize(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                              Generator& generator) const {
  validate_input(x, weights, levels);
  return quantize_values(x, weights, levels, generator);
}

Quantized Quantizer::quantize_matrix(const arma::vec& x, std::size_t rows, std::size_t cols,
                                     const arma::vec& weights, std::size_t levels,
                                     Generator& generator) const {
  validate_input(x, weights, levels);
  if (rows == 0 || cols == 0 || rows * cols != x.n_elem)
    throw std::invalid_argument("a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                " matrix cannot hold " + std::to_string(x.n_elem) + " values");
  return quantize_matrix_values(x, rows, cols, weights, levels, generator);
}

Quantized Quantizer::quantize_from(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                                   Generator& generator, const arma::vec& previous) const {
  validate_input(x, weights, levels);
  return quantize_values_from(x, weights, levels, generator, previous);
}

}  // namespace quantlab
