#include "datasets/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "algorithms/value_range.hpp"
#include "datasets/sha256.hpp"

namespace quantlab {

const char* dtype_name(DType dtype) {
  return dtype == DType::float32 ? "float32" : "float64";
}

namespace {

// Little-endian bytes whatever the host: the values' own memory on a little-endian host,
// else their bytes reordered a block at a time.
template <typename T, typename Bits>
std::string checksum_of(const T* values, std::size_t n) {
  static_assert(sizeof(T) == sizeof(Bits), "IEEE-754 sizes");
  Sha256 hash;
  if constexpr (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
    hash.update(values, n * sizeof(T));
  } else {
    std::vector<std::uint8_t> bytes;
    const std::size_t block = 8192;
    for (std::size_t start = 0; start < n; start += block) {
      const std::size_t end = std::min(n, start + block);
      bytes.clear();
      for (std::size_t i = start; i < end; ++i) {
        Bits word;
        std::memcpy(&word, &values[i], sizeof word);
        for (std::size_t b = 0; b < sizeof word; ++b)
          bytes.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
      }
      hash.update(bytes.data(), bytes.size());
    }
  }
  return "sha256:" + hash.hex();
}

}  // namespace

std::size_t checked_multiply(std::size_t a, std::size_t b, const std::string& what) {
  std::size_t product;
  if (__builtin_mul_overflow(a, b, &product))
    throw std::runtime_error(what + " overflows (" + std::to_string(a) + " x " + std::to_string(b) +
                             ")");
  return product;
}

std::size_t checked_add(std::size_t a, std::size_t b, const std::string& what) {
  std::size_t sum;
  if (__builtin_add_overflow(a, b, &sum))
    throw std::runtime_error(what + " overflows (" + std::to_string(a) + " + " + std::to_string(b) +
                             ")");
  return sum;
}

std::size_t checked_product(const std::vector<std::size_t>& shape, const std::string& what) {
  std::size_t count = 1;
  for (std::size_t d : shape)
    if (__builtin_mul_overflow(count, d, &count)) {
      std::string text = "[";
      for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
      throw std::runtime_error(what + ": shape " + text + "] has more values than a size_t holds");
    }
  return count;
}

std::string checksum_float32(const float* values, std::size_t n) {
  return checksum_of<float, std::uint32_t>(values, n);
}

std::string checksum_float64(const double* values, std::size_t n) {
  return checksum_of<double, std::uint64_t>(values, n);
}

std::string Tensor::checksum() const {
  if (dtype == DType::float64) return checksum_float64(values.memptr(), values.n_elem);
  const std::vector<float> single(values.begin(), values.end());
  return checksum_float32(single.data(), single.size());
}

std::string Tensor::shape_text() const {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void Tensor::check_values(const std::string& where) const {
  if (values.is_empty()) throw std::invalid_argument(where + ": tensor '" + name + "' is empty");
  if (values_in_range(values)) return;  // the common case, in one pass
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < values.n_elem; ++i)
    if (!std::isfinite(values[i]) && bad++ == 0) first = i;
  if (bad)
    throw std::invalid_argument(where + ": tensor '" + name + "' has " + std::to_string(bad) +
                                " NaN or Inf values (the first at flat index " +
                                std::to_string(first) + ")");
  if (const std::string problem = value_range_problem(values); !problem.empty())
    throw std::invalid_argument(where + ": tensor '" + name + "' has " + problem);
}

}  // namespace quantlab
