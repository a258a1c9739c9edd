#include "algorithms/kmeans.hpp"

#include <vector>

#include "algorithms/kmeans_initialization.hpp"
#include "algorithms/lloyd.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

Quantized KmeansQuantizer::quantize(const arma::vec& x, const arma::vec& weights,
                                    std::size_t K, Generator& gen) const {
  const SortedValues sorted = SortedValues::from(x, weights);
  const PrefixSums sums(sorted);
  LloydResult best;
  std::size_t total_iterations = 0;
  // A deterministic start gives the same result every time: one restart is enough.
  const std::size_t restarts = init_ == "quantile" ? 1 : n_init_;
  for (std::size_t r = 0; r < restarts; ++r) {
    arma::vec start = init_ == "kmeans++" ? kmeanspp_initialization(sorted, K, gen)
                      : init_ == "random" ? random_initialization(sorted, K, gen)
                                          : quantile_initialization(sorted, K);
    LloydResult result = lloyd(sorted, sums, std::move(start), max_iter_, tol_);
    total_iterations += result.iterations;
    if (r == 0 || result.sse < best.sse) best = std::move(result);
  }
  Quantized q = quantized_from_groups(
      sorted, best.starts, std::vector<double>(best.centroids.begin(), best.centroids.end()));
  q.iterations = best.iterations;
  q.converged = best.converged;
  q.scalars["empty_cluster_reseeds"] = static_cast<double>(best.reseeds);
  q.scalars["restarts"] = static_cast<double>(restarts);
  q.scalars["total_iterations"] = static_cast<double>(total_iterations);
  return q;
}

}  // namespace quantlab
