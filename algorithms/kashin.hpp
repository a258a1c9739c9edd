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
#include <memory>
#include <utility>

#include "algorithms/orthogonal_transform.hpp"
#include "algorithms/parameters.hpp"
#include "algorithms/quantizer.hpp"

namespace quantlab {

enum class KashinForm { matrix, columns };

inline constexpr OptionName<KashinForm> kashin_forms[] = {{KashinForm::matrix, "matrix"},
                                                          {KashinForm::columns, "columns"}};

/// Levels (K_u, K_v) of the two factors for K codewords: the largest product K_u·K_v ≤ K with
/// K_u ≥ K_v as close as possible.
std::pair<std::size_t, std::size_t> factor_levels(std::size_t K);

class KashinQuantizer : public Quantizer {
 public:
  /// form: matrix (Kronecker Q, greedy steps) or columns (one Q for every column, alternating
  /// steps); factor_quantizer: the 1-D quantizer of u and v̂, or null for kmeans2d (with
  /// n_init restarts). fail_on_nonconvergence: throw instead of quantizing the factors reached.
  KashinQuantizer(TransformKind transform, KashinForm form,
                  std::shared_ptr<const Quantizer> factor_quantizer, double tol,
                  std::size_t max_iter, bool fail_on_nonconvergence, std::size_t n_init);
  bool reads_matrix_layout() const override { return true; }

 private:
  /// A flat x is a vector (an N × 1 matrix).
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;
  Quantized quantize_matrix_values(const arma::vec& x, std::size_t rows, std::size_t cols,
                                   const arma::vec& weights, std::size_t levels,
                                   Generator& generator) const override;

  TransformKind transform_;
  KashinForm form_;
  std::shared_ptr<const Quantizer> factor_quantizer_;
  double tol_;
  std::size_t max_iter_;
  bool fail_on_nonconvergence_;
  std::size_t n_init_;
};

}  // namespace quantlab
