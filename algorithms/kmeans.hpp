#pragma once
// k-means (Lloyd) quantization on sorted data (00-baselines.md): k-means++, random or
// quantile starts, n_init restarts keeping the least SSE, optional importance weights
// (Hessian-weighted k-means, paper 5 eq. 8: only the centroid update is weighted).
#include <string>

#include "algorithms/quantizer.hpp"

namespace quantlab {

class KmeansQuantizer : public Quantizer {
 public:
  KmeansQuantizer(std::string init, std::size_t n_init, std::size_t max_iter, double tol)
      : init_(std::move(init)), n_init_(n_init), max_iter_(max_iter), tol_(tol) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  /// Lloyd from `previous` when it has `levels` finite entries (one run, no draws), else
  /// quantize().
  Quantized quantize_values_from(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                                 Generator& generator, const arma::vec& previous) const override;

  std::string init_;
  std::size_t n_init_;
  std::size_t max_iter_;
  double tol_;
};

}  // namespace quantlab
