#pragma once
// Uniform scalar quantization (baselines, ../shared/papers/00-baselines.md): K equally spaced
// levels center + (k - (K-1)/2) Δ, each value rounded to the nearest level.
//   minmax:       center = (min + max)/2, Δ = (max - min)/(K - 1)
//   symmetric:    center = 0, Δ = 2A/(K - 1), A = clip or max|x| (mid-rise for even K,
//                 mid-tread for odd K)
//   optimal_step: the centre and Δ minimising the (weighted) MSE of the clipped grid
// reconstruction grid keeps the levels; centroid replaces each non-empty bin's level by the
// weighted mean of its members (paper 5's uniform quantizer); empty bins disappear.
#include "algorithms/parameters.hpp"
#include "algorithms/quantizer.hpp"

namespace quantlab {

enum class UniformMode { minmax, symmetric, optimal_step };
enum class UniformReconstruction { grid, centroid };

inline constexpr OptionName<UniformMode> uniform_modes[] = {
    {UniformMode::minmax, "minmax"},
    {UniformMode::symmetric, "symmetric"},
    {UniformMode::optimal_step, "optimal_step"}};
inline constexpr OptionName<UniformReconstruction> uniform_reconstructions[] = {
    {UniformReconstruction::grid, "grid"}, {UniformReconstruction::centroid, "centroid"}};

class UniformQuantizer : public Quantizer {
 public:
  UniformQuantizer(UniformMode mode, UniformReconstruction reconstruction, double clip)
      : mode_(mode), reconstruction_(reconstruction), clip_(clip) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  UniformMode mode_;
  UniformReconstruction reconstruction_;
  double clip_;
};

}  // namespace quantlab
