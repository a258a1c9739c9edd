#include "algorithms/fixed_codebook.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

// The nearest of {0, ±2^e : e_min ≤ e ≤ e_max} to each value (paper 4's closed form).
arma::vec nearest_power_of_two(const arma::vec& v, int e_min, int e_max) {
  if (e_min > e_max) throw std::invalid_argument("powers of two need e_min <= e_max");
  arma::vec out(v.n_elem);
  for (std::size_t i = 0; i < v.n_elem; ++i) {
    const double m = std::abs(v[i]);
    if (m < std::ldexp(1.0, e_min - 1)) {  // nearer to 0 than to 2^e_min
      out[i] = 0;
      continue;
    }
    // 2^e and 2^(e+1) are equally near at 1.5 · 2^e = 2^(e+1) · 3/4.
    const int e = std::clamp(static_cast<int>(std::floor(std::log2(4 * m / 3))), e_min, e_max);
    out[i] = std::copysign(std::ldexp(1.0, e), v[i]);
  }
  return out;
}

// The nearest of {−1, +1} (0 goes to +1).
arma::vec nearest_sign(const arma::vec& v) {
  arma::vec out(v.n_elem);
  for (std::size_t i = 0; i < v.n_elem; ++i) out[i] = v[i] >= 0 ? 1.0 : -1.0;
  return out;
}

}  // namespace

// The nearest codeword is the weighted least-squares choice whatever the (positive) weights.
Quantized FixedCodebookQuantizer::quantize_values(const arma::vec& x, const arma::vec&,
                                                  std::size_t levels, Generator&) const {
  if (codebook_ == Codebook::sign) {
    if (levels != 2) throw std::invalid_argument("sign takes K = 2, not " + std::to_string(levels));
    return quantized_from_reconstruction(nearest_sign(x));
  }
  if (levels < 3 || levels % 2 == 0)
    throw std::invalid_argument(
        "powers_of_two takes an odd K >= 3 (0 and ±(K − 1)/2 powers), not " +
        std::to_string(levels));
  const int exponents = static_cast<int>((levels - 1) / 2);
  return quantized_from_reconstruction(nearest_power_of_two(x, e_max_ - exponents + 1, e_max_));
}

}  // namespace quantlab
