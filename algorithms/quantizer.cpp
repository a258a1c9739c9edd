#include "algorithms/quantizer.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "algorithms/value_range.hpp"

namespace quantlab {

void validate_input(const arma::vec& x, const arma::vec& weights, std::size_t levels) {
  if (x.is_empty()) throw std::invalid_argument("the data are empty");
  // One pass over the data: non-finite values and values beyond the range alike.
  if (const std::string problem = value_range_problem(x); !problem.empty())
    throw std::invalid_argument("the data hold " + problem);
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

void validate_output(const Quantized& q, std::size_t n) {
  if (q.reconstruction.n_elem != n)
    throw std::runtime_error("the quantizer returned " + std::to_string(q.reconstruction.n_elem) +
                             " values for " + std::to_string(n));
  for (arma::uword i = 0; i < n; ++i)
    if (!std::isfinite(q.reconstruction[i]))
      throw std::runtime_error("the quantizer's reconstruction holds a non-finite value (" +
                               std::to_string(q.reconstruction[i]) + " at index " +
                               std::to_string(i) + "): the data's range is beyond its arithmetic");
  if (!q.codebook.is_finite())
    throw std::runtime_error("the quantizer's codebook holds a non-finite value");
  // The codewords may outnumber K: a sparse method with a fixed λ takes the levels λ gives.
  const std::size_t codewords = q.codewords ? q.codewords : q.codebook.n_elem;
  if (!q.indices.is_empty()) {
    if (q.indices.n_elem != n)
      throw std::runtime_error("the quantizer returned " + std::to_string(q.indices.n_elem) +
                               " indices for " + std::to_string(n) + " values");
    if (q.indices.max() >= codewords)
      throw std::runtime_error("the quantizer returned index " + std::to_string(q.indices.max()) +
                               " for " + std::to_string(codewords) + " codewords");
  }
}

namespace {

Quantized checked(Quantized q, std::size_t n) {
  validate_output(q, n);
  return q;
}

}  // namespace

Quantized Quantizer::quantize(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                              Generator& generator) const {
  validate_input(x, weights, levels);
  return checked(quantize_values(x, weights, levels, generator), x.n_elem);
}

Quantized Quantizer::quantize_matrix(const arma::vec& x, std::size_t rows, std::size_t cols,
                                     const arma::vec& weights, std::size_t levels,
                                     Generator& generator) const {
  validate_input(x, weights, levels);
  if (rows == 0 || cols == 0 || rows * cols != x.n_elem)
    throw std::invalid_argument("a " + std::to_string(rows) + " x " + std::to_string(cols) +
                                " matrix cannot hold " + std::to_string(x.n_elem) + " values");
  return checked(quantize_matrix_values(x, rows, cols, weights, levels, generator), x.n_elem);
}

Quantized Quantizer::quantize_from(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                                   Generator& generator, const arma::vec& previous) const {
  validate_input(x, weights, levels);
  return checked(quantize_values_from(x, weights, levels, generator, previous), x.n_elem);
}

}  // namespace quantlab
