// k-means on sorted data against a naive O(nK) Lloyd written here from the definition.
#include <doctest/doctest.h>

#include <algorithm>

#include "algorithms/kmeans.hpp"
#include "algorithms/kmeans_initialization.hpp"
#include "algorithms/lloyd.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

struct NaiveStep {
  std::vector<std::size_t> labels;
  arma::vec centroids;
};

std::vector<std::size_t> nearest(const arma::vec& x, const arma::vec& c) {
  std::vector<std::size_t> labels(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    std::size_t best = 0;
    for (std::size_t k = 1; k < c.n_elem; ++k)
      if ((x[i] - c[k]) * (x[i] - c[k]) < (x[i] - c[best]) * (x[i] - c[best])) best = k;
    labels[i] = best;
  }
  return labels;
}

// The textbook algorithm on the raw elements, with the empty-cluster rule of lloyd.hpp.
std::vector<NaiveStep> naive_lloyd(const arma::vec& x, const arma::vec& w, arma::vec c,
                                   std::size_t max_iter) {
  const std::size_t K = c.n_elem;
  std::vector<NaiveStep> steps;
  std::vector<std::size_t> previous;
  c = arma::sort(c);
  for (std::size_t it = 0; it < max_iter; ++it) {
    auto labels = nearest(x, c);
    for (;;) {
      std::vector<std::size_t> size(K, 0);
      for (auto l : labels) ++size[l];
      const auto empty = std::find(size.begin(), size.end(), 0u);
      if (empty == size.end()) break;
      std::size_t far = 0;
      for (arma::uword i = 1; i < x.n_elem; ++i) {
        const double d = std::abs(x[i] - c[labels[i]]), best = std::abs(x[far] - c[labels[far]]);
        if (d > best || (d == best && x[i] < x[far])) far = i;
      }
      c[empty - size.begin()] = x[far];
      c = arma::sort(c);
      labels = nearest(x, c);
    }
    if (labels == previous) break;
    for (std::size_t k = 0; k < K; ++k) {
      double sw = 0, swx = 0;
      for (arma::uword i = 0; i < x.n_elem; ++i)
        if (labels[i] == k) sw += w.is_empty() ? 1 : w[i], swx += (w.is_empty() ? 1 : w[i]) * x[i];
      c[k] = swx / sw;
    }
    steps.push_back({labels, c});
    previous = labels;
  }
  return steps;
}

std::vector<std::size_t> labels_of(const SortedValues& sorted,
                                   const std::vector<std::size_t>& starts) {
  std::vector<std::size_t> labels(sorted.of.n_elem);
  for (arma::uword i = 0; i < sorted.of.n_elem; ++i)
    labels[i] = std::upper_bound(starts.begin(), starts.end(), sorted.of[i]) - starts.begin() - 1;
  return labels;
}

}  // namespace

TEST_CASE("sorted Lloyd produces the iterates of the naive Lloyd from the same start") {
  Generator g(123);
  int compared_steps = 0, reseeded_runs = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 50 + g.below(400);
    arma::vec x(n);
    for (double& v : x)
      v = trial % 4 == 0 ? static_cast<double>(g.below(30))
                         : g.normal() + (g.uniform() < 0.3 ? 4 : 0);
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const SortedValues sorted = SortedValues::from(x, w);
    const PrefixSums sums(sorted);
    const std::size_t K = 2 + g.below(std::min<std::size_t>(12, sorted.size() - 1));
    // Starts that force empty clusters now and then: all centroids drawn from a narrow range.
    arma::vec start(K);
    for (double& c : start) c = trial % 3 == 0 ? x.max() + g.uniform() : x[g.below(n)];

    std::vector<LloydStep> trace;
    const LloydResult fast = lloyd(sorted, sums, start, 100, 0, &trace);
    const auto naive = naive_lloyd(x, w, start, 100);
    REQUIRE(trace.size() == naive.size());
    for (std::size_t s = 0; s < trace.size(); ++s) {
      CHECK(labels_of(sorted, trace[s].starts) == naive[s].labels);
      CHECK(arma::approx_equal(trace[s].centroids, naive[s].centroids, "reldiff", 1e-11));
      ++compared_steps;
    }
    reseeded_runs += fast.reseeds > 0;
    CHECK(fast.converged == (naive.size() < 100));
  }
  CHECK(compared_steps > 100);
  CHECK(reseeded_runs > 0);  // the empty-cluster rule was exercised
}

