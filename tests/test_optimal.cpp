// The exact optimal quantizer against brute force, closed forms and its defining properties.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <tuple>

#include "algorithms/kmeans.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/optimal_partition.hpp"
#include "algorithms/penalized_partition.hpp"
#include "algorithms/sorted_values.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

// Least SSE over all partitions of the sorted elements into K contiguous non-empty groups.
double brute_force_contiguous(const arma::vec& x, const arma::vec& w, std::size_t K) {
  const std::size_t n = x.n_elem;
  arma::uvec order = arma::sort_index(x);
  std::vector<double> xs(n), ws(n);
  for (std::size_t i = 0; i < n; ++i) xs[i] = x[order[i]], ws[i] = w.is_empty() ? 1 : w[order[i]];
  double best = INFINITY;
  std::vector<std::size_t> cuts;
  std::function<void(std::size_t)> recurse = [&](std::size_t from) {
    if (cuts.size() == K - 1) {
      double total = 0;
      std::size_t start = 0;
      for (std::size_t c = 0; c <= cuts.size(); ++c) {
        const std::size_t end = c < cuts.size() ? cuts[c] : n;
        total += group_sse({xs.begin() + start, xs.begin() + end},
                           {ws.begin() + start, ws.begin() + end});
        start = end;
      }
      best = std::min(best, total);
      return;
    }
    for (std::size_t c = from; c < n; ++c) {
      cuts.push_back(c);
      recurse(c + 1);
      cuts.pop_back();
    }
  };
  recurse(1);
  return best;
}

// Least SSE over every labelling of the elements with at most K labels: no contiguity assumed.
double brute_force_labelling(const arma::vec& x, const arma::vec& w, std::size_t K) {
  const std::size_t n = x.n_elem;
  std::size_t total = 1;
  for (std::size_t i = 0; i < n; ++i) total *= K;
  double best = INFINITY;
  for (std::size_t code = 0; code < total; ++code) {
    std::vector<std::vector<double>> gx(K), gw(K);
    std::size_t c = code;
    for (std::size_t i = 0; i < n; ++i, c /= K) {
      gx[c % K].push_back(x[i]);
      gw[c % K].push_back(w.is_empty() ? 1 : w[i]);
    }
    double s = 0;
    for (std::size_t k = 0; k < K; ++k) s += group_sse(gx[k], gw[k]);
    best = std::min(best, s);
  }
  return best;
}

std::size_t distinct(const arma::vec& x) {
  return arma::vec(arma::unique(x)).n_elem;
}

Quantized run_optimal(const arma::vec& x, const arma::vec& w, std::size_t K) {
  Generator unused(0);
  return OptimalQuantizer(1024).quantize(x, w, K, unused);
}

}  // namespace

TEST_CASE("optimal equals brute force over contiguous partitions (n <= 12, K <= 4)") {
  Generator g(2024);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = 2 + g.below(11);
    const bool duplicates = trial % 3 == 0, weighted = trial % 2 == 1;
    const arma::vec x = small_data(g, n, duplicates);
    const arma::vec w = weighted ? positive_weights(g, n) : arma::vec();
    for (std::size_t K = 1; K <= std::min<std::size_t>(4, distinct(x)); ++K) {
      const Quantized q = run_optimal(x, w, K);
      const double expected = brute_force_contiguous(x, w, K);
      CHECK(sse(x, w, q.reconstruction) == doctest::Approx(expected).epsilon(1e-9).scale(1));
      CHECK(q.codebook.n_elem == K);
    }
  }
}

TEST_CASE("optimal equals brute force over all labellings (contiguity is not assumed)") {
  Generator g(77);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 3 + g.below(5);
    const arma::vec x = small_data(g, n, trial % 2 == 0);
    const arma::vec w = trial % 3 ? positive_weights(g, n) : arma::vec();
    for (std::size_t K = 1; K <= std::min<std::size_t>(3, distinct(x)); ++K)
      CHECK(sse(x, w, run_optimal(x, w, K).reconstruction) ==
            doctest::Approx(brute_force_labelling(x, w, K)).epsilon(1e-9).scale(1));
  }
}

