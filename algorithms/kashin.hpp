#pragma once
// Kashin quantization (paper 3, ../shared/papers/03-kashin.md): normalise X to unit Frobenius
// norm, decompose X ≈ U + Qᵀ V̂ (kashin_decomposition.hpp), quantize the factors, and
// reconstruct X̂ = ‖X‖_F (U_q + Qᵀ V̂_q). Factors:
//   kmeans2d — the paper: one point (u_i, v̂_i) per weight, 2-D k-means with K centroids (one
//              log2 K-bit index per weight; the codebook stores 2K numbers);
//   a registered 1-D quantizer of K levels (optimal, kmeans, uniform, sparse_*) — quantlab's
//   addition: u with K_u
//              levels and v̂ with K_v (factor_levels: ⌈b/2⌉ and ⌊b/2⌋ bits for K = 2^b), the
//              index of a weight being the pair (i_u, i_v).
// Stored besides the indices and codebook: the norm (32 bits) and Q's 64-bit seed.
#include <cstddef>
#include <string>
#include <utility>

#include "algorithms/quantizer.hpp"

namespace quantlab {

/// Levels (K_u, K_v) of the two factors for K codewords: the largest product K_u·K_v ≤ K with
/// K_u ≥ K_v as close as possible.
std::pair<std::size_t, std::size_t> factor_levels(std::size_t K);

class KashinQuantizer : public Quantizer {
 public:
  /// transform: random, dct, hadamard; form: matrix (Kronecker Q, greedy steps) or columns
  /// (one Q for every column, alternating steps); factors: kmeans2d or a 1-D algorithm name.
  /// on_nonconvergence: quantize (record it) or fail (throw).
  KashinQuantizer(std::string transform, std::string form, std::string factors, double tol,
                  std::size_t max_iter, bool fail_on_nonconvergence, std::size_t n_init);

 private:
  /// A flat x is a vector (an N × 1 matrix).
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;
  Quantized quantize_matrix_values(const arma::vec& x, std::size_t rows, std::size_t cols,
                                   const arma::vec& weights, std::size_t levels,
                                   Generator& generator) const override;

  std::string transform_, form_, factors_;
  double tol_;
  std::size_t max_iter_;
  bool fail_on_nonconvergence_;
  std::size_t n_init_;
};

}  // namespace quantlab