TEST_CASE("every initialisation yields K sorted centroids drawn from the data") {
  Generator g(8);
  arma::vec x(500);
  for (double& v : x) v = g.laplace();
  const SortedValues sorted = SortedValues::from(x, arma::vec());
  for (std::size_t K : {1, 2, 7, 64}) {
    Generator a(5), b(5);
    const arma::vec pp = kmeanspp_initialization(sorted, K, a);
    CHECK(arma::approx_equal(pp, kmeanspp_initialization(sorted, K, b), "absdiff", 0));
    const arma::vec rnd = random_initialization(sorted, K, a);
    const arma::vec q = quantile_initialization(sorted, K);
    for (const arma::vec* c : {&pp, &rnd, &q}) {
      REQUIRE(c->n_elem == K);
      CHECK(c->is_sorted());
      for (double v : *c) CHECK(arma::any(sorted.values == v));
    }
    CHECK(arma::vec(arma::unique(pp)).n_elem == K);  // k-means++ never picks a point twice
    CHECK(arma::vec(arma::unique(rnd)).n_elem == K);
  }
}

TEST_CASE("k-means++ favours far points: a lone outlier is chosen far more often than 1/n") {
  arma::vec x(101, arma::fill::zeros);
  for (int i = 0; i < 100; ++i) x[i] = i * 1e-3;
  x[100] = 100;
  const SortedValues sorted = SortedValues::from(x, arma::vec());
  int hits = 0;
  for (int s = 0; s < 200; ++s) {
    Generator g(s);
    hits += arma::any(kmeanspp_initialization(sorted, 2, g) == 100.0);
  }
  CHECK(hits > 190);  // uniform sampling would pick it about 4 times in 200
}

TEST_CASE("n_init keeps the restart with the least SSE, and a seed fixes the result") {
  Generator g(99);
  arma::vec x(2000);
  for (double& v : x) v = g.uniform() < 0.5 ? g.normal() : 6 + 0.5 * g.normal();
  double single_worst = 0, best_of_ten = 0;
  for (int s = 0; s < 10; ++s) {
    Generator a(s), b(s);
    const auto one = KmeansQuantizer(KmeansInit::random, 1, 300, 0).quantize(x, arma::vec(), 9, a);
    const auto again =
        KmeansQuantizer(KmeansInit::random, 1, 300, 0).quantize(x, arma::vec(), 9, b);
    CHECK(arma::approx_equal(one.reconstruction, again.reconstruction, "absdiff", 0));
    single_worst = std::max(single_worst, sse(x, arma::vec(), one.reconstruction));
  }
  Generator c(0);
  best_of_ten = sse(x, arma::vec(),
                    KmeansQuantizer(KmeansInit::random, 10, 300, 0)
                        .quantize(x, arma::vec(), 9, c)
                        .reconstruction);
  CHECK(best_of_ten <= single_worst);
}

TEST_CASE("a positive tol stops earlier and reports convergence") {
  Generator g(3);
  arma::vec x(5000);
  for (double& v : x) v = g.normal();
  Generator a(1), b(1);
  const auto exact =
      KmeansQuantizer(KmeansInit::kmeanspp, 1, 10000, 0).quantize(x, arma::vec(), 32, a);
  const auto loose =
      KmeansQuantizer(KmeansInit::kmeanspp, 1, 10000, 1e-3).quantize(x, arma::vec(), 32, b);
  CHECK(exact.converged);
  CHECK(loose.converged);
  CHECK(loose.iterations < exact.iterations);
}

