#pragma once
// The exact optimal K-level quantizer as a Quantizer: levels are the weighted group means of
// optimal_partition. Deterministic: no draw from the generator.
#include "algorithms/quantizer.hpp"

namespace quantlab {

class OptimalQuantizer : public Quantizer {
 public:
  explicit OptimalQuantizer(double max_memory_mb) : max_bytes_(max_memory_mb * 1048576.0) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  double max_bytes_;
};

}  // namespace quantlab
