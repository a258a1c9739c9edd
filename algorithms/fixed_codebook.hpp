#pragma once
// Fixed codebooks of paper 4 (../shared/papers/04-learning-compression.md, "C steps"): the
// codewords do not depend on the data, so the least-squares quantization is the nearest
// codeword, weighted or not.
//   sign:          {−1, +1}
//   powers_of_two: {0, ±2^e : e_max − C + 1 ≤ e ≤ e_max}, C = (K − 1)/2 exponents,
//                  nearest by sign(v)·2^⌊log2(4|v|/3)⌋ clipped to the range, 0 below 2^(e_min − 1)
#include "algorithms/quantizer.hpp"

namespace quantlab {

class FixedCodebookQuantizer : public Quantizer {
 public:
  enum class Codebook { sign, powers_of_two };
  FixedCodebookQuantizer(Codebook codebook, int e_max) : codebook_(codebook), e_max_(e_max) {}

 private:
  /// sign: levels must be 2; powers_of_two: levels odd, at least 3 (C = (levels − 1)/2).
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  Codebook codebook_;
  int e_max_;
};

}  // namespace quantlab
