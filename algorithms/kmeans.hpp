#pragma once
// k-means (Lloyd) quantization on sorted data (00-baselines.md): k-means++, random or
// quantile starts, n_init restarts keeping the least SSE, optional importance weights
// (Hessian-weighted k-means, paper 5 eq. 8: only the centroid update is weighted).
#include "algorithms/parameters.hpp"
#include "algorithms/quantizer.hpp"

namespace quantlab {

enum class KmeansInit { kmeanspp, random, quantile };

inline constexpr OptionName<KmeansInit> kmeans_inits[] = {{KmeansInit::kmeanspp, "kmeans++"},
                                                          {KmeansInit::random, "random"},
                                                          {KmeansInit::quantile, "quantile"}};

class KmeansQuantizer : public Quantizer {
 public:
  KmeansQuantizer(KmeansInit init, std::size_t n_init, std::size_t max_iter, double tol)
      : init_(init), n_init_(n_init), max_iter_(max_iter), tol_(tol) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  /// Lloyd from `previous` when it has `levels` finite entries (one run, no draws), else
  /// quantize().
  Quantized quantize_values_from(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                                 Generator& generator, const arma::vec& previous) const override;

  KmeansInit init_;
  std::size_t n_init_;
  std::size_t max_iter_;
  double tol_;
};

}  // namespace quantlab