TEST_CASE("hand-checkable cases") {
  const arma::vec x = "1 1.2 0.8 10 10.4 9.6 -5";
  const Quantized q = run_optimal(x, arma::vec(), 3);
  CHECK(arma::approx_equal(q.codebook, arma::vec("-5 1 10"), "absdiff", 1e-12));
  CHECK(sse(x, arma::vec(), q.reconstruction) == doctest::Approx(0.08 + 0.32));
  // Weights pull a level towards the heavy point: levels are weighted means.
  const Quantized wq = run_optimal(arma::vec("0 1 10"), arma::vec("1 3 1"), 2);
  CHECK(wq.codebook[0] == doctest::Approx(0.75));
  CHECK(wq.codebook[1] == doctest::Approx(10));
}

TEST_CASE("the optimal mse never increases with K and k-means never beats it") {
  Generator g(9);
  for (int trial = 0; trial < 10; ++trial) {
    arma::vec x(300);
    for (double& v : x) v = trial % 2 ? g.laplace() : g.normal();
    const arma::vec w = trial % 3 == 0 ? positive_weights(g, x.n_elem) : arma::vec();
    double previous = INFINITY;
    for (std::size_t K = 1; K <= 24; ++K) {
      const double opt = sse(x, w, run_optimal(x, w, K).reconstruction);
      CHECK(opt <= previous * (1 + 1e-12));
      previous = opt;
      for (const KmeansInit init :
           {KmeansInit::kmeanspp, KmeansInit::random, KmeansInit::quantile}) {
        Generator kg(trial * 100 + K);
        const Quantized km = KmeansQuantizer(init, 2, 300, 0).quantize(x, w, K, kg);
        CHECK(sse(x, w, km.reconstruction) >= opt * (1 - 1e-12));
      }
    }
  }
}

TEST_CASE("permuting the input permutes the output") {
  Generator g(31);
  arma::vec x(200);
  for (double& v : x) v = g.normal();
  arma::uvec perm = arma::regspace<arma::uvec>(0, 199);
  for (arma::uword i = perm.n_elem - 1; i > 0; --i) std::swap(perm[i], perm[g.below(i + 1)]);
  const Quantized a = run_optimal(x, arma::vec(), 7);
  const Quantized b = run_optimal(arma::vec(x.elem(perm)), arma::vec(), 7);
  CHECK(arma::approx_equal(arma::vec(a.reconstruction.elem(perm)), b.reconstruction, "absdiff", 0));
}

TEST_CASE("in-sample optimum on 10^6 Gaussian samples is within 1 % of Lloyd-Max") {
  Generator g(1);
  arma::vec x(1000000);
  for (double& v : x) v = g.normal();
  // Max (1960), unit-variance Gaussian: K = 2, 4, 8.
  const std::vector<std::pair<std::size_t, double>> lloyd_max = {
      {2, 1 - 2 / M_PI}, {4, 0.1175}, {8, 0.03454}};
  for (const auto& [K, expected] : lloyd_max) {
    const double mse =
        sse(x, arma::vec(), run_optimal(x, arma::vec(), K).reconstruction) / x.n_elem;
    CHECK(mse == doctest::Approx(expected).epsilon(0.01));
  }
}

TEST_CASE("the memory guard fails clearly and names the size") {
  Generator g(4);
  arma::vec x(20000);
  for (double& v : x) v = g.normal();
  const SortedValues sorted = SortedValues::from(x, arma::vec());
  const PrefixSums sums(sorted);
  CHECK_THROWS_WITH_AS(optimal_partition_layered(sums, 500, 1 << 20),
                       doctest::Contains("MiB of backtracking memory"), std::length_error);
  CHECK_NOTHROW(optimal_partition_layered(sums, 500, 1e9));
  CHECK_NOTHROW(optimal_partition(sums, 500, 1 << 20));  // the Lagrangian needs O(m) memory
}

TEST_CASE("equally spaced values leave some K unreachable by λ: the layered solver takes over") {
  // 0, 1, ..., 999 in K >= 500 groups: pairs and singletons, SSE = (m - K)/2 is linear in K,
  // so a single λ ties every such K and the Lagrangian cannot single one out.
  const arma::vec x = arma::regspace<arma::vec>(0, 999);
  const SortedValues sorted = SortedValues::from(x, arma::vec());
  const PrefixSums sums(sorted);
  CHECK_FALSE(optimal_partition_lagrangian(sums, 700).has_value());
  const Partition p = optimal_partition(sums, 700, 1e9);
  CHECK(p.starts.size() == 701);
  CHECK(p.sse == doctest::Approx(150));
}