TEST_CASE(
    "a warm start runs the naive Lloyd from the previous codebook, draws nothing, and falls back "
    "when it cannot") {
  Generator g(17);
  arma::vec x(600);
  for (double& v : x) v = g.uniform() < 0.4 ? g.normal() : 5 + g.normal();
  const arma::vec w = positive_weights(g, x.n_elem);
  const KmeansQuantizer kmeans(KmeansInit::kmeanspp, 1, 300, 0);
  const arma::vec previous{4.0, -1.0, 0.5, 6.0, 2.0};  // unsorted on purpose
  Generator a(5), untouched(5);
  const Quantized warm = kmeans.quantize_from(x, w, 5, a, previous);
  const auto naive = naive_lloyd(x, w, previous, 300);
  REQUIRE(!naive.empty());
  CHECK(arma::approx_equal(warm.codebook, naive.back().centroids, "reldiff", 1e-11));
  CHECK(warm.iterations == naive.size());
  CHECK(a.next() == untouched.next());  // the generator was not used

  // From its own fixed point it stays there after one update step.
  const Quantized again = kmeans.quantize_from(x, w, 5, a, warm.codebook);
  CHECK(arma::approx_equal(again.reconstruction, warm.reconstruction, "absdiff", 0.0));
  CHECK(again.iterations == 1);

  // A previous codebook of another size (or not finite) gives the cold start.
  Generator b(9), c(9);
  const Quantized fallback = kmeans.quantize_from(x, w, 5, b, arma::vec{1.0, 2.0});
  const Quantized cold = kmeans.quantize(x, w, 5, c);
  CHECK(arma::approx_equal(fallback.reconstruction, cold.reconstruction, "absdiff", 0.0));
  Generator d(9);
  const arma::vec not_finite{0.0, 1.0, arma::datum::nan, 3.0, 4.0};
  CHECK(arma::approx_equal(kmeans.quantize_from(x, w, 5, d, not_finite).reconstruction,
                           cold.reconstruction, "absdiff", 0.0));
}

TEST_CASE("k-means++ draws from the squared distances, not from their rounding, at any spread") {
  // Three tight clusters a million apart: after a centroid in each of two, D^2 sampling gives
  // the third cluster all but 1e-18 of the probability. A draw tree updated by differences
  // (from distances of 1e12 to ones of 1e-6) would draw from its rounding instead.
  Generator data(4);
  arma::vec x(300);
  for (std::size_t i = 0; i < 300; ++i)
    x[i] = 1e6 * static_cast<double>(i % 3) + 1e-3 * data.normal();
  const SortedValues sorted = SortedValues::from(x, arma::vec());
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    Generator g(seed);
    const arma::vec c = kmeanspp_initialization(sorted, 3, g);
    CAPTURE(seed);
    CHECK(std::abs(c[0]) < 1);
    CHECK(std::abs(c[1] - 1e6) < 1);
    CHECK(std::abs(c[2] - 2e6) < 1);
  }
}

TEST_CASE("with a centroid for every distinct value, k-means is exact at any spread") {
  // Past both centroids, v - c[k] and v - c[k-1] round to one number when v is far larger
  // than both: the assignment must still keep the sorted points partitioned.
  const std::vector<arma::vec> data = {
      {0, 1, 1e18, 1e19, 1e20},
      {-1e60, -1e44, -1e21, -2e12, -1e-50, 1e-60, 4e18, 6e49, 5e70},
  };
  for (const arma::vec& x : data)
    for (const KmeansInit init : {KmeansInit::quantile, KmeansInit::kmeanspp, KmeansInit::random}) {
      Generator g(3);
      const Quantized q = KmeansQuantizer(init, 1, 300, 0).quantize(x, arma::vec(), x.n_elem, g);
      CAPTURE(x.n_elem);
      CHECK(arma::approx_equal(q.reconstruction, x, "absdiff", 0));
      CHECK(q.codebook.n_elem == x.n_elem);
    }
}
