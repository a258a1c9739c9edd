#pragma once
#include <cstdint>

namespace quantlab {

/// The one source of randomness in quantlab: xoshiro256** (Blackman & Vigna 2018), seeded
/// through SplitMix64. Its output, and every variate drawn from it below, is fully specified
/// here, so a seed gives the same numbers on every machine and standard library.
class Generator {
 public:
  explicit Generator(std::uint64_t seed);

  /// The next raw 64-bit output.
  std::uint64_t next();
  /// Uniform on [0, 1): the top 53 bits of one output.
  double uniform();
  /// Uniform on (0, 1): never exactly 0, for logarithms.
  double uniform_open();
  /// Uniform integer in [0, n) without modulo bias (Lemire's method); n > 0.
  std::uint64_t below(std::uint64_t n);
  /// Standard normal by Marsaglia's polar method.
  double normal();
  /// Standard Laplace (density e^{-|x|}/2) by inversion.
  double laplace();
  /// Student's t with nu > 0 degrees of freedom (Bailey's polar method).
  double student_t(double nu);

 private:
  /// A point (u, v) uniform in the open unit disc minus its centre; returns u^2 + v^2.
  double unit_disc(double& u, double& v);

  std::uint64_t s_[4];
  bool has_spare_normal_ = false;
  double spare_normal_ = 0;
};

}  // namespace quantlab
