#pragma once
// k-means of 2-D points (paper 3 quantizes Kashin's factor pairs (u_i, v̂_i) with K = 2^b
// centroids): k-means++ seeding (D² sampling) from the run's generator, then Lloyd's
// iterations with exact nearest-centroid assignment, O(NK) each; an emptied cluster is
// reseeded at the point farthest from its centroid. The best of `n_init` starts is kept.
#include <armadillo>
#include <cstddef>

#include "algorithms/generator.hpp"

namespace quantlab {

struct KMeans2d {
  arma::mat centroids;  ///< 2 × K
  arma::uvec labels;    ///< per point, its centroid
  double sse = 0;
  std::size_t iterations = 0;  ///< of the kept start
  bool converged = false;      ///< the kept start's assignment stopped changing
};

/// `points` is 2 × N; K ≤ the number of distinct points.
KMeans2d kmeans_2d(const arma::mat& points, std::size_t K, Generator& generator,
                   std::size_t max_iter = 300, std::size_t n_init = 1);

}  // namespace quantlab
