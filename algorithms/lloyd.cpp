#include "algorithms/lloyd.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quantlab {
namespace {

// starts[k] = first point whose nearest centroid (lowest index on ties) has index >= k.
// For c[k-1] < c[k] that is the first point strictly nearer c[k] than c[k-1]; a centroid
// equal to its predecessor never wins a point, so its cluster is empty.
std::vector<std::size_t> assign(const arma::vec& u, const arma::vec& c) {
  const std::size_t K = c.n_elem, m = u.n_elem;
  std::vector<std::size_t> starts(K + 1, m);
  starts[0] = 0;
  std::size_t lo = 0;
  for (std::size_t k = 1; k < K; ++k) {
    if (c[k] == c[k - 1]) continue;
    const double left = c[k - 1], right = c[k];
    // Nearer c[k] when right - v < v - left: both sides are monotone in v even as they round,
    // so the points stay partitioned (comparing squared distances is not: past both
    // centroids, v - right and v - left can round to one number, a tie that sends v left).
    lo = std::partition_point(u.begin() + lo, u.end(),
                              [&](double v) { return !(right - v < v - left); }) -
         u.begin();
    starts[k] = lo;
  }
  for (std::size_t k = K - 1; k >= 1; --k)
    if (c[k] == c[k - 1]) starts[k] = starts[k + 1];
  return starts;
}

// The first empty cluster, or K.
std::size_t first_empty(const std::vector<std::size_t>& starts) {
  const std::size_t K = starts.size() - 1;
  for (std::size_t k = 0; k < K; ++k)
    if (starts[k] == starts[k + 1]) return k;
  return K;
}

// The point farthest from its cluster's centroid (smallest value on ties): within a cluster
// it is one of its two ends.
std::size_t farthest_point(const arma::vec& u, const arma::vec& c,
                           const std::vector<std::size_t>& starts) {
  std::size_t best = 0;
  double best_d = -1;
  for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
    if (starts[k] == starts[k + 1]) continue;
    for (std::size_t j : {starts[k], starts[k + 1] - 1}) {
      const double d = std::abs(u[j] - c[k]);
      if (d > best_d || (d == best_d && j < best)) best_d = d, best = j;
    }
  }
  return best;
}

}  // namespace

LloydResult lloyd(const SortedValues& sorted, const PrefixSums& sums, arma::vec c,
                  std::size_t max_iter, double tol, std::vector<LloydStep>* trace) {
  const arma::vec& u = sorted.values;
  const std::size_t K = c.n_elem;
  LloydResult r;
  c = arma::sort(c);
  std::vector<std::size_t> previous;
  double previous_sse = std::numeric_limits<double>::infinity();

  for (std::size_t it = 0; it < max_iter; ++it) {
    std::vector<std::size_t> starts = assign(u, c);
    // K <= m distinct values, so every reseed fills a cluster; K rounds always suffice.
    for (std::size_t round = 0; round < K; ++round) {
      const std::size_t empty = first_empty(starts);
      if (empty == K) break;
      c[empty] = u[farthest_point(u, c, starts)];
      c = arma::sort(c);
      starts = assign(u, c);
      ++r.reseeds;
    }
    if (starts == previous) {
      r.converged = true;
      break;
    }
    double sse = 0;
    for (std::size_t k = 0; k < K; ++k) {
      if (starts[k] == starts[k + 1]) continue;  // unreachable: reseeding filled it
      c[k] = sums.mean(starts[k], starts[k + 1]);
      sse += sums.sse(starts[k], starts[k + 1]);
    }
    r.iterations = it + 1;
    if (trace) trace->push_back({starts, c});
    const bool small_decrease = tol > 0 && previous_sse - sse <= tol * previous_sse;
    previous = std::move(starts);
    previous_sse = sse;
    if (small_decrease) {
      r.converged = true;
      break;
    }
  }
  // The final assignment to the final centroids (the last one, when converged).
  r.centroids = c;
  r.starts = assign(u, c);
  r.sse = 0;
  for (std::size_t k = 0; k < K; ++k) r.sse += sums.sse_to(r.starts[k], r.starts[k + 1], c[k]);
  return r;
}

}  // namespace quantlab
