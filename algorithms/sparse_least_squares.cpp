#include "algorithms/sparse_least_squares.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/penalized_partition.hpp"

namespace quantlab {
namespace {

double row_weight(const SortedValues& s, std::size_t j, bool rows_unique) {
  return rows_unique ? 1.0 : s.weights[j];
}

}  // namespace

SparseSolution sparse_l1_solve(const SortedValues& s, double lambda, bool rows_unique) {
  const std::size_t m = s.size();
  SparseSolution out;
  if (m == 1) {
    out.starts = {0, 1};
    out.levels = {s.values[0]};
    return out;
  }
  // Pool adjacent violators on the tilted values; a block holds its weight and weighted sum.
  struct Block {
    std::size_t start;
    double weight, sum;
    double mean() const { return sum / weight; }
  };
  std::vector<Block> blocks;
  blocks.reserve(m);
  for (std::size_t j = 0; j < m; ++j) {
    const double c = row_weight(s, j, rows_unique);
    double target = s.values[j];
    if (j == 0) target += lambda / c;
    if (j == m - 1) target -= lambda / c;
    blocks.push_back({j, c, c * target});
    while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() >= blocks.back().mean()) {
      const Block last = blocks.back();
      blocks.pop_back();
      blocks.back().weight += last.weight;
      blocks.back().sum += last.sum;
    }
  }
  for (const auto& b : blocks) {
    out.starts.push_back(b.start);
    out.levels.push_back(b.mean());
  }
  out.starts.push_back(m);
  return out;
}

double sparse_l1_lambda_max(const SortedValues& s, bool rows_unique) {
  double total = 0, sum = 0;
  for (std::size_t j = 0; j < s.size(); ++j) {
    total += row_weight(s, j, rows_unique);
    sum += row_weight(s, j, rows_unique) * s.values[j];
  }
  const double mean = sum / total;
  double running = 0, most = 0;
  for (std::size_t j = 0; j + 1 < s.size(); ++j) {
    running += row_weight(s, j, rows_unique) * (s.values[j] - mean);
    most = std::max(most, std::abs(running));
  }
  return most;
}

SparseSolution SparseLeastSquaresQuantizer::solve(const SortedValues& s, const PrefixSums& sums,
                                                  double lambda) const {
  SparseSolution out;
  if (penalty_ == Penalty::l1) {
    out = sparse_l1_solve(s, lambda, rows_unique_);
  } else {
    // ½ SSE + λ·(K − 1) has the minimisers of SSE + 2λ·K.
    const PenalizedPartition p = penalized_partition(sums, 2 * lambda);
    out.starts = p.starts;
    for (std::size_t g = 0; g + 1 < p.starts.size(); ++g) out.levels.push_back(sums.mean(p.starts[g], p.starts[g + 1]));
  }
  if (refit_)
    for (std::size_t g = 0; g + 1 < out.starts.size(); ++g) out.levels[g] = sums.mean(out.starts[g], out.starts[g + 1]);
  return out;
}

Quantized SparseLeastSquaresQuantizer::quantize(const arma::vec& x, const arma::vec& weights,
                                                std::size_t K, Generator&) const {
  SortedValues s = SortedValues::from(x, weights);
  if (rows_unique_) s.weights.ones();  // every distinct value counts once (sums below too)
  const PrefixSums sums(s);
  std::size_t solves = 0;
  SparseSolution best;
  double lambda = lambda_;
  if (lambda > 0) {
    best = solve(s, sums, lambda);
    solves = 1;
  } else {
    // The iterative method: bisection on log λ between λ = 0 (m levels) and a λ that fuses
    // everything, for K(λ) = K; an unreachable K keeps the largest achievable K below it.
    const double variance_scale = sums.sse(0, s.size()) + 1e-300;
    double lo = 0, hi = penalty_ == Penalty::l1 ? sparse_l1_lambda_max(s, rows_unique_) * 1.000001 + 1e-300
                                                : variance_scale;
    best = solve(s, sums, hi);
    double best_lambda = hi;
    ++solves;
    for (int it = 0; it < 200 && best.levels.size() != K; ++it) {
      const double mid = lo > 0 ? std::sqrt(lo * hi) : hi * 1e-9;
      const SparseSolution r = solve(s, sums, mid);
      ++solves;
      if (r.levels.size() > K) {
        lo = mid;
        if (lo >= hi * (1 - 1e-13)) break;
      } else {
        hi = mid;
        if (r.levels.size() >= best.levels.size()) best = r, best_lambda = mid;
      }
      if (lo > 0 && hi / lo < 1 + 1e-12) break;
    }
    lambda = best_lambda;
  }
  // Distinct values → groups → elements; the levels are non-decreasing.
  Quantized q = quantized_from_groups(s, best.starts, best.levels);
  q.scalars["lambda"] = lambda;
  q.scalars["solves"] = static_cast<double>(solves);
  // The sparse vector β: the first level, then the gaps between consecutive levels.
  arma::vec beta(best.levels.size());
  for (std::size_t g = 0; g < best.levels.size(); ++g)
    beta[g] = g == 0 ? best.levels[0] : best.levels[g] - best.levels[g - 1];
  q.diagnostics["beta"] = beta;
  return q;
}

}  // namespace quantlab