TEST_CASE("the penalised programme equals the naive O(m^2) one") {
  Generator g(41);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 2 + g.below(300);
    const arma::vec x = small_data(g, n, trial % 4 == 0);
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    const PrefixSums sums(sorted);
    const std::size_t m = sorted.size();
    const double lambda = std::pow(10.0, -3 + 5 * g.uniform());
    std::vector<double> F(m + 1, 0);
    for (std::size_t j = 1; j <= m; ++j) {
      F[j] = INFINITY;
      for (std::size_t i = 0; i < j; ++i) {
        std::vector<double> gx(sorted.values.begin() + i, sorted.values.begin() + j);
        std::vector<double> gw(sorted.weights.begin() + i, sorted.weights.begin() + j);
        F[j] = std::min(F[j], F[i] + group_sse(gx, gw) + lambda);
      }
    }
    const PenalizedPartition p = penalized_partition(sums, lambda);
    CHECK(p.sse + lambda * p.groups() == doctest::Approx(F[m]).epsilon(1e-9));
  }
}

TEST_CASE("the Lagrangian and the layered solvers agree, and each matches brute force") {
  Generator g(5);
  int lagrangian_hits = 0, total = 0;
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 20 + g.below(2000);
    arma::vec x(n);
    for (double& v : x) v = trial % 3 == 0 ? static_cast<double>(g.below(40)) : g.laplace();
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    const PrefixSums sums(sorted);
    for (std::size_t K : {2, 3, 5, 8, 16, 33}) {
      if (K > sorted.size()) continue;
      ++total;
      const Partition layered = optimal_partition_layered(sums, K, 1e9);
      REQUIRE(layered.starts.size() == K + 1);
      if (auto lagrangian = optimal_partition_lagrangian(sums, K)) {
        ++lagrangian_hits;
        REQUIRE(lagrangian->starts.size() == K + 1);
        CHECK(lagrangian->sse == doctest::Approx(layered.sse).epsilon(1e-10));
      }
    }
  }
  CHECK(lagrangian_hits > total * 3 / 4);     // ties in integer data may leave some K unreachable
  for (int trial = 0; trial < 20; ++trial) {  // K = 2 by trying every split
    const std::size_t n = 2 + g.below(trial < 10 ? 12 : 3000);
    arma::vec x = small_data(g, n, true);
    if (trial % 3) x.for_each([&](double& v) { v = g.normal(); });
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    if (sorted.size() < 2) continue;
    const PrefixSums sums(sorted);
    const Partition two = optimal_partition_two(sums);
    REQUIRE(two.starts.size() == 3);
    CHECK(two.sse == doctest::Approx(optimal_partition_layered(sums, 2, 1e9).sse).epsilon(1e-12));
    if (n <= 13) CHECK(two.sse == doctest::Approx(brute_force_contiguous(x, w, 2)).epsilon(1e-9));
  }
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 2 + g.below(11);
    const arma::vec x = small_data(g, n, trial % 3 == 0);
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    const PrefixSums sums(sorted);
    for (std::size_t K = 1; K <= std::min<std::size_t>(4, sorted.size()); ++K)
      CHECK(optimal_partition_layered(sums, K, 1e9).sse ==
            doctest::Approx(brute_force_contiguous(x, w, K)).epsilon(1e-9).scale(1));
  }
}

TEST_CASE("on large data the coarse programme's λ leads to the layered solver's optimum") {
  // m >= 64 K: the λ search starts from a programme on every stride-th boundary.
  Generator g(8);
  for (int trial = 0; trial < 4; ++trial) {
    const std::size_t n = 40000;
    arma::vec x(n);
    for (double& v : x) v = trial % 2 ? g.laplace() : static_cast<float>(g.normal() * g.normal());
    const arma::vec w = trial >= 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    const PrefixSums sums(sorted);
    for (std::size_t K : {3, 5, 8, 16, 32, 64, 128}) {
      CAPTURE(trial);
      CAPTURE(K);
      const Partition p = optimal_partition(sums, K, 1e9);
      REQUIRE(p.starts.size() == K + 1);
      CHECK(p.sse == doctest::Approx(optimal_partition_layered(sums, K, 1e9).sse).epsilon(1e-12));
    }
  }
}

