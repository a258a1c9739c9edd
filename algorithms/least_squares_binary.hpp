#pragma once
// Least-squares binary quantization (paper 2, ../shared/papers/02-least-squares-binary.md):
// x ≈ Σ_i v_i s_i with v_i >= 0 and s_i ∈ {-1, +1}^n (eq. 8), optionally weighted
// (every mean below becomes a weighted mean).
//   ls1: s = bsign(x), v = mean|x|                                  (optimal 1-bit)
//   gf:  r_1 = x, v_i = mean|r_i|, s_i = bsign(r_i), r_{i+1} = r_i − v_i s_i   (greedy, k bits)
//   ls2: exact 2-means of |x| by a split scan of sorted |x| with prefix sums: levels ±a, ±c,
//        v1 = (a + c)/2, v2 = (c − a)/2                               (optimal 2-bit)
//   lsT: levels {−c, 0, +c} (c = 2v): the best split of sorted |x| into zeros and ±c, with
//        c the mean |x| above it; may keep every entry non-zero       (optimal ternary)
// compat: apple mimics the published code for ls2 and lsT: v1 is chosen among data values
// at admissible splits of every `skip`-th element, v2 = mean|x − v1 s1| (ls2) or v1 (lsT).
#include <string>

#include "algorithms/binary_expansion.hpp"
#include "algorithms/quantizer.hpp"

namespace quantlab {

enum class BinaryMethod { ls1, gf, ls2, lsT };

/// The expansion of x by `method` (`bits` is gf's k); `weights` empty = unweighted.
BinaryExpansion least_squares_binary(const arma::vec& x, const arma::vec& weights,
                                     BinaryMethod method, std::size_t bits,
                                     bool apple_compat = false, std::size_t skip = 3);

class LeastSquaresBinaryQuantizer : public Quantizer {
 public:
  LeastSquaresBinaryQuantizer(BinaryMethod method, bool apple_compat, std::size_t skip)
      : method_(method), apple_compat_(apple_compat), skip_(skip) {}

 private:
  /// `levels` fixes the bits of gf (K = 2^k); the other methods have fixed level counts.
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  BinaryMethod method_;
  bool apple_compat_;
  std::size_t skip_;
};

}  // namespace quantlab
