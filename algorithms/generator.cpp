#include "algorithms/generator.hpp"

#include <cmath>

#include "algorithms/deterministic_math.hpp"

namespace quantlab {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

}  // namespace

Generator::Generator(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Generator::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Generator::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Generator::uniform_open() {
  return (static_cast<double>(next() >> 12) + 0.5) * 0x1.0p-52;
}

std::uint64_t Generator::below(std::uint64_t n) {
  // Lemire, "Fast random integer generation in an interval" (2019).
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double Generator::unit_disc(double& u, double& v) {
  double s;
  do {
    u = 2 * uniform() - 1;
    v = 2 * uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return s;
}

double Generator::normal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double u, v;
  const double s = unit_disc(u, v);
  const double factor = std::sqrt(-2 * det_log(s) / s);  // sqrt is correctly rounded
  spare_normal_ = v * factor;
  has_spare_normal_ = true;
  return u * factor;
}

double Generator::laplace() {
  const double u = uniform_open() - 0.5;  // in (-1/2, 1/2)
  return u < 0 ? det_log(1 + 2 * u) : -det_log(1 - 2 * u);
}

double Generator::student_t(double nu) {
  // Bailey (1994): t = u * sqrt(nu (s^{-2/nu} - 1) / s) for (u, v) uniform in the unit disc.
  double u, v;
  const double s = unit_disc(u, v);
  const double power = det_exp(-2.0 / nu * det_log(s));
  return u * std::sqrt(nu * (power - 1) / s);
}

}  // namespace quantlab
