#pragma once
// The range of values quantlab computes with. Within it the squares, products and sums of
// squares of up to 10^12 values neither overflow nor underflow, so an mse, an SSE gap or a
// weighted mean is a number to trust; outside it they silently become inf, NaN or 0. Data
// beyond it are refused: rescale them (and any fixed step, clip, λ or codebook with them).
#include <armadillo>
#include <cmath>
#include <cstdio>
#include <string>

namespace quantlab {

constexpr double kLargestMagnitude = 1e100;    ///< |x| at most this
constexpr double kSmallestMagnitude = 1e-100;  ///< a non-zero |x| at least this

/// Why `values` cannot be computed with (a non-finite value, or one outside the range, with
/// its flat index), or "" when they can.
inline std::string value_range_problem(const arma::vec& values) {
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
