// Per-axis groups: each group holds exactly the elements with one index along the axis, and
// quantizing per group equals quantizing each group on its own. Also the histograms of the
// per-run distributions.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "algorithms/generator.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/registry.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/metrics.hpp"
#include "experiments/network_target.hpp"
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
      for (arma::uword flat : groups[g].indices()) {
        const std::size_t index[3] = {flat / 12, flat / 4 % 3, flat % 4};  // row-major
        CHECK(index[a] == g);
        ++seen[flat];
      }
    CHECK(arma::all(seen == 1));
    for (const auto& group : groups) CHECK(group.is_range() == (a == 0));  // rows read in place
  }
  CHECK(groups_of(t, Granularity{}).size() == 1);
  CHECK(groups_of(t, Granularity{})[0].is_whole(24));
}

TEST_CASE("distinct values counted up to a cap: min(distinct, cap), -0 and 0 one value") {
  Generator g(12);
  arma::vec v(400);
  for (double& x : v) x = std::floor(8 * g.uniform());  // 8 distinct values, each repeated
  v[0] = -0.0;
  v[1] = 0.0;
  v[2] = 0.5;  // a ninth
  const std::vector<TensorGroup> whole{TensorGroup::range(0, 400)};
  const std::vector<TensorGroup> head{TensorGroup(arma::uvec{2, 0, 1})};
  std::vector<std::size_t> found;
  for (std::size_t cap : {1, 2, 5, 8, 9, 10, 50, 400})  // the set (cap < n / 8) and the sort
    found.push_back(distinct_counts(v, whole, cap)[0]);
  CHECK(found == std::vector<std::size_t>{1, 2, 5, 8, 9, 9, 9, 9});
  CHECK(distinct_counts(v, whole)[0] == 9);
  CHECK(distinct_counts(v, head)[0] == 2);
  CHECK(distinct_counts(v, head, 1)[0] == 1);
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
  const GroupedResult r = quantize_groups(optimal, find_algorithm("optimal")->outputs, t.values, {},
                                          groups, distinct, 4, unused);
  CHECK(r.clamped_groups == 1);
  CHECK(r.group_levels == std::vector<double>{4, 1, 4, 4, 4});
  for (std::size_t row = 0; row < 5; ++row) {
    const arma::vec x = t.values.subvec(40 * row, 40 * row + 39);
    const Quantized alone =
        optimal.quantize(x, {}, std::min<std::size_t>(4, distinct[row]), unused);
    CHECK(arma::approx_equal(r.reconstruction.subvec(40 * row, 40 * row + 39), alone.reconstruction,
                             "absdiff", 0));
  }
}

TEST_CASE("several groups draw from their own generators: the same result on any thread count") {
  Generator g(11);
  Tensor t;
  t.shape = {9, 60};
  t.values.set_size(540);
  for (double& v : t.values) v = g.laplace();
  const auto groups = groups_of(t, Granularity{0});
  const auto distinct = distinct_counts(t.values, groups);
  const AlgorithmInfo& info = *find_algorithm("kmeans");
  const auto kmeans = info.make(Parameters(info.parameters, {{"init", std::string("random")}}));
  const auto quantized = [&](std::size_t threads) {
    Generator run(5);
    return quantize_groups(*kmeans, info.outputs, t.values, {}, groups, distinct, 6, run, {}, {},
                           threads);
  };
  const GroupedResult one = quantized(1);
  for (std::size_t threads : {2, 4, 16}) {
    const GroupedResult many = quantized(threads);
    CHECK(arma::approx_equal(one.reconstruction, many.reconstruction, "absdiff", 0));
    CHECK(one.codebook == many.codebook);
    CHECK(one.cluster_sizes == many.cluster_sizes);
  }
  // Group g draws from the g-th number of the run's generator: quantized alone with that
  // seed, a row gives the same codebook.
  Generator run(5);
  for (std::size_t row = 0; row < 9; ++row) {
    Generator own(run.next());
    const arma::vec x = t.values.elem(groups[row].indices());
    const Quantized alone = kmeans->quantize(x, {}, 6, own);
    CHECK(arma::approx_equal(one.reconstruction.elem(groups[row].indices()), alone.reconstruction,
                             "absdiff", 0));
  }
}

