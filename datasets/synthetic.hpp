#pragma once
// Synthetic tensors drawn from quantlab's Generator, so that a spec and a seed give the same
// bytes on every machine. Distributions and their parameters (defaults in brackets):
//   gaussian         mean [0], std [1]
//   uniform          low [-1], high [1]
//   laplace          loc [0], scale [1]           (variance 2 scale^2)
//   student_t        nu [3], loc [0], scale [1]
//   gaussian_mixture weights, means, stds         (lists of equal length; weights sum > 0)
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datasets/tensor.hpp"

namespace quantlab {

struct SyntheticSpec {
  std::string distribution = "gaussian";
  std::size_t n = 0;
  std::vector<std::size_t> shape;  ///< empty: [n]; else its product is n (a matrix: [rows, cols])
  std::uint64_t seed = 0;
  DType dtype = DType::float64;
  /// > 0: round each draw to an integer and clip to [0, 2^integer_bits − 1], like b-bit
  /// image pixels (few distinct values, heavy ties).
  int integer_bits = 0;
  std::map<std::string, std::vector<double>> parameters;  ///< scalars are lists of one
};

/// The distributions, and for each its parameter names.
const std::map<std::string, std::vector<std::string>>& synthetic_distributions();

/// Throws std::invalid_argument with a one-line message for an unknown distribution, an
/// unknown or malformed parameter, or n = 0.
void validate(const SyntheticSpec& spec);

/// The tensor named `name`, with generator, parameters and seed as attributes.
Tensor make_synthetic(const std::string& name, const SyntheticSpec& spec);

}  // namespace quantlab