TEST_CASE("with a level for every distinct value, each level is its value exactly: zero error") {
  // Three copies of 0.1 average to 0.10000000000000002 in floating point; the level must not.
  REQUIRE((0.1 + 0.1 + 0.1) / 3 != 0.1);
  const arma::vec x = {0.1, 0.7, 0.1, 1e-90, 0.1, -3.3, 0.7, 0.7, 0.7};
  Generator g(5);
  for (const arma::vec& w : {arma::vec(), positive_weights(g, x.n_elem)}) {
    const Quantized q = run_optimal(x, w, 4);  // 4 distinct values
    CHECK(arma::approx_equal(q.codebook, arma::vec{-3.3, 1e-90, 0.1, 0.7}, "absdiff", 0));
    for (arma::uword i = 0; i < x.n_elem; ++i) CHECK(q.reconstruction[i] == x[i]);
    // K = 3 joins 1e-90 and the 0.1s; -3.3 and the 0.7s stay groups of one value each.
    const Quantized three = run_optimal(x, w, 3);
    for (arma::uword i = 0; i < x.n_elem; ++i)
      if (x[i] == 0.7 || x[i] == -3.3) CHECK(three.reconstruction[i] == x[i]);
  }
  // K = m needs no search: 10^6 distinct values in as many levels, where the layered
  // programme would need terabytes.
  arma::vec many(1000000);
  for (double& v : many) v = g.laplace();
  REQUIRE(distinct(many) == many.n_elem);
  const Quantized all = run_optimal(many, arma::vec(), many.n_elem);
  CHECK(arma::approx_equal(all.reconstruction, many, "absdiff", 0));
}

namespace {

// The least SSE over contiguous partitions of the sorted distinct values into K groups, by the
// O(K m^2) programme on costs accumulated by West's weighted update from each start: accurate for
// every range of data, and sharing no code with the quantizer.
double west_optimum(const arma::vec& x, const arma::vec& w, std::size_t K) {
  std::map<double, double> merged;
  for (arma::uword i = 0; i < x.n_elem; ++i) merged[x[i]] += w.is_empty() ? 1 : w[i];
  const std::vector<std::pair<double, double>> v(merged.begin(), merged.end());
  const std::size_t m = v.size();
  std::vector<std::vector<double>> cost(m, std::vector<double>(m + 1, 0));
  for (std::size_t i = 0; i < m; ++i) {
    double weight = 0, mean = 0, m2 = 0;
    for (std::size_t j = i; j < m; ++j) {
      const double c = v[j].second, delta = v[j].first - mean, before = weight;
      weight += c;
      mean = j == i ? v[j].first : mean + delta * (c / weight);
      m2 += delta * delta * (before * (c / weight));  // West's update: no term cancels
      cost[i][j + 1] = m2;
    }
  }
  std::vector<double> best(m + 1, INFINITY);
  best[0] = 0;
  for (std::size_t k = 1; k <= K; ++k) {
    std::vector<double> next(m + 1, INFINITY);
    for (std::size_t j = k; j <= m; ++j)
      for (std::size_t i = k - 1; i < j; ++i) next[j] = std::min(next[j], best[i] + cost[i][j]);
    best = next;
  }
  return best[m];
}

}  // namespace

