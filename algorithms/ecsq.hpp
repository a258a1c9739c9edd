#pragma once
// Entropy-constrained scalar quantization (paper 5, section 4; ../shared/papers/
// 05-towards-the-limit.md): the rate is the entropy of the level frequencies, H = −Σ p_j log2 p_j.
//
// ecsq_uniform: uniform thresholds at (k ± 1/2)Δ around 0, each bin reconstructed by the
//   (weighted) mean of its members; at most K bins (the outer ones absorb the tails). The step
//   is given, or found by bisection for the least Δ whose entropy is at most `rate`.
// ecsq: the iterative Lagrangian algorithm (Chou, Lookabaugh, Gray 1989): minimise
//   J = Σ_i h_i (x_i − c_j(i))² − λ Σ_i log2 p_j(i), starting from K levels on a uniform grid;
//   assign each value to the level of least cost, then set every level to the weighted mean of
//   its members and p_j to its frequency; levels that empty disappear; stop when J stops
//   decreasing. Without importance weights the assignment regions are intervals (the lower
//   envelope of parabolas of one curvature), found in O(K log m) on the sorted values; with
//   them the assignment is per element. `rate` > 0 searches λ for that entropy.
#include <vector>

#include "algorithms/quantizer.hpp"

namespace quantlab {

class UniformEcsqQuantizer : public Quantizer {
 public:
  UniformEcsqQuantizer(double step, double rate) : step_(step), rate_(rate) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  double step_, rate_;
};

struct EcsqTrace {
  std::vector<double> objective;  ///< J / n after every iteration
};

class IterativeEcsqQuantizer : public Quantizer {
 public:
  IterativeEcsqQuantizer(double lambda, double rate, std::size_t max_iter)
      : lambda_(lambda), rate_(rate), max_iter_(max_iter) {}
  /// One run at a fixed λ from K grid levels (for tests): the result and J per iteration.
  Quantized run(const arma::vec& x, const arma::vec& weights, std::size_t levels, double lambda,
                EcsqTrace* trace) const;

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  double lambda_, rate_;
  std::size_t max_iter_;
};

}  // namespace quantlab
