#pragma once
// The range of values quantlab computes with. Within it the squares, products and sums of
// squares of up to 10^12 values neither overflow nor underflow, so an mse, an SSE gap or a
// weighted mean is a number to trust; outside it they silently become inf, NaN or 0. Data
// beyond it are refused: rescale them (and any fixed step, clip, λ or codebook with them).
#include <armadillo>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace quantlab {

constexpr double kLargestMagnitude = 1e100;    ///< |x| at most this
constexpr double kSmallestMagnitude = 1e-100;  ///< a non-zero |x| at least this

/// Whether every value is finite and, unless zero, of a magnitude within the range. One
/// branch-free pass over the bit patterns, vectorised by the compiler: with the sign bit
/// cleared a pattern orders like |x|, and Inf and NaN order above every finite value.
inline bool values_in_range(const arma::vec& values) {
  std::uint64_t largest, smallest;
  std::memcpy(&largest, &kLargestMagnitude, sizeof largest);
  std::memcpy(&smallest, &kSmallestMagnitude, sizeof smallest);
  const double* v = values.memptr();
  const std::size_t n = values.n_elem, block = 2048;
  for (std::size_t start = 0; start < n; start += block) {
    const std::size_t end = n - start < block ? n : start + block;
    std::uint64_t bad = 0;
    for (std::size_t i = start; i < end; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, &v[i], sizeof bits);
      bits &= ~(std::uint64_t{1} << 63);
      // bits - 1 wraps for zero, which is in range.
      bad |= static_cast<std::uint64_t>(bits > largest) | (bits - 1 < smallest - 1);
    }
    if (bad) return false;
  }
  return true;
}

/// Why `values` cannot be computed with (a non-finite value, or one outside the range, with
/// its flat index), or "" when they can.
inline std::string value_range_problem(const arma::vec& values) {
  if (values_in_range(values)) return "";
  for (arma::uword i = 0; i < values.n_elem; ++i) {
    const double v = values[i], a = std::abs(v);
    if (std::isfinite(v) && (a == 0 || (a >= kSmallestMagnitude && a <= kLargestMagnitude)))
      continue;
    char text[160];
    if (!std::isfinite(v))
      std::snprintf(text, sizeof text, "a non-finite value (%g at index %llu)", v,
                    static_cast<unsigned long long>(i));
    else
      std::snprintf(text, sizeof text,
                    "a value of magnitude %.3g at flat index %llu, outside [1e-100, 1e100] "
                    "(rescale the data)",
                    a, static_cast<unsigned long long>(i));
    return text;
  }
  return "";
}

}  // namespace quantlab
