#include "datasets/tensor.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "datasets/sha256.hpp"

namespace quantlab {

const char* dtype_name(DType dtype) { return dtype == DType::float32 ? "float32" : "float64"; }

std::string Tensor::checksum() const {
  static_assert(sizeof(float) == 4 && sizeof(double) == 8, "IEEE-754 sizes");
  Sha256 hash;
  // Little-endian bytes whatever the host: build them explicitly, a block at a time.
  std::vector<std::uint8_t> bytes;
  const std::size_t block = 8192;
  for (std::size_t start = 0; start < values.n_elem; start += block) {
    const std::size_t end = std::min<std::size_t>(values.n_elem, start + block);
    bytes.clear();
    for (std::size_t i = start; i < end; ++i) {
      std::uint64_t word;
      int width;
      if (dtype == DType::float32) {
        const float f = static_cast<float>(values[i]);
        std::uint32_t w32;
        std::memcpy(&w32, &f, 4);
        word = w32, width = 4;
      } else {
        std::memcpy(&word, &values[i], 8);
        width = 8;
      }
      for (int b = 0; b < width; ++b) bytes.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
    }
    hash.update(bytes.data(), bytes.size());
  }
  return "sha256:" + hash.hex();
}

std::string Tensor::shape_text() const {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void Tensor::check_finite(const std::string& where) const {
  if (values.is_empty()) throw std::invalid_argument(where + ": tensor '" + name + "' is empty");
  std::size_t bad = 0, first = 0;
  for (std::size_t i = 0; i < values.n_elem; ++i)
    if (!std::isfinite(values[i]) && bad++ == 0) first = i;
  if (bad)
    throw std::invalid_argument(where + ": tensor '" + name + "' has " + std::to_string(bad) +
                                " NaN or Inf values (the first at flat index " +
                                std::to_string(first) + ")");
}

}  // namespace quantlab
