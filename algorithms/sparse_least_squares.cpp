#include "algorithms/sparse_least_squares.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/lloyd.hpp"
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

SparseSolution sparse_l1l2_solve(const SortedValues& s, double lambda1, double lambda2,
                                 bool rows_unique, std::size_t max_rounds, bool* converged,
                                 std::size_t* rounds) {
  const std::size_t m = s.size();
  std::vector<double> c(m);
  double total = 0;
  for (std::size_t j = 0; j < m; ++j) total += c[j] = row_weight(s, j, rows_unique);
  // Splits only where R_j passes −λ1 by more than rounding.
  const double slack = 1e-10 * (lambda1 + total * (s.values[m - 1] - s.values[0]));
  std::vector<std::size_t> starts = sparse_l1_solve(s, lambda1, rows_unique).starts;  // λ2 = 0
  // Levels of given groups: the tridiagonal system of the group objective (Thomas).
  std::vector<double> diagonal, upper, rhs;
  auto solve_levels = [&](const std::vector<std::size_t>& groups) {
    const std::size_t K = groups.size() - 1;
    std::vector<double> v(K);
    diagonal.assign(K, 0), upper.assign(K, 0), rhs.assign(K, 0);
    for (std::size_t k = 0; k < K; ++k) {
      for (std::size_t j = groups[k]; j < groups[k + 1]; ++j)
        diagonal[k] += c[j], rhs[k] += c[j] * s.values[j];
      if (k > 0) diagonal[k] += lambda2;
      if (k + 1 < K) diagonal[k] += lambda2, upper[k] = -lambda2;
    }
    rhs[0] += lambda1;
    rhs[K - 1] -= lambda1;
    for (std::size_t k = 1; k < K; ++k) {
      const double factor = upper[k - 1] / diagonal[k - 1];
      diagonal[k] -= factor * upper[k - 1];
      rhs[k] -= factor * rhs[k - 1];
    }
    for (std::size_t k = K; k-- > 0;)
      v[k] = (rhs[k] - (k + 1 < K ? upper[k] * v[k + 1] : 0)) / diagonal[k];
    return v;
  };
  std::vector<double> v;
  *converged = false;
  std::size_t round = 0;
  for (; round < max_rounds; ++round) {
    v = solve_levels(starts);
    const std::size_t K = v.size();

    // Gaps that are not positive: merge those groups and solve again.
    std::vector<std::size_t> merged{0};
    for (std::size_t k = 1; k < K; ++k)
      if (v[k] > v[k - 1]) merged.push_back(starts[k]);
    merged.push_back(m);
    if (merged.size() < starts.size()) {
      starts = std::move(merged);
      continue;
    }
    // Inside each group |R_j| ≤ λ1; split each group where R_j falls furthest below −λ1.
    std::vector<std::size_t> split{0};
    bool violated = false;
    double R = 0;
    for (std::size_t k = 0; k < K; ++k) {
      std::size_t where = 0;
      double lowest = -lambda1 - slack;
      for (std::size_t j = starts[k]; j + 1 < starts[k + 1]; ++j) {
        R += c[j] * (s.values[j] - v[k]);
        if (R < lowest) lowest = R, where = j + 1;
        if (R > lambda1 + slack) violated = true;  // would need a falling level: not expected
      }
      R += c[starts[k + 1] - 1] * (s.values[starts[k + 1] - 1] - v[k]);
      if (k > 0) split.push_back(starts[k]);
      if (where) split.push_back(where);
    }
    split.push_back(m);
    if (split.size() == starts.size()) {
      *converged = !violated;
      break;
    }
    starts = std::move(split);
  }
  if (rounds) *rounds = std::min(round + 1, max_rounds);
  if (!*converged) v = solve_levels(starts);  // the rounds ran out after a merge or a split
  return {starts, v};
}

