#include "algorithms/kmeans2d.hpp"

#include <limits>

namespace quantlab {
namespace {

double distance2(const arma::mat& p, std::size_t i, const arma::mat& c, std::size_t k) {
  const double dx = p(0, i) - c(0, k), dy = p(1, i) - c(1, k);
  return dx * dx + dy * dy;
}

arma::mat seed_plus_plus(const arma::mat& points, std::size_t K, Generator& g) {
  const std::size_t n = points.n_cols;
  arma::mat c(2, K);
  c.col(0) = points.col(g.below(n));
  arma::vec nearest(n);
  for (std::size_t i = 0; i < n; ++i) nearest[i] = distance2(points, i, c, 0);
  for (std::size_t k = 1; k < K; ++k) {
    const double total = arma::accu(nearest);
    std::size_t pick = n - 1;
    if (total > 0) {
      double target = g.uniform() * total;
      for (std::size_t i = 0; i < n; ++i)
        if ((target -= nearest[i]) < 0) {
          pick = i;
          break;
        }
    }
    c.col(k) = points.col(pick);
    for (std::size_t i = 0; i < n; ++i)
      nearest[i] = std::min(nearest[i], distance2(points, i, c, k));
  }
  return c;
}

KMeans2d lloyd_2d(const arma::mat& points, arma::mat c, std::size_t max_iter) {
  const std::size_t n = points.n_cols, K = c.n_cols;
  KMeans2d r;
  r.labels.set_size(n);
  arma::vec best(n);
  for (std::size_t it = 0; it <= max_iter; ++it) {
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t label = 0;
      double d = distance2(points, i, c, 0);
      for (std::size_t k = 1; k < K; ++k) {
        const double e = distance2(points, i, c, k);
        if (e < d) d = e, label = k;
      }
      changed = changed || it == 0 || r.labels[i] != label;
      r.labels[i] = label;
      best[i] = d;
    }
    if (!changed) {
      r.converged = true;
      break;
    }
    if (it == max_iter) break;
    r.iterations = it + 1;
    arma::mat sum(2, K, arma::fill::zeros);
    arma::vec count(K, arma::fill::zeros);
    for (std::size_t i = 0; i < n; ++i)
      sum.col(r.labels[i]) += points.col(i), count[r.labels[i]] += 1;
    for (std::size_t k = 0; k < K; ++k) {
      if (count[k] > 0) {
        c.col(k) = sum.col(k) / count[k];
      } else {  // reseed an empty cluster at the worst-served point
        const arma::uword far = best.index_max();
        c.col(k) = points.col(far);
        best[far] = 0;
      }
    }
  }
  r.centroids = c;
  r.sse = arma::accu(best);
  return r;
}

}  // namespace

KMeans2d kmeans_2d(const arma::mat& points, std::size_t K, Generator& generator,
                   std::size_t max_iter, std::size_t n_init) {
  KMeans2d best;
  best.sse = std::numeric_limits<double>::infinity();
  for (std::size_t start = 0; start < n_init; ++start) {
    KMeans2d r = lloyd_2d(points, seed_plus_plus(points, K, generator), max_iter);
    if (r.sse < best.sse) best = std::move(r);
  }
  return best;
}

}  // namespace quantlab
