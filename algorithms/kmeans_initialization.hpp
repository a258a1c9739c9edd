#pragma once
// Starting centroids for 1-D k-means on sorted distinct values (ascending on return).
#include <armadillo>
#include <cstddef>

#include "algorithms/generator.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

/// k-means++ (Arthur & Vassilvitskii 2007): the first centroid drawn with probability
/// proportional to weight, each next one proportional to weight x squared distance to the
/// nearest chosen centroid. Only the Voronoi cell of a new centroid changes, so with a
/// Fenwick tree of the draw weights the whole draw costs O(m log K log m) expected.
arma::vec kmeanspp_initialization(const SortedValues& sorted, std::size_t K, Generator& gen);

/// K distinct values drawn without replacement with probability proportional to weight.
arma::vec random_initialization(const SortedValues& sorted, std::size_t K, Generator& gen);

/// The weighted (k + 1/2)/K quantiles, k = 0..K-1: deterministic (no draw).
arma::vec quantile_initialization(const SortedValues& sorted, std::size_t K);

}  // namespace quantlab
