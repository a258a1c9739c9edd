// Sorted distinct values: the radix sort with 8-bit digits (small inputs) and 16-bit ones
// (large), against std::sort, with negatives, signed zeros, duplicates and float32 values
// (whose low digits every key shares, so those passes are skipped).
#include <doctest/doctest.h>

#include <algorithm>

#include "algorithms/sorted_values.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

TEST_CASE("distinct values, their weights and each element's position are exact") {
  Generator g(6);
  for (std::size_t n : {1, 2, 7, 1000, 20000, 100000, 5, 3000, 70000}) {
    const bool single = n == 5 || n == 3000 || n == 70000;
    arma::vec x(n);
    for (double& v : x) {
      const auto kind = g.below(4);
      v = kind == 0   ? static_cast<double>(g.below(50)) - 25
          : kind == 1 ? g.normal() * 1e6
          : kind == 2 ? (g.below(2) ? 0.0 : -0.0)
                      : g.laplace() * 1e-200;
      if (single) v = static_cast<float>(g.laplace() * 3);
    }
    const arma::vec w = positive_weights(g, n);
    const SortedValues s = SortedValues::from(x, w);
    std::vector<double> expected(x.begin(), x.end());
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    REQUIRE(s.size() == expected.size());
    for (std::size_t j = 0; j < expected.size(); ++j) CHECK(s.values[j] == expected[j]);
    arma::vec weight_sum(s.size(), arma::fill::zeros);
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(s.values[s.of[i]] == x[i]);
      weight_sum[s.of[i]] += w[i];
    }
    CHECK(arma::approx_equal(weight_sum, s.weights, "reldiff", 1e-12));
  }
}
