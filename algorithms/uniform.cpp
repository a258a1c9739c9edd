#include "algorithms/uniform.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

struct Grid {
  double center;
  double step;
};

double level(const Grid& g, std::size_t k, std::size_t K) {
  return g.center + (static_cast<double>(k) - 0.5 * static_cast<double>(K - 1)) * g.step;
}

// starts[k] = first distinct value rounded to level k: the decision threshold between
// levels k-1 and k is their midpoint, and a value on it goes up.
std::vector<std::size_t> bin_starts(const arma::vec& values, const Grid& g, std::size_t K) {
  std::vector<std::size_t> starts(K + 1, 0);
  starts[K] = values.n_elem;
  for (std::size_t k = 1; k < K; ++k) {
    const double threshold = 0.5 * (level(g, k - 1, K) + level(g, k, K));
    starts[k] = std::lower_bound(values.begin(), values.end(), threshold) - values.begin();
  }
  return starts;
}

double grid_sse(const PrefixSums& sums, const arma::vec& values, const Grid& g, std::size_t K) {
  const auto starts = bin_starts(values, g, K);
  double sse = 0;
  for (std::size_t k = 0; k < K; ++k)
    if (starts[k] < starts[k + 1]) sse += sums.sse_to(starts[k], starts[k + 1], level(g, k, K));
  return sse;
}

// For a fixed assignment of values to grid positions a_k = k - (K-1)/2, the SSE is
// Σ_k W_k (mean_k - center - a_k Δ)^2 plus terms that do not depend on the grid: a weighted
// least-squares line through the bin means, solved in closed form.
Grid best_grid_for(const PrefixSums& sums, const std::vector<std::size_t>& starts, std::size_t K) {
  double w = 0, wa = 0, wm = 0;
  for (std::size_t k = 0; k < K; ++k) {
    if (starts[k] == starts[k + 1]) continue;
    const double a = static_cast<double>(k) - 0.5 * static_cast<double>(K - 1);
    const double wk = sums.weight(starts[k], starts[k + 1]);
    w += wk, wa += wk * a, wm += wk * sums.mean(starts[k], starts[k + 1]);
  }
  const double a_bar = wa / w, m_bar = wm / w;
  double saa = 0, sam = 0;
  for (std::size_t k = 0; k < K; ++k) {
    if (starts[k] == starts[k + 1]) continue;
    const double a = static_cast<double>(k) - 0.5 * static_cast<double>(K - 1) - a_bar;
    const double wk = sums.weight(starts[k], starts[k + 1]);
    saa += wk * a * a, sam += wk * a * (sums.mean(starts[k], starts[k + 1]) - m_bar);
  }
  const double step = saa > 0 ? sam / saa : 0;
  return {m_bar - a_bar * step, step};
}

// The grid (centre and step) with the least SSE. The SSE is piecewise quadratic and not
// unimodal in the step: for the mid-range and the weighted mean as centres, scan 2048 steps up
// to the min-max step, then descend from each local minimum of a scan by alternating the
// closed-form grid and the nearest-level assignment (each half-step lowers the SSE); keep the
// best, starting from the min-max grid itself, so the result is never worse than min-max.
Grid optimal_grid(const PrefixSums& sums, const arma::vec& values, const Grid& minmax,
                  std::size_t K) {
  const int scan = 2048;
  Grid best = minmax;
  double best_cost = grid_sse(sums, values, minmax, K);
  for (const double center : {minmax.center, sums.mean(0, values.n_elem)}) {
    std::vector<double> cost(scan + 1, INFINITY);
    for (int i = 1; i <= scan; ++i)
      cost[i] = grid_sse(sums, values, {center, minmax.step * i / scan}, K);
    for (int i = 1; i <= scan; ++i) {
      const bool local_min = cost[i] <= cost[i - 1] && (i == scan || cost[i] <= cost[i + 1]);
      if (!local_min) continue;
      Grid grid{center, minmax.step * i / scan};
      double c = cost[i];
      auto starts = bin_starts(values, grid, K);
      for (int it = 0; it < 100; ++it) {
        const Grid next = best_grid_for(sums, starts, K);
        if (!(next.step > 0)) break;
        const double next_cost = grid_sse(sums, values, next, K);
        if (!(next_cost < c)) break;
        grid = next, c = next_cost;
        auto next_starts = bin_starts(values, grid, K);
        if (next_starts == starts) break;
        starts = std::move(next_starts);
      }
      if (c < best_cost) best_cost = c, best = grid;
    }
  }
  return best;
}

}  // namespace

Quantized UniformQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                            std::size_t K, Generator&) const {
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  const PrefixSums sums(sorted);
  const double lo = sorted.values.front(), hi = sorted.values.back();
  const double span = K > 1 ? static_cast<double>(K - 1) : 1.0;

  Grid grid{0.5 * (lo + hi), (hi - lo) / span};
  if (mode_ == UniformMode::symmetric) {
    const double a = clip_ > 0 ? clip_ : std::max(std::abs(lo), std::abs(hi));
    grid = {0.0, 2 * a / span};
  } else if (mode_ == UniformMode::optimal_step && K > 1 && hi > lo) {
    grid = optimal_grid(sums, sorted.values, grid, K);
  }

  const auto starts = bin_starts(sorted.values, grid, K);
  std::vector<double> levels(K);
  for (std::size_t k = 0; k < K; ++k)
    levels[k] = (reconstruction_ == UniformReconstruction::centroid && starts[k] < starts[k + 1])
                    ? sums.mean(starts[k], starts[k + 1])
                    : level(grid, k, K);
  Quantized q = quantized_from_groups(x, sorted, starts, levels);
  q.scalars["step"] = grid.step;
  q.scalars["center"] = grid.center;
  return q;
}

}  // namespace quantlab
