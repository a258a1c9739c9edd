// Entropy-constrained quantization (paper 5): J never increases, λ = 0 is Lloyd, the uniform
// quantizer's distance to Shannon's bound at high rate, rate targets, and weights.
#include <doctest/doctest.h>

#include <cmath>

#include "algorithms/ecsq.hpp"
#include "algorithms/kmeans.hpp"
#include "algorithms/lloyd.hpp"
#include "algorithms/optimal.hpp"
#include "experiments/metrics.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

arma::vec draws(Generator& g, std::size_t n, bool heavy) {
  arma::vec x(n);
  for (double& v : x) v = heavy ? g.student_t(3) : g.normal();
  return x;
}

double entropy_of(const Quantized& q) {
  std::vector<double> counts(q.codebook.n_elem, 0);
  for (arma::uword i : q.indices) counts[i] += 1;
  return entropy_bits(counts);
}

}  // namespace

TEST_CASE("ecsq never increases J = D + λH across iterations, weighted or not") {
  Generator g(3);
  const IterativeEcsqQuantizer ecsq(0, 0, 500);
  for (int trial = 0; trial < 12; ++trial) {
    const arma::vec x = draws(g, 3000, trial % 2);
    const arma::vec w = trial % 3 == 0 ? positive_weights(g, x.n_elem) : arma::vec();
    EcsqTrace trace;
    const double lambda = 0.01 * (1 + trial);
    ecsq.run(x, w, 64, lambda, &trace);
    REQUIRE(trace.objective.size() >= 2);
    for (std::size_t i = 1; i < trace.objective.size(); ++i)
      CHECK(trace.objective[i] <= trace.objective[i - 1] * (1 + 1e-12));
  }
}

TEST_CASE("at λ = 0 ecsq is Lloyd's algorithm from the same grid") {
  Generator g(5);
  int compared = 0;
  for (int trial = 0; trial < 6; ++trial) {
    const arma::vec x = draws(g, 4000, false);
    const std::size_t K = 4 + 2 * trial;
    const Quantized e = IterativeEcsqQuantizer(0, 0, 1000).run(x, {}, K, 0.0, nullptr);
    arma::vec grid(K);
    for (std::size_t k = 0; k < K; ++k) grid[k] = x.min() + (x.max() - x.min()) * (k + 0.5) / K;
    const SortedValues s = SortedValues::from(x, arma::vec());
    const LloydResult l = lloyd(s, PrefixSums(s), grid, 1000, 0);
    if (l.reseeds > 0) continue;  // Lloyd re-seeds an empty cluster, ECSQ drops it
    CHECK(arma::approx_equal(e.codebook, l.centroids, "absdiff", 1e-9));
    CHECK(sse(x, {}, e.reconstruction) == doctest::Approx(l.sse).epsilon(1e-10));
    ++compared;
  }
  CHECK(compared >= 3);
}

TEST_CASE("uniform ECSQ on Gaussian data at high rate is 0.254 bit from Shannon's bound") {
  Generator g(2017);
  const arma::vec x = draws(g, 1000000, false);
  const double variance = arma::var(x, 1);
  // Gish-Pierce: at high rate D ≈ Δ²/12 and H ≈ h(X) − log2 Δ, so H − R(D) → ½ log2(2πe/12)
  // = 0.2546 bit, with R(D) = ½ log2(σ²/D). At Δ = σ/16 the O(Δ²) terms are below 1e-3 bit
  // and the entropy estimate from 10^6 samples is good to about 5e-3 bit (about 70 bins).
  Generator unused(0);
  const Quantized q =
      UniformEcsqQuantizer(std::sqrt(variance) / 16, 0).quantize(x, {}, 100000, unused);
  const double mse = sse(x, {}, q.reconstruction) / x.n_elem;
  const double gap = entropy_of(q) - 0.5 * std::log2(variance / mse);
  CHECK(gap == doctest::Approx(0.5 * std::log2(2 * M_PI * M_E / 12)).epsilon(0.04));
}

TEST_CASE("a target rate is met from below by both ECSQ quantizers") {
  Generator g(8);
  const arma::vec x = draws(g, 20000, true);
  Generator unused(0);
  for (double rate : {1.0, 2.0, 3.5}) {
    for (std::size_t K : {256, 4096}) {  // at 256 bins a finer step would clip the tails
      const Quantized u = UniformEcsqQuantizer(0, rate).quantize(x, {}, K, unused);
      CHECK(entropy_of(u) <= rate + 1e-12);
      CHECK(entropy_of(u) > rate - 0.25);
    }
    const Quantized e = IterativeEcsqQuantizer(0, rate, 300).quantize(x, {}, 256, unused);
    CHECK(entropy_of(e) <= rate + 1e-12);
    CHECK(entropy_of(e) > rate - 0.25);
  }
}

TEST_CASE("equal importance weights change nothing: kmeans, optimal and ecsq") {
  Generator g(11);
  const arma::vec x = draws(g, 3000, true);
  const arma::vec same(x.n_elem, arma::fill::value(2.5));
  Generator a(1), b(1), unused(0);
  CHECK(arma::approx_equal(
      KmeansQuantizer(KmeansInit::kmeanspp, 2, 300, 0).quantize(x, {}, 12, a).reconstruction,
      KmeansQuantizer(KmeansInit::kmeanspp, 2, 300, 0).quantize(x, same, 12, b).reconstruction,
      "absdiff", 1e-12));
  CHECK(arma::approx_equal(OptimalQuantizer(64).quantize(x, {}, 12, unused).reconstruction,
                           OptimalQuantizer(64).quantize(x, same, 12, unused).reconstruction,
                           "absdiff", 1e-12));
  // With weights ecsq weighs the distortion: weights of 2.5 at λ act as λ/2.5 unweighted.
  const IterativeEcsqQuantizer ecsq(0, 0, 500);
  CHECK(arma::approx_equal(ecsq.run(x, {}, 64, 0.02, nullptr).reconstruction,
                           ecsq.run(x, same, 64, 0.05, nullptr).reconstruction, "absdiff", 1e-9));
}

TEST_CASE("a level of equal values is their value exactly, and every level lies in the data") {
  // float32's extremes beside 0 and 1: a mean formed as Σwx / Σw rounds the lone -3.4e38 one
  // unit off, an error of 10^44 in the SSE; the data's spread loses the small values' mean.
  const arma::vec x = {1, 0, 0, -3.4028234663852886e38, -1.1754943508222875e-38};
  Generator g(4);
  for (int trial = 0; trial < 20; ++trial) {
    const arma::vec w = positive_weights(g, x.n_elem);
    const Quantized q = IterativeEcsqQuantizer(0, 0, 100).run(x, w, 3, 0.0, nullptr);
    CHECK(q.reconstruction[3] == x[3]);
    CHECK(q.codebook.is_sorted("strictascend"));
    CHECK(q.codebook.min() >= x.min());
    CHECK(q.codebook.max() <= x.max());
  }
}
