#pragma once
// A named tensor of quantlab's dataset format (datasets/README.md): values held as doubles
// in row-major order, with the dtype they are stored in and their attributes.
#include <armadillo>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace quantlab {

enum class DType { float32, float64 };

const char* dtype_name(DType dtype);

/// a * b, or std::runtime_error "<what> overflows (<a> x <b>)" when it does not fit a size_t.
std::size_t checked_multiply(std::size_t a, std::size_t b, const std::string& what);
/// a + b, or std::runtime_error "<what> overflows (<a> + <b>)".
std::size_t checked_add(std::size_t a, std::size_t b, const std::string& what);
/// The number of values of a shape read from a file, checked: a hostile header's dimensions
/// must not wrap around to a small count (accepted, then read past its end). Throws
/// std::runtime_error "<what>: shape [..] has more values than a size_t holds".
std::size_t checked_product(const std::vector<std::size_t>& shape, const std::string& what);

/// "sha256:<hex>" of values stored as little-endian float32, row-major.
std::string checksum_float32(const float* values, std::size_t n);
/// "sha256:<hex>" of values stored as little-endian float64, row-major.
std::string checksum_float64(const double* values, std::size_t n);

struct Tensor {
  std::string name;                ///< path inside the file, e.g. "dense_1/kernel"
  std::vector<std::size_t> shape;  ///< row-major; empty for a scalar
  DType dtype = DType::float64;
  arma::vec values;  ///< prod(shape) values, row-major, exact in `dtype`
  std::map<std::string, std::string> attributes;  ///< source, licence, generator, seed, ...

  std::size_t size() const { return values.n_elem; }
  /// "sha256:<hex>" of the values as stored: little-endian `dtype`, row-major.
  std::string checksum() const;
  /// "[3, 3, 64, 64]".
  std::string shape_text() const;
  /// Throws std::invalid_argument naming the tensor when it is empty, has NaN/Inf, or a value
  /// outside quantlab's range (algorithms/value_range.hpp).
  void check_values(const std::string& where) const;
};

}  // namespace quantlab