TEST_CASE("data spanning many binades: the optimum is still exact and its codebook ascending") {
  // ±2^k for k in [-100, 100): prefix sums about the mean are near 2^200, far beyond every
  // group's SSE but the outermost; their differences say nothing about the inner groups.
  Generator g(31);
  for (const bool weighted : {false, true}) {
    arma::vec x(3000);
    for (double& v : x)
      v = std::ldexp(g.below(2) ? 1.0 : -1.0, static_cast<int>(g.below(200)) - 100);
    const arma::vec w = weighted ? positive_weights(g, x.n_elem) : arma::vec();
    for (const std::size_t K : {3, 16, 64, 256}) {
      CAPTURE(K);
      const Quantized q = run_optimal(x, w, K);
      CHECK(sse(x, w, q.reconstruction) ==
            doctest::Approx(west_optimum(x, w, K)).epsilon(1e-12).scale(0));
      CHECK(q.codebook.is_sorted("strictascend"));
    }
  }
  // Weights over many binades too. In the first, the sums' noise is larger than the chosen
  // groups' whole SSE, whose own costs agree with the sums nonetheless: only a bound on the
  // noise tells. In the second, λ times the groups is 10^60 times the optimum's SSE: a
  // penalised cost in one number would round the choice away.
  const std::vector<std::tuple<arma::vec, arma::vec, std::size_t>> weighted = {
      {{-1e99, 2e-30, 1e99, -1e20}, {1e-20, 1, 1, 1e-10}, 3},
      {{2, 1e-30, 2e-30, 1e16}, {1, 1e-10, 1e-40, 1e-40}, 3},
      // The light weights vanish from the sums of weights: both splits cost 0 in the sums.
      {{0, 1e-30, 1}, {1, 1e-20, 1e-60}, 2},
  };
  for (const auto& [wx, ww, K] : weighted) {
    const Quantized q = run_optimal(wx, ww, K);
    CHECK(sse(wx, ww, q.reconstruction) ==
          doctest::Approx(west_optimum(wx, ww, K)).epsilon(1e-12).scale(0));
  }
  // float32 extremes beside zero and one: each level lies among its group's values.
  const arma::vec x = {1, 0, 0, -3.4028234663852886e38, -1.1754943508222875e-38};
  for (const std::size_t K : {2, 3}) {
    const Quantized q = run_optimal(x, arma::vec(), K);
    CHECK(sse(x, arma::vec(), q.reconstruction) ==
          doctest::Approx(brute_force_contiguous(x, arma::vec(), K)).epsilon(1e-12).scale(0));
    CHECK(q.codebook.is_sorted("strictascend"));
    CHECK(q.codebook.min() == x.min());
    CHECK(q.codebook.max() <= 1);
  }
}

TEST_CASE("RangeMoments: the weight, mean and SSE of any range, accurate at any magnitude") {
  // Values over 160 binades of either sign. The references sum non-negative terms only: the
  // offsets from the range's least value, then the squares about the mean.
  Generator g(12);
  arma::vec x(500);
  for (double& v : x) v = std::ldexp(g.normal(), static_cast<int>(g.below(160)) - 80);
  const arma::vec w = positive_weights(g, x.n_elem);
  const SortedValues s = SortedValues::from(x, w);
  const RangeMoments moments(s);
  REQUIRE(moments.size() == s.size());
  const double eps = std::numeric_limits<double>::epsilon();
  for (int trial = 0; trial < 3000; ++trial) {
    const std::size_t i = g.below(s.size()), j = i + 1 + g.below(s.size() - i);
    double weight = 0, offset = 0;
    for (std::size_t t = i; t < j; ++t)
      weight += s.weights[t], offset += s.weights[t] * (s.values[t] - s.values[i]);
    const double mean = s.values[i] + offset / weight;
    double m2 = 0;
    for (std::size_t t = i; t < j; ++t) m2 += s.weights[t] * std::pow(s.values[t] - mean, 2);
    // Within a few units in the last place of the range's largest magnitude a merge (of
    // about 2 log2(m) merges).
    const double ulp =
        4 * std::log2(s.size()) * eps * std::max(std::abs(s.values[i]), std::abs(s.values[j - 1]));
    CAPTURE(i);
    CAPTURE(j);
    CHECK(std::abs(moments.weight(i, j) - weight) <= 1e-13 * weight);
    CHECK(std::abs(moments.mean(i, j) - mean) <= ulp);
    CHECK(std::abs(moments.sse(i, j) - m2) <= 1e-10 * m2 + weight * ulp * ulp);
  }
}

