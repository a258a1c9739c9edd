// Sorted distinct values: the radix sort in its three forms (bare keys; keys with their
// positions in one word, as float32 data and data on few bits allow; keys beside positions)
// against std::sort, with negatives, signed zeros, duplicates, float32 values of either sign
// and of both (whose 29 low bits every value shares, so those digits are skipped and the
// keys fit beside their positions in one word) and sizes on both sides of the small-input
// path; and the codewords of quantized_from_groups found by search against those found from
// the positions; and the block of comparisons of the penalised programme against one at a time.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/sorted_values.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

arma::vec mixed_values(Generator& g, std::size_t n, int kind_of_data) {
  arma::vec x(n);
  for (double& v : x) {
    const auto kind = g.below(4);
    v = kind == 0   ? static_cast<double>(g.below(50)) - 25
        : kind == 1 ? g.normal() * 1e6
        : kind == 2 ? (g.below(2) ? 0.0 : -0.0)
                    : g.laplace() * 1e-200;
    if (kind_of_data == 1) v = static_cast<float>(g.laplace() * 3);
    if (kind_of_data == 2) v = static_cast<double>(g.below(7)) * 0.25 - 0.5;  // few bits
    // float32 of one sign: keys that share their top bits as well as their low ones.
    if (kind_of_data == 3) v = -static_cast<float>(std::abs(g.laplace()));
    if (kind_of_data == 4) v = static_cast<float>(1 + g.uniform() * 0.01);
  }
  return x;
}

}  // namespace

TEST_CASE("distinct values, their weights and each element's position are exact") {
  Generator g(6);
  for (std::size_t n : {1, 2, 7, 63, 64, 1000, 20000, 100000})
    for (int kind_of_data : {0, 1, 2, 3, 4})
      for (bool weighted : {false, true})
        for (Positions positions : {Positions::keep, Positions::skip}) {
          CAPTURE(n);
          CAPTURE(kind_of_data);
          CAPTURE(weighted);
          const arma::vec x = mixed_values(g, n, kind_of_data);
          const arma::vec w = weighted ? positive_weights(g, n) : arma::vec();
          const SortedValues s = SortedValues::from(x, w, positions);
          std::vector<double> expected(x.begin(), x.end());
          std::sort(expected.begin(), expected.end());
          expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
          REQUIRE(s.size() == expected.size());
          for (std::size_t j = 0; j < expected.size(); ++j) CHECK(s.values[j] == expected[j]);
          // Each distinct value's weight, summed in the sort's order: by value, -0 before +0,
          // equal values by position.
          std::vector<std::size_t> order(n);
          for (std::size_t i = 0; i < n; ++i) order[i] = i;
          std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return x[a] < x[b] || (x[a] == x[b] && std::signbit(x[a]) && !std::signbit(x[b]));
          });
          arma::vec weight_sum(s.size(), arma::fill::zeros);
          for (std::size_t i : order) {
            const auto j = static_cast<arma::uword>(
                std::lower_bound(expected.begin(), expected.end(), x[i]) - expected.begin());
            weight_sum[j] += weighted ? w[i] : 1.0;
          }
          CHECK(arma::all(weight_sum == s.weights));
          if (positions == Positions::skip) {
            CHECK(s.of.is_empty());
            continue;
          }
          for (std::size_t i = 0; i < n; ++i) CHECK(s.values[s.of[i]] == x[i]);
        }
}

TEST_CASE("codewords found by searching their bounds equal those found from positions") {
  Generator g(7);
  for (std::size_t n : {1, 5, 300, 5000}) {
    const arma::vec x = mixed_values(g, n, static_cast<int>(n % 3));
    const SortedValues kept = SortedValues::from(x, arma::vec(), Positions::keep);
    const SortedValues searched = SortedValues::from(x, arma::vec(), Positions::skip);
    const std::size_t m = kept.size();
    for (std::size_t groups : {std::size_t{1}, std::size_t{2}, std::size_t{5}, m}) {
      if (groups > m) continue;
      // Random contiguous groups (some empty), levels non-decreasing with repeats, so that
      // neighbouring groups share a codeword.
      std::vector<std::size_t> starts{0};
      for (std::size_t k = 1; k < groups; ++k) starts.push_back(g.below(m + 1));
      starts.push_back(m);
      std::sort(starts.begin(), starts.end());
      std::vector<double> levels;
      for (std::size_t k = 0; k < groups; ++k)
        levels.push_back(static_cast<double>(k / 2 + g.below(2)) + (levels.empty() ? 0 : 0.5));
      std::sort(levels.begin(), levels.end());
      const Quantized a = quantized_from_groups(x, kept, starts, levels);
      const Quantized b = quantized_from_groups(x, searched, starts, levels);
      CAPTURE(n);
      CAPTURE(groups);
      REQUIRE(arma::approx_equal(a.codebook, b.codebook, "absdiff", 0));
      CHECK(arma::all(a.indices == b.indices));
      CHECK(arma::approx_equal(a.reconstruction, b.reconstruction, "absdiff", 0));
      // And from first principles: each element's level is its group's.
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = kept.of[i];
        const std::size_t group = static_cast<std::size_t>(
            std::upper_bound(starts.begin(), starts.end(), j) - starts.begin() - 1);
        CHECK(b.reconstruction[i] == levels[group]);
      }
    }
  }
}