TEST_CASE("a histogram counts every value once, in the bin whose edges hold it") {
  Generator g(9);
  std::vector<double> values(1000);
  for (double& v : values) v = g.normal();
  values.push_back(0.1), values.push_back(0.1);  // repeated values
  const Histogram h = histogram(values, 32);
  REQUIRE(h.counts.size() == 32);
  REQUIRE(h.edges.size() == 33);
  CHECK(std::accumulate(h.counts.begin(), h.counts.end(), 0.0) == values.size());
  CHECK(h.edges.front() == *std::min_element(values.begin(), values.end()));
  CHECK(h.edges.back() == *std::max_element(values.begin(), values.end()));
  for (std::size_t b = 0; b < 32; ++b) {  // brute-force count of each half-open bin
    double expected = 0;
    for (double v : values)
      if (v >= h.edges[b] && (v < h.edges[b + 1] || (b == 31 && v == h.edges[b + 1]))) ++expected;
    CHECK(h.counts[b] == expected);
  }
  const Histogram constant = histogram({2.5, 2.5, 2.5}, 32);
  CHECK(constant.counts == std::vector<double>{3});
  CHECK(constant.edges == std::vector<double>{2.5, 2.5});
  CHECK(histogram({}, 32).counts.empty());
}

TEST_CASE("a tensor's matrix form: all axes but the last as rows, the last as columns") {
  CHECK(matrix_of({784, 300}).rows == 784);
  CHECK(matrix_of({784, 300}).cols == 300);
  const MatrixShape hwio = matrix_of({5, 5, 20, 50});  // a convolution kernel
  CHECK(hwio.rows == 500);
  CHECK(hwio.cols == 50);
  CHECK(matrix_of({12}).rows == 0);
  CHECK(matrix_of({}).cols == 0);
}

TEST_CASE("run targets: a tensor is grouped by the run's granularity, a network by its scope") {
  Tensor t;
  t.shape = {3, 4};
  t.values = arma::regspace(0, 11);
  Granularity rows;
  rows.axis = 0;
  const RunTarget& tensor = tensor_target();
  CHECK(tensor.groups(t, rows).size() == 3);
  CHECK(tensor.groups(t, Granularity{}).size() == 1);
  CHECK(tensor.matrices(t, rows).empty());  // rows are vectors
  REQUIRE(tensor.matrices(t, Granularity{}).size() == 1);
  CHECK(tensor.matrices(t, Granularity{})[0].rows == 3);
  CHECK(tensor.matrices(t, Granularity{})[0].cols == 4);
  CHECK(!tensor.trains(Parameters()));
  CHECK(!tensor.reference_score(t.values));
  CHECK(!tensor.model_ratios(12, 24, 24));

  NetworkTarget network;  // two layers of 5 and 7 selected weights, 20 parameters in all
  network.names = {"fc1/kernel", "fc2/kernel"};
  network.sizes = {5, 7};
  network.shapes = {{1, 5}, {7}};
  network.network_parameters = 20;
  const auto layers = network.groups(t, rows);  // the scope decides, not the granularity
  REQUIRE(layers.size() == 2);
  CHECK(arma::all(layers[0].indices() == arma::regspace<arma::uvec>(0, 4)));
  CHECK(arma::all(layers[1].indices() == arma::regspace<arma::uvec>(5, 11)));
  const auto matrices = network.matrices(t, rows);  // each layer's own
  REQUIRE(matrices.size() == 2);
  CHECK(matrices[0].rows == 1);
  CHECK(matrices[0].cols == 5);
  CHECK(matrices[1].rows == 0);  // one axis: no matrix form
  network.per_layer = false;
  CHECK(network.groups(t, rows).size() == 1);
  CHECK(network.matrices(t, rows).empty());  // the layers' concatenation is no matrix
  // 12 quantized values in 24 bits (fixed: 36), the 8 others as 32-bit floats.
  const ModelRatios ratios = *network.model_ratios(12, 24, 36);
  CHECK(ratios.variable_length == doctest::Approx(32.0 * 20 / (24 + 32 * 8)));
  CHECK(ratios.fixed_length == doctest::Approx(32.0 * 20 / (36 + 32 * 8)));
}