TEST_CASE("weights lost to the sums or all tiny: the optimum is still the optimum") {
  // A weight below eps of the running total vanishes from the weight sums while its value sum
  // does not: priced as -inf by the product form of the comparison, 10 took its own group.
  const arma::vec x = {0, 1, 2, 3, 10}, w = {1, 1, 1, 1, 1e-20};
  CHECK(sse(x, w, run_optimal(x, w, 3).reconstruction) ==
        doctest::Approx(brute_force_contiguous(x, w, 3)).epsilon(1e-12));
  // Weights all tiny (a row beside its tensor's largest weight): the products of a cost
  // difference and two weights underflow. Scaling the weights scales the optimum's SSE.
  Generator g(21);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 20 + g.below(trial < 30 ? 100 : 3000);
    arma::vec v(n);
    for (double& e : v)
      e = trial % 2 ? g.laplace() : (static_cast<double>(g.below(200)) - 100) * 1e-53;
    const arma::vec weights = positive_weights(g, n);
    const std::size_t K = std::min<std::size_t>(3 + g.below(10), distinct(v));
    const double unscaled = sse(v, weights, run_optimal(v, weights, K).reconstruction);
    for (const double scale : {1e-74, 1e-120}) {
      CAPTURE(trial);
      CAPTURE(scale);
      const arma::vec scaled = weights * scale;
      CHECK(sse(v, scaled, run_optimal(v, scaled, K).reconstruction) / scale ==
            doctest::Approx(unscaled).epsilon(1e-9));
    }
  }
}

TEST_CASE("53 values near 1e-51 with weights near 1e-74, K = 8: still the optimum") {
  // The products of a cost difference and two weights underflow here (about 1e-326): with
  // them the programme took a partition 9 % above the optimum, and its checks kept it.
  // clang-format off
  const arma::vec x = {
      9e-52, 5.4e-52, -8.1e-52, -5.5e-52, -4.2000000000000005e-52, 1.4e-52, -2.8e-52, -4e-52,
      -4.6e-52, 5.1e-52, -3.2e-52, 6.5e-52, 4.5e-52, 5.4e-52, -1.3000000000000001e-52, -5.8e-52,
      -3.7000000000000005e-52, 5.1e-52, 9.6e-52, -1.9e-52, 1.8e-52, -5e-53, -1.1e-52,
      8.400000000000001e-52, -5.2000000000000005e-52, -5.4e-52, -4.4e-52, -7e-52, -4.6e-52,
      -3.5e-52, 2.5e-52, 4.5e-52, -7e-53, -6e-53, -5.2000000000000005e-52, -1.17e-51, 7e-52,
      3e-53, -1.7e-52, -3.6e-52, 2.8e-52, -3e-53, -2.8e-52, 1.1900000000000001e-51,
      -4.2000000000000005e-52, -4.6e-52, -1.8e-52, 3.8e-52, -4.9e-52, 0.0, -6.5e-52, -6e-53, 0.0};
  const arma::vec w = {
      1.1831801598535712e-74, 1.5246288781631274e-74, 1.1128156955352776e-74,
      1.3941148683206482e-74, 1.1642801899128107e-74, 1.0855447927103862e-74,
      1.1905446745772756e-74, 1.074475945151488e-74, 1.553705617191116e-74,
      1.1630316492267949e-74, 1.3396633935008563e-74, 1.4323893522398346e-74,
      9.685859121386286e-75, 9.287541613198169e-75, 8.532217692983412e-75, 8.801153329041851e-75,
      9.674114271459304e-75, 1.5829170985468547e-74, 9.664311853512377e-75,
      1.1199683695482704e-74, 1.0963028953494867e-74, 1.1053161147079823e-74,
      1.2064015070181293e-74, 1.2887124108272452e-74, 9.516990978638336e-75,
      1.626048458392091e-74, 1.1388959109337022e-74, 8.948469823556427e-75,
      1.5367658607843329e-74, 1.2444649660132957e-74, 1.1036826140811447e-74,
      1.6363608587926856e-74, 9.417572118980234e-75, 8.63707658413208e-75, 1.0364884599512174e-74,
      9.13379283098521e-75, 1.065720551717646e-74, 1.1873093775977213e-74, 1.4768601867997709e-74,
      1.6383061703809762e-74, 1.6391790999017807e-74, 1.1538738965582856e-74,
      1.4540014630300493e-74, 8.6799737391899315e-75, 1.661136730300513e-74,
      1.4777979062914653e-74, 1.4289904363733807e-74, 9.559424442490615e-75,
      1.5457203850855616e-74, 1.4741351422046553e-74, 1.2437672458713104e-74,
      1.3587178308003315e-74, 1.529602018434649e-74};
  // clang-format on
  CHECK(sse(x, w, run_optimal(x, w, 8).reconstruction) ==
        doctest::Approx(west_optimum(x, w, 8)).epsilon(1e-9).scale(0));
}