SparseSolution SparseLeastSquaresQuantizer::solve(const SortedValues& s, const PrefixSums& sums,
                                                  double lambda, bool* capped,
                                                  std::size_t* iterations) const {
  SparseSolution out;
  if (dense_) {
    std::size_t sweeps = 0;
    out = sparse_coordinate_descent(s, lambda, penalty_ == Penalty::l1l2 ? lambda2_ : 0,
                                    rows_unique_, true, tol_, max_sweeps_, &sweeps);
    if (sweeps >= max_sweeps_) *capped = true;
    *iterations += sweeps;
  } else if (penalty_ == Penalty::l1l2) {
    bool converged = false;
    std::size_t rounds = 0;
    out =
        sparse_l1l2_solve(s, lambda, lambda2_, rows_unique_, 1000 + s.size(), &converged, &rounds);
    if (!converged) *capped = true;
    *iterations += rounds;
  } else if (penalty_ == Penalty::l1 || penalty_ == Penalty::cluster) {
    out = sparse_l1_solve(s, lambda, rows_unique_);
  } else {
    // ½ SSE + λ·(K − 1) has the minimisers of SSE + 2λ·K.
    const PenalizedPartition p = penalized_partition(sums, 2 * lambda);
    out.starts = p.starts;
    for (std::size_t g = 0; g + 1 < p.starts.size(); ++g)
      out.levels.push_back(sums.mean(p.starts[g], p.starts[g + 1]));
  }
  if (refit_)
    for (std::size_t g = 0; g + 1 < out.starts.size(); ++g)
      out.levels[g] = sums.mean(out.starts[g], out.starts[g + 1]);
  return out;
}

