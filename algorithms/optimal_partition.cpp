#include "algorithms/optimal_partition.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "algorithms/penalized_partition.hpp"

namespace quantlab {
namespace {

// One layer of the programme: cur[j] = min_i prev[i] + SSE(i, j) for j in [jlo, jhi], with
// the argmin known to lie in [ilo, ihi].
struct Layer {
  const PrefixSums& sums;
  const std::vector<double>& prev;
  std::vector<double>& cur;
  std::uint32_t* argmin;
  std::size_t first_start;  // k - 1: the last group cannot start earlier

  void solve(std::size_t jlo, std::size_t jhi, std::size_t ilo, std::size_t ihi) const {
    while (jlo <= jhi) {
      const std::size_t mid = jlo + (jhi - jlo) / 2;
      const std::size_t from = ilo > first_start ? ilo : first_start;
      const std::size_t to = ihi < mid - 1 ? ihi : mid - 1;
      double best = std::numeric_limits<double>::infinity();
      std::size_t best_i = from;
      for (std::size_t i = from; i <= to; ++i) {
        const double v = prev[i] + sums.sse(i, mid);
        if (v < best) best = v, best_i = i;
      }
      cur[mid] = best;
      argmin[mid] = static_cast<std::uint32_t>(best_i);
      if (mid > jlo) solve(jlo, mid - 1, ilo, best_i);
      jlo = mid + 1;  // the right half, iteratively
      ilo = best_i;
    }
  }
};

}  // namespace

double optimal_partition_bytes(std::size_t m, std::size_t K) {
  return static_cast<double>(K > 1 ? K - 1 : 0) * static_cast<double>(m + 1) * 4.0;
}

Partition optimal_partition_layered(const PrefixSums& sums, std::size_t K, double max_bytes) {
  const std::size_t m = sums.size();
  if (K < 1 || K > m) throw std::invalid_argument("optimal partition needs 1 <= K <= m");
  if (m >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("optimal: more than 2^32 distinct values");
  const double bytes = optimal_partition_bytes(m, K);
  if (bytes > max_bytes)
    throw std::length_error("optimal: K = " + std::to_string(K) + " on " + std::to_string(m) +
                            " distinct values needs " + std::to_string(bytes / 1048576.0) +
                            " MiB of backtracking memory, over max_memory_mb = " +
                            std::to_string(max_bytes / 1048576.0));

  std::vector<double> prev(m + 1), cur(m + 1);
  for (std::size_t j = 1; j <= m; ++j) prev[j] = sums.sse(0, j);
  std::vector<std::uint32_t> argmin(K > 1 ? (K - 1) * (m + 1) : 0);

  for (std::size_t k = 2; k <= K; ++k) {
    std::uint32_t* layer_argmin = &argmin[(k - 2) * (m + 1)];
    // Layers before the last need j <= m - (K - k): every later group takes a value.
    const std::size_t jlo = k, jhi = k == K ? m : m - (K - k);
    const std::size_t jstart = k == K ? m : jlo;
    Layer{sums, prev, cur, layer_argmin, k - 1}.solve(jstart, jhi, k - 1, jhi - 1);
    std::swap(prev, cur);
  }

  Partition p;
  p.sse = prev[m];
  p.starts.assign(K + 1, 0);
  p.starts[K] = m;
  for (std::size_t k = K; k >= 2; --k) p.starts[k - 1] = argmin[(k - 2) * (m + 1) + p.starts[k]];
  return p;
}

std::optional<Partition> optimal_partition_lagrangian(const PrefixSums& sums, std::size_t K,
                                                      std::size_t* solves) {
  const std::size_t m = sums.size();
  if (K < 1 || K > m) throw std::invalid_argument("optimal partition needs 1 <= K <= m");
  std::size_t count = 0;
  auto done = [&](PenalizedPartition&& p) {
    if (solves) *solves = count;
    return Partition{std::move(p.starts), p.sse};
  };
  // λ = 0 gives m groups; λ above the total SSE gives one. In between the number of groups
  // falls as λ grows, about as λ^(-1/3) at high rate (SSE ~ K^-2, λ ~ -dSSE/dK): start from
  // that model, then take secant steps in log-log space through the last two solves, kept
  // inside the bracket, bisecting (in log λ) when they stall.
  const double total = sums.sse(0, m);
  const double k = static_cast<double>(K);
  double lo = 0, hi = total * 1.0000001 + 1e-300;
  double lambda = 5.44 * total / (k * k * k);  // Panter-Dite for a Gaussian: 2.72 σ² n / K²
  double last_lambda = 0, last_groups = 0;
  int same_side = 0;  // solves in a row that moved the same end of the bracket
  bool last_low = false;
  for (int iteration = 0; iteration < 200; ++iteration) {
    PenalizedPartition p = penalized_partition(sums, lambda);
    ++count;
    const double g = static_cast<double>(p.groups());
    if (p.groups() == K) return done(std::move(p));
    const bool low = p.groups() > K;
    (low ? lo : hi) = lambda;
    same_side = iteration > 0 && low == last_low ? same_side + 1 : 0;
    last_low = low;
    if (hi <= lo * (1 + 1e-14)) break;  // no λ gives exactly K groups
    double next = lambda * std::pow(g / k, 3.0);
    if (last_groups > 0 && last_groups != g) {
      const double slope =
          (std::log(g) - std::log(last_groups)) / (std::log(lambda) - std::log(last_lambda));
      if (slope < 0) next = lambda * std::exp((std::log(k) - std::log(g)) / slope);
    }
    last_lambda = lambda, last_groups = g;
    if (same_side >= 2 || !(next > lo && next < hi))
      next = lo > 0 ? std::sqrt(lo) * std::sqrt(hi) : hi / 64;
    lambda = next;
  }
  if (solves) *solves = count;
  return std::nullopt;
}

Partition optimal_partition(const PrefixSums& sums, std::size_t K, double max_bytes) {
  if (K == sums.size() && K > 0) {  // a group for every distinct value: nothing to choose
    Partition p;
    p.starts.resize(K + 1);
    for (std::size_t k = 0; k <= K; ++k) p.starts[k] = k;
    return p;
  }
  if (auto p = optimal_partition_lagrangian(sums, K)) return *p;
  return optimal_partition_layered(sums, K, max_bytes);
}

}  // namespace quantlab
