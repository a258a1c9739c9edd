// Per-axis groups: each group holds exactly the elements with one index along the axis, and
// quantizing per group equals quantizing each group on its own.
#include <doctest/doctest.h>

#include "algorithms/optimal.hpp"
#include "experiments/grouped_quantization.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;

TEST_CASE("groups along every axis of a 3-D tensor, negative axes counted from the end") {
  Tensor t;
  t.shape = {2, 3, 4};
  t.values = arma::regspace<arma::vec>(0, 23);
  for (int axis = -3; axis < 3; ++axis) {
    const int a = axis < 0 ? axis + 3 : axis;
    const auto groups = groups_of(t, Granularity{axis});
    REQUIRE(groups.size() == t.shape[a]);
    arma::uvec seen(24, arma::fill::zeros);
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (arma::uword flat : groups[g]) {
        const std::size_t index[3] = {flat / 12, flat / 4 % 3, flat % 4};  // row-major
        CHECK(index[a] == g);
        ++seen[flat];
      }
    CHECK(arma::all(seen == 1));
  }
  CHECK(groups_of(t, Granularity{}).size() == 1);
}

TEST_CASE("per-row quantization equals quantizing each row alone, K clamped per row") {
  Generator g(10);
  Tensor t;
  t.shape = {5, 40};
  t.values.set_size(200);
  for (double& v : t.values) v = g.normal();
  t.values.subvec(40, 79).fill(1.5);  // a row with one distinct value
  const auto groups = groups_of(t, Granularity{0});
  const auto distinct = distinct_counts(t.values, groups);
  CHECK(distinct[1] == 1);
  const OptimalQuantizer optimal(64);
  Generator unused(0);
  const GroupedResult r = quantize_groups(optimal, t.values, {}, groups, distinct, 4, unused);
  CHECK(r.clamped_groups == 1);
  CHECK(r.group_levels == std::vector<double>{4, 1, 4, 4, 4});
  for (std::size_t row = 0; row < 5; ++row) {
    const arma::vec x = t.values.subvec(40 * row, 40 * row + 39);
    const Quantized alone = optimal.quantize(x, {}, std::min<std::size_t>(4, distinct[row]), unused);
    CHECK(arma::approx_equal(r.reconstruction.subvec(40 * row, 40 * row + 39), alone.reconstruction,
                             "absdiff", 0));
  }
}