TEST_CASE("PrefixSums::mean is the group's own mean within its range, at any dynamic range") {
  Generator g(8);
  for (const int kind : {0, 1}) {
    arma::vec x(400);
    for (double& v : x)
      v = kind == 0 ? g.normal() * 3 + 1e4
                    : std::ldexp(g.normal(), static_cast<int>(g.below(200)) - 100);
    const arma::vec w = positive_weights(g, x.n_elem);
    const SortedValues s = SortedValues::from(x, w);
    const PrefixSums sums(s);
    for (int trial = 0; trial < 2000; ++trial) {
      const std::size_t i = g.below(s.size()), j = i + 1 + g.below(s.size() - i);
      const double first = s.values[i], last = s.values[j - 1];
      double weight = 0, offset = 0;  // non-negative terms only
      for (std::size_t t = i; t < j; ++t)
        weight += s.weights[t], offset += s.weights[t] * (s.values[t] - first);
      const double mean = sums.mean(i, j);
      CAPTURE(kind);
      CAPTURE(i);
      CAPTURE(j);
      CHECK(mean >= first);
      CHECK(mean <= last);
      if (j == i + 1) CHECK(mean == first);
      const double scale = std::max(std::abs(first), std::abs(last));
      CHECK(std::abs(mean - (first + offset / weight)) <=
            1e-6 * (last - first) + 4 * std::numeric_limits<double>::epsilon() * scale);
    }
  }
}

TEST_CASE("the coarse sums keep every stride-th boundary and each one far past the last kept") {
  // Student-t-like data: a dense middle (a stride of values spans little) and sparse tails
  // (neighbours further apart than the gap), so both rules choose boundaries.
  Generator g(12);
  arma::vec x(5000);
  for (double& v : x) v = g.normal() / std::max(0.02, std::abs(g.normal()));
  const arma::vec w = positive_weights(g, x.n_elem);
  const SortedValues s = SortedValues::from(x, w);
  const PrefixSums fine(s);
  for (const std::size_t stride : {1, 4, 64, 5000}) {
    for (const double share : {0.0, 1e-3, 0.05}) {
      const double gap = share * (s.values.max() - s.values.min());
      std::vector<std::size_t> kept;  // every boundary, in order, by the rule read literally
      for (std::size_t j = 0; j < s.size(); ++j)
        if (j % stride == 0 || (gap > 0 && s.values[j] - s.values[kept.back()] >= gap))
          kept.push_back(j);
      kept.push_back(s.size());
      const PrefixSums coarse(fine, stride, share);
      CAPTURE(stride);
      CAPTURE(share);
      REQUIRE(coarse.size() == kept.size() - 1);
      if (share > 0 && stride > 1) CHECK(kept.size() > s.size() / stride + 2);  // tails kept
      for (std::size_t a = 0; a + 1 < kept.size(); a += 7) {
        const std::size_t b = std::min(a + 1 + a % 5, kept.size() - 1);
        CHECK(coarse.sse(a, b) == fine.sse(kept[a], kept[b]));
        CHECK(coarse.weight(a, b) == fine.weight(kept[a], kept[b]));
      }
    }
  }
}

TEST_CASE("PrefixSums::cheaper_block answers as cheaper() at each end it covers, none past m") {
  Generator g(13);
  // Ordinary weights (compared without a division), and weights one of which is lost to the
  // weight sums' differences (compared with the divisions).
  for (const bool lost_weight : {false, true}) {
    arma::vec x(300);
    for (double& v : x) v = g.normal() / std::max(0.05, std::abs(g.normal()));
    arma::vec w = positive_weights(g, x.n_elem);
    if (lost_weight) w[17] = 1e-20;
    const SortedValues s = SortedValues::from(x, w);
    const PrefixSums sums(s);
    const std::size_t m = sums.size();
    for (int trial = 0; trial < 2000; ++trial) {
      const std::size_t k = g.below(m - 2);
      const std::size_t i = k + 1 + g.below(m - k - 2);
      const std::size_t t = std::max<std::size_t>(i + 1, m - 1 - g.below(40));
      const double scale = sums.sse(k, m);
      const double base_i = g.uniform() * scale, base_k = g.uniform() * scale;
      const std::uint32_t mask = sums.cheaper_block(i, base_i, k, base_k, t);
      for (std::size_t b = 0; b < PrefixSums::kBlock; ++b) {
        CAPTURE(b);
        const bool expected = t + b <= m && sums.cheaper(i, base_i, k, base_k, t + b);
        CHECK(((mask >> b) & 1) == static_cast<std::uint32_t>(expected));
      }
    }
  }
}
