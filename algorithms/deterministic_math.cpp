#include "algorithms/deterministic_math.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace quantlab {
namespace {

// ln 2 split so that k * kLn2High is exact for |k| < 2^11.
constexpr double kLn2High = 6.93147180369123816490e-01;
constexpr double kLn2Low = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

std::uint64_t bits_of(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

}  // namespace

double det_log(double x) {
  if (std::isnan(x) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int k = 0;
  if (x < std::numeric_limits<double>::min()) {  // subnormal: scale into the normal range
    x *= 18014398509481984.0;                    // 2^54
    k = -54;
  }
  // x = f * 2^e with f in [sqrt(1/2), sqrt(2)).
  const std::uint64_t b = bits_of(x);
  int e = static_cast<int>((b >> 52) & 0x7ff) - 1023;
  double f = from_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
  if (f > 2 * kSqrtHalf) {
    f *= 0.5;
    ++e;
  }
  k += e;
  // log f = 2 atanh(s), s = (f - 1) / (f + 1), |s| < 0.1716: the odd series converges fast.
  const double s = (f - 1) / (f + 1);
  const double s2 = s * s;
  double term = s;
  double sum = s;
  for (int i = 3; i < 41; i += 2) {
    term *= s2;
    sum += term / i;
  }
  return (k * kLn2High + 2 * sum) + k * kLn2Low;
}

double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.78) return std::numeric_limits<double>::infinity();
  if (x < -745.2) return 0.0;
  // x = k ln2 + r, |r| <= ln2 / 2; e^r by its Taylor series, then scaled by 2^k.
  const double kd = std::floor(x / (kLn2High + kLn2Low) + 0.5);
  const int k = static_cast<int>(kd);
  const double r = (x - kd * kLn2High) - kd * kLn2Low;
  double term = 1.0;
  double sum = 1.0;
  for (int i = 1; i < 24; ++i) {
    term *= r / i;
    sum += term;
  }
  // Scale in two steps so that 2^k never overflows or underflows on its own.
  const int k1 = k / 2;
  const int k2 = k - k1;
  const double p1 = from_bits(static_cast<std::uint64_t>(k1 + 1023) << 52);
  const double p2 = from_bits(static_cast<std::uint64_t>(k2 + 1023) << 52);
  return sum * p1 * p2;
}

}  // namespace quantlab