TEST_CASE("a group reads a range of the tensor in place and a list of indices by copy") {
  const arma::vec v = arma::regspace<arma::vec>(0, 9) * 1.5;
  const TensorGroup row = TensorGroup::range(3, 4);
  const arma::vec in_place = row.values_of(v);
  CHECK(in_place.memptr() == v.memptr() + 3);
  CHECK(arma::all(in_place == v.subvec(3, 6)));
  const TensorGroup column(arma::uvec{8, 1, 5});
  const arma::vec gathered = column.values_of(v);
  CHECK(gathered.memptr() != v.memptr() + 8);
  CHECK(arma::all(gathered == arma::vec{12, 1.5, 7.5}));
  CHECK(column[1] == 1);
  CHECK(row[2] == 5);
  CHECK(arma::all(row.indices() == arma::uvec{3, 4, 5, 6}));
  arma::vec out(10, arma::fill::zeros);
  row.assign(out, arma::vec{1, 2, 3, 4});
  column.assign(out, arma::vec{7, 8, 9});
  CHECK(arma::all(out == arma::vec{0, 8, 0, 1, 2, 9, 4, 0, 7, 0}));
  CHECK(TensorGroup::range(0, 10).is_whole(10));
  CHECK(!row.is_whole(10));
  CHECK_THROWS_AS(TensorGroup::range(8, 4).values_of(v), std::logic_error);
}

TEST_CASE(
    "per-column weighted quantization (groups of gathered indices) equals each column alone") {
  Generator g(21);
  Tensor t;
  t.shape = {30, 4};
  t.values.set_size(120);
  for (double& v : t.values) v = g.normal();
  const arma::vec w = testing::positive_weights(g, 120);
  const auto columns = groups_of(t, Granularity{1});
  REQUIRE(columns.size() == 4);
  const OptimalQuantizer optimal(64);
  Generator unused(0);
  const GroupedResult r = quantize_groups(optimal, find_algorithm("optimal")->outputs, t.values, w,
                                          columns, distinct_counts(t.values, columns), 3, unused);
  for (std::size_t c = 0; c < 4; ++c) {
    arma::vec x(30), wc(30), expected(30);
    for (std::size_t i = 0; i < 30; ++i) x[i] = t.values[i * 4 + c], wc[i] = w[i * 4 + c];
    const Quantized alone = optimal.quantize(x, wc, 3, unused);
    for (std::size_t i = 0; i < 30; ++i)
      CHECK(r.reconstruction[i * 4 + c] == alone.reconstruction[i]);
  }
}

TEST_CASE("a record's variance given its mean is Armadillo's var, bit for bit") {
  Generator g(30);
  CHECK(variance_about(arma::vec(), 0.0) == 0.0);
  for (std::size_t n : {1, 2, 3, 4, 5, 999, 1000, 100001}) {
    for (double scale : {1e-90, 1.0, 3e7, 1e160}) {  // the last overflows: the robust path
      arma::vec x(n);
      for (double& v : x) v = (g.normal() + 5) * scale;
      const double expected = n > 1 ? arma::var(x, 1) : 0.0;
      CAPTURE(n);
      CAPTURE(scale);
      const double found = variance_about(x, arma::mean(x));
      CHECK(std::memcmp(&expected, &found, sizeof found) == 0);
    }
  }
}
