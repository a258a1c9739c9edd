#pragma once
// Scaled binary expansions x ≈ Σ_i v_i s_i, s_i ∈ {-1, +1}^n (paper 2, eq. 8), with the signs
// packed 64 to a word, and their inner products through XOR and popcount:
//   ⟨x̂, ŵ⟩ = Σ_i Σ_j v_i u_j (n − 2 popcount(s_i XOR t_j)).
#include <armadillo>
#include <cstdint>
#include <vector>

namespace quantlab {

/// bsign(t) = +1 for t >= 0, -1 for t < 0 (paper 2): zero maps to +1.
inline double bsign(double t) {
  return t >= 0 ? 1.0 : -1.0;
}

class BinaryExpansion {
 public:
  BinaryExpansion() = default;
  explicit BinaryExpansion(std::size_t n) : n_(n) {}

  /// Appends v·s for a ±1 vector given as the signs of `signs` (bsign of each entry).
  void add(double scale, const arma::vec& signs);

  std::size_t size() const { return n_; }
  std::size_t bits() const { return scales_.size(); }
  const std::vector<double>& scales() const { return scales_; }
  /// Σ_i v_i s_i as a vector.
  arma::vec reconstruct() const;

  /// ⟨this, other⟩ from the packed signs; both must have the same size.
  double dot(const BinaryExpansion& other) const;

 private:
  std::size_t n_ = 0;
  std::vector<double> scales_;
  std::vector<std::vector<std::uint64_t>> words_;  ///< bit k of word w set: entry 64w+k is -1
};

}  // namespace quantlab
