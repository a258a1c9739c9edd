#include "algorithms/kmeans.hpp"

#include <vector>

#include "algorithms/kmeans_initialization.hpp"
#include "algorithms/lloyd.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

namespace {

Quantized quantized_from_lloyd(const arma::vec& x, const SortedValues& sorted,
                               const LloydResult& result, std::size_t restarts,
                               std::size_t total_iterations) {
  Quantized q =
      quantized_from_groups(x, sorted, result.starts,
                            std::vector<double>(result.centroids.begin(), result.centroids.end()));
  q.iterations = result.iterations;
  q.converged = result.converged;
  q.scalars["empty_cluster_reseeds"] = static_cast<double>(result.reseeds);
  q.scalars["restarts"] = static_cast<double>(restarts);
  q.scalars["total_iterations"] = static_cast<double>(total_iterations);
  return q;
}

}  // namespace

Quantized KmeansQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                           std::size_t K, Generator& gen) const {
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  const PrefixSums sums(sorted);
  LloydResult best;
  std::size_t total_iterations = 0;
  // A deterministic start gives the same result every time: one restart is enough.
  const std::size_t restarts = init_ == KmeansInit::quantile ? 1 : n_init_;
  for (std::size_t r = 0; r < restarts; ++r) {
    arma::vec start = init_ == KmeansInit::kmeanspp ? kmeanspp_initialization(sorted, K, gen)
                      : init_ == KmeansInit::random ? random_initialization(sorted, K, gen)
                                                    : quantile_initialization(sorted, K);
    LloydResult result = lloyd(sorted, sums, std::move(start), max_iter_, tol_);
    total_iterations += result.iterations;
    if (r == 0 || result.sse < best.sse) best = std::move(result);
  }
  return quantized_from_lloyd(x, sorted, best, restarts, total_iterations);
}

Quantized KmeansQuantizer::quantize_values_from(const arma::vec& x, const arma::vec& weights,
                                                std::size_t K, Generator& gen,
                                                const arma::vec& previous) const {
  if (previous.n_elem != K || !previous.is_finite()) return quantize(x, weights, K, gen);
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  const LloydResult result =
      lloyd(sorted, PrefixSums(sorted), arma::sort(previous), max_iter_, tol_);
  return quantized_from_lloyd(x, sorted, result, 1, result.iterations);
}

}  // namespace quantlab
