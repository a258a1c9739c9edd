#pragma once
// Lloyd's iteration for 1-D k-means on sorted distinct values (00-baselines.md): the
// assignment step is K - 1 binary searches for the points where the nearer centroid changes,
// the update step is O(K) with prefix sums, so an iteration costs O(K log m) instead of the
// O(nK) of a general k-means, and its iterates are those of the naive algorithm:
//   assignment: every point to its nearest centroid, ties to the lowest index;
//   empty cluster: its centroid moves to the point farthest from its own centroid (ties to
//     the smallest value), centroids are re-sorted and the points reassigned;
//   update: every centroid to the weighted mean of its cluster;
//   stop: when an assignment repeats the previous one (converged), when the relative SSE
//     decrease falls below tol > 0 (converged), or after max_iter updates (not converged).
#include <armadillo>
#include <cstddef>
#include <vector>

#include "algorithms/sorted_values.hpp"

namespace quantlab {

struct LloydResult {
  arma::vec centroids;              ///< ascending
  std::vector<std::size_t> starts;  ///< cluster k = distinct values [starts[k], starts[k+1])
  double sse = 0;
  std::size_t iterations = 0;  ///< update steps taken
  bool converged = false;
  std::size_t reseeds = 0;  ///< empty clusters re-seeded
};

/// One record per update step, for tests that compare iterates with a naive Lloyd.
struct LloydStep {
  std::vector<std::size_t> starts;
  arma::vec centroids;
};

LloydResult lloyd(const SortedValues& sorted, const PrefixSums& sums, arma::vec centroids,
                  std::size_t max_iter, double tol, std::vector<LloydStep>* trace = nullptr);

}  // namespace quantlab