Quantized SparseLeastSquaresQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                                       std::size_t K, Generator&) const {
  SortedValues s = SortedValues::from(x, weights);
  if (rows_unique_) s.weights.ones();  // every distinct value counts once (sums below too)
  const PrefixSums sums(s);
  std::size_t solves = 0, iterations = 0;  // iterations: sweeps or active-set rounds, all solves
  bool capped = false;
  SparseSolution best;
  double lambda = lambda_;
  if (lambda > 0) {
    best = solve(s, sums, lambda, &capped, &iterations);
    solves = 1;
  } else {
    // The iterative method: bisection on log λ between λ = 0 (m levels) and a λ that fuses
    // everything, for K(λ) = K; an unreachable K keeps the largest achievable K below it.
    const double variance_scale = sums.sse(0, s.size()) + 1e-300;
    // l1 (and l1 + l2: the l2 term alone never fuses) fuse everything by λ_max; l0 by the SSE.
    double lo = 0, hi = penalty_ == Penalty::l0
                            ? variance_scale
                            : sparse_l1_lambda_max(s, rows_unique_) * 1.000001 + 1e-300;
    best = solve(s, sums, hi, &capped, &iterations);
    double best_lambda = hi;
    ++solves;
    for (int it = 0; it < 200 && best.levels.size() != K; ++it) {
      // √lo·√hi, not √(lo·hi): λ scales with x², and the product of two would overflow
      // (or underflow) for data far from unit scale.
      const double mid = lo > 0 ? std::sqrt(lo) * std::sqrt(hi) : hi * 1e-9;
      const SparseSolution r = solve(s, sums, mid, &capped, &iterations);
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
  bool converged = !capped;  // a solver stopped by its cap did not converge
  double initial_sse = 0;
  if (penalty_ == Penalty::cluster) {
    // k-means from the l1 groups: refit the levels to the groups' means, then Lloyd.
    arma::vec start(best.levels.size());
    for (std::size_t g = 0; g + 1 < best.starts.size(); ++g)
      start[g] = sums.mean(best.starts[g], best.starts[g + 1]);
    for (std::size_t g = 0; g + 1 < best.starts.size(); ++g)
      initial_sse += sums.sse(best.starts[g], best.starts[g + 1]);
    const LloydResult l = lloyd(s, sums, start, 100000, 0);
    best.starts = l.starts;
    best.levels.assign(l.centroids.begin(), l.centroids.end());
    iterations = l.iterations;
    converged = l.converged;
  }
  // Distinct values → groups → elements; the levels are non-decreasing.
  Quantized q = quantized_from_groups(x, s, best.starts, best.levels);
  q.iterations = iterations;
  q.converged = converged;
  if (penalty_ == Penalty::cluster) q.scalars["initial_sse"] = initial_sse;
  q.scalars["lambda"] = lambda;
  q.scalars["solves"] = static_cast<double>(solves);
  // The sparse vector β's non-zeros: the first level β̂_1, then the gaps between consecutive
  // levels (the non-zero β̂_j, j ≥ 2; levels are distinct, so every gap is non-zero).
  arma::vec gaps(best.levels.size() - 1);
  for (std::size_t g = 1; g < best.levels.size(); ++g)
    gaps[g - 1] = best.levels[g] - best.levels[g - 1];
  q.diagnostics["beta_first"] = arma::vec{best.levels[0]};
  q.diagnostics["beta_gaps"] = gaps;
  q.scalars["beta_nonzeros"] = static_cast<double>(gaps.n_elem + (best.levels[0] != 0 ? 1 : 0));
  return q;
}

}  // namespace quantlab

namespace quantlab {

SparseSolution sparse_coordinate_descent(const SortedValues& s, double lambda1, double lambda2,
                                         bool rows_unique, bool dense, double tol,
                                         std::size_t max_sweeps, std::size_t* sweeps) {
  const std::size_t m = s.size();
  arma::vec c(m);
  for (std::size_t j = 0; j < m; ++j) c[j] = row_weight(s, j, rows_unique);
  const arma::vec& u = s.values;
  // S_j = Σ_{i≥j} c_i: the squared weighted norm of column j of A.
  arma::vec S(m);
  for (std::size_t j = m; j-- > 0;) S[j] = c[j] + (j + 1 < m ? S[j + 1] : 0);
  arma::vec beta(m, arma::fill::zeros);
  beta[0] = arma::dot(c, u) / S[0];
  arma::vec r = u - beta[0];  // residual u − Aβ
  arma::mat A;
  if (dense) A = arma::trimatl(arma::ones<arma::mat>(m, m));
  const double scale = (u.max() - u.min()) + 1e-300;
  auto update = [&](std::size_t j, double correlation) {  // correlation = a_jᵀ W r
    const double rho = correlation + S[j] * beta[j];
    if (j == 0) return rho / S[j];
    const double shrunk = rho > lambda1 ? rho - lambda1 : rho < -lambda1 ? rho + lambda1 : 0.0;
    return shrunk / (S[j] + lambda2);
  };
  std::size_t sweep = 0;
  for (; sweep < max_sweeps; ++sweep) {
    double largest = 0;
    if (dense) {
      for (std::size_t j = 0; j < m; ++j) {
        const double next = update(j, arma::dot(A.col(j) % c, r));
        const double delta = next - beta[j];
        if (delta != 0) r -= A.col(j) * delta, beta[j] = next;
        largest = std::max(largest, std::abs(delta));
      }
    } else {
      // g_j = Σ_{i≥j} c_i r_i at the sweep's start; a change δ of β_k (k < j) lowers r_i for
      // every i ≥ k, so g_j falls by S_j Σ δ: one running total keeps every g_j current.
      arma::vec g(m);
      for (std::size_t j = m; j-- > 0;) g[j] = c[j] * r[j] + (j + 1 < m ? g[j + 1] : 0);
      double moved = 0;
      arma::vec delta(m, arma::fill::zeros);
      for (std::size_t j = 0; j < m; ++j) {
        const double next = update(j, g[j] - S[j] * moved);
        delta[j] = next - beta[j];
        beta[j] = next;
        moved += delta[j];
        largest = std::max(largest, std::abs(delta[j]));
      }
      r -= arma::cumsum(delta);
    }
    if (largest <= tol * scale) {
      ++sweep;
      break;
    }
  }
  if (sweeps) *sweeps = sweep;
  SparseSolution out;
  double level = 0;
  for (std::size_t j = 0; j < m; ++j) {
    level += beta[j];
    if (j == 0 || beta[j] != 0) {
      out.starts.push_back(j);
      out.levels.push_back(level);
    } else {
      out.levels.back() = level;  // a zero β_j: the same level
    }
  }
  out.starts.push_back(m);
  return out;
}

}  // namespace quantlab
