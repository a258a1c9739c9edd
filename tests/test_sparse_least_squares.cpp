// Sparse least-squares quantizers (paper 1): the exact l1 solver against an independent
// first-order solver of the same problem and against the facts of the specification; the l0
// quantizer against brute force and the exact optimum.
#include <doctest/doctest.h>

#include <functional>

#include "algorithms/optimal.hpp"
#include "algorithms/sparse_least_squares.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

// The same l1 problem through its dual, min over |v_j| <= λ of
// ½ (Dᵀv)ᵀ C⁻¹ (Dᵀv) − vᵀ D u, by accelerated projected gradient (FISTA); z = u − C⁻¹ Dᵀ v.
arma::vec tv_by_dual(const arma::vec& u, const arma::vec& c, double lambda) {
  const std::size_t m = u.n_elem;
  if (m == 1) return u;
  auto Dt = [&](const arma::vec& v) {  // (Dᵀv)_j = v_{j-1} − v_j
    arma::vec r(m, arma::fill::zeros);
    for (std::size_t j = 0; j + 1 < m; ++j) r[j] -= v[j], r[j + 1] += v[j];
    return r;
  };
  auto D = [&](const arma::vec& z) { return arma::vec(z.tail(m - 1) - z.head(m - 1)); };
  const double step = c.min() / 4.0;  // 1 / ‖D C⁻¹ Dᵀ‖ bound
  arma::vec v(m - 1, arma::fill::zeros), y = v, previous = v;
  double t = 1;
  for (int it = 0; it < 400000; ++it) {
    const arma::vec gradient = D(Dt(y) / c) - D(u);
    v = arma::clamp(y - step * gradient, -lambda, lambda);
    const double t_next = 0.5 * (1 + std::sqrt(1 + 4 * t * t));
    y = v + ((t - 1) / t_next) * (v - previous);
    previous = v, t = t_next;
  }
  return u - Dt(v) / c;
}

arma::vec expand(const SparseSolution& s, std::size_t m) {
  arma::vec z(m);
  for (std::size_t g = 0; g + 1 < s.starts.size(); ++g)
    z.subvec(s.starts[g], s.starts[g + 1] - 1).fill(s.levels[g]);
  return z;
}

}  // namespace

TEST_CASE("sparse_l1 equals an independent solver of the same problem (m <= 25)") {
  Generator g(1);
  for (int trial = 0; trial < 12; ++trial) {
    const std::size_t n = 2 + g.below(40);
    arma::vec x(n);
    for (double& v : x) v = trial % 2 ? static_cast<double>(g.below(12)) : g.normal();
    const SortedValues s = SortedValues::from(x, trial % 3 ? positive_weights(g, n) : arma::vec());
    if (s.size() > 25) continue;
    const double lambda = sparse_l1_lambda_max(s, false) * g.uniform();
    const arma::vec exact = expand(sparse_l1_solve(s, lambda, false), s.size());
    CHECK(arma::approx_equal(exact, tv_by_dual(s.values, s.weights, lambda), "absdiff", 1e-7));
  }
}

TEST_CASE(
    "sparse_l1: non-decreasing, interior means, ends moved by λ/W, K(λ) non-increasing, fused at "
    "λ_max") {
  Generator g(2);
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 20 + g.below(300);
    arma::vec x(n);
    for (double& v : x) v = trial % 2 ? g.laplace() : static_cast<double>(g.below(30));
    const SortedValues s = SortedValues::from(x, trial % 3 ? positive_weights(g, n) : arma::vec());
    const PrefixSums sums(s);
    const double lambda_max = sparse_l1_lambda_max(s, false);
    std::size_t previous_k = s.size() + 1;
    for (double fraction : {0.0, 0.001, 0.01, 0.05, 0.2, 0.5, 0.9, 0.999}) {
      const double lambda = fraction * lambda_max;
      const SparseSolution z = sparse_l1_solve(s, lambda, false);
      const std::size_t k = z.levels.size();
      for (std::size_t i = 1; i < k; ++i) CHECK(z.levels[i] > z.levels[i - 1]);
      for (std::size_t i = 0; i < k; ++i) {
        const double mean = sums.mean(z.starts[i], z.starts[i + 1]);
        const double w = sums.weight(z.starts[i], z.starts[i + 1]);
        const double shift = (i == 0 ? lambda / w : 0) - (i + 1 == k ? lambda / w : 0);
        CHECK(z.levels[i] == doctest::Approx(mean + shift).epsilon(1e-10).scale(1));
      }
      CHECK(k <= previous_k);
      previous_k = k;
    }
    CHECK(sparse_l1_solve(s, lambda_max * 1.000001, false).levels.size() == 1);
    if (s.size() > 1) CHECK(sparse_l1_solve(s, lambda_max * 0.999, false).levels.size() > 1);
  }
}

TEST_CASE(
    "sparse_l0 equals brute force, and with the λ that yields K it is the optimal quantizer") {
  Generator g(3);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t n = 2 + g.below(10);
    arma::vec x(n);
    for (double& v : x) v = g.normal();
    const double lambda = 0.05 + g.uniform();
    // Brute force over every contiguous partition of the sorted values: ½ SSE + λ (K − 1).
    const arma::vec u = arma::sort(x);
    double best = INFINITY;
    for (std::uint64_t cuts = 0; cuts < (std::uint64_t{1} << (n - 1)); ++cuts) {
      double cost = 0;
      std::vector<double> group{u[0]};
      auto close = [&] { cost += 0.5 * group_sse(group, std::vector<double>(group.size(), 1.0)); };
      for (std::size_t i = 1; i < n; ++i) {
        if ((cuts >> (i - 1)) & 1) close(), group.clear(), cost += lambda;
        group.push_back(u[i]);
      }
      close();
      best = std::min(best, cost);
    }
    Generator unused(0);
    const Quantized q =
        SparseLeastSquaresQuantizer(SparseLeastSquaresQuantizer::Penalty::l0, lambda, false, false)
            .quantize(x, {}, 1, unused);
    const double cost = 0.5 * sse(x, {}, q.reconstruction) + lambda * (q.codebook.n_elem - 1.0);
    CHECK(cost == doctest::Approx(best).epsilon(1e-10));
  }
  arma::vec x(2000);
  for (double& v : x) v = g.laplace();
  Generator unused(0);
  for (std::size_t K : {2, 3, 5, 8, 13}) {
    const Quantized l0 =
        SparseLeastSquaresQuantizer(SparseLeastSquaresQuantizer::Penalty::l0, 0, false, false)
            .quantize(x, {}, K, unused);
    REQUIRE(l0.codebook.n_elem == K);
    CHECK(
        sse(x, {}, l0.reconstruction) ==
        doctest::Approx(sse(x, {}, OptimalQuantizer(64).quantize(x, {}, K, unused).reconstruction))
            .epsilon(1e-10));
  }
}

TEST_CASE("the λ search reaches every K on random data, and records λ and the solves") {
  Generator g(4);
  arma::vec x(500);
  for (double& v : x) v = g.normal();
  Generator unused(0);
  for (auto penalty :
       {SparseLeastSquaresQuantizer::Penalty::l1, SparseLeastSquaresQuantizer::Penalty::l0})
    for (std::size_t K = 1; K <= 40; K += 3) {
      const Quantized q =
          SparseLeastSquaresQuantizer(penalty, 0, false, false).quantize(x, {}, K, unused);
      CHECK(q.codebook.n_elem == K);
      CHECK(q.scalars.at("solves") >= 1);
      CHECK(q.diagnostics.at("beta_gaps").n_elem == K - 1);
      CHECK(q.diagnostics.at("beta_first")[0] == q.codebook[0]);
      CHECK(arma::accu(q.diagnostics.at("beta_gaps")) ==
            doctest::Approx(q.codebook.max() - q.codebook.min()));
    }
  // Equally spaced values with unit weights tie: several K may fuse at one λ; the search
  // then keeps the largest K below the target.
  const arma::vec ramp = arma::regspace<arma::vec>(0, 99);
  for (std::size_t K : {3, 7, 50}) {
    const Quantized q =
        SparseLeastSquaresQuantizer(SparseLeastSquaresQuantizer::Penalty::l1, 0, false, false)
            .quantize(ramp, {}, K, unused);
    CHECK(q.codebook.n_elem <= K);
  }
}

TEST_CASE(
    "coordinate descent on the explicit design equals the exact l1 solver; l1+l2 with λ2 = 0 too") {
  Generator g(6);
  for (int trial = 0; trial < 8; ++trial) {
    const std::size_t n = 20 + g.below(180);
    arma::vec x(n);
    for (double& v : x) v = g.normal();
    const SortedValues s = SortedValues::from(x, trial % 2 ? positive_weights(g, n) : arma::vec());
    const double lambda = sparse_l1_lambda_max(s, false) * (0.001 + 0.2 * g.uniform());
    const arma::vec exact = expand(sparse_l1_solve(s, lambda, false), s.size());
    std::size_t sweeps = 0;
    const arma::vec dense = expand(
        sparse_coordinate_descent(s, lambda, 0, false, true, 1e-13, 200000, &sweeps), s.size());
    CHECK_MESSAGE(arma::approx_equal(dense, exact, "absdiff", 1e-9), "sweeps: " << sweeps);
    const arma::vec fast =
        expand(sparse_coordinate_descent(s, lambda, 0, false, false, 1e-13, 200000), s.size());
    CHECK(arma::approx_equal(fast, exact, "absdiff", 1e-9));
    bool converged = false;
    const arma::vec active =
        expand(sparse_l1l2_solve(s, lambda, 0, false, 1000, &converged), s.size());
    CHECK(converged);
    CHECK(arma::approx_equal(active, exact, "absdiff", 1e-12));
  }
}

TEST_CASE(
    "l1+l2 (active set) satisfies its optimality (KKT) conditions and equals coordinate descent") {
  Generator g(7);
  for (int trial = 0; trial < 24; ++trial) {
    const std::size_t n = 30 + g.below(170);
    arma::vec x(n);
    for (double& v : x) v = trial % 3 ? g.laplace() : g.normal();
    const SortedValues s = SortedValues::from(x, trial % 2 ? positive_weights(g, n) : arma::vec());
    const double l1 = sparse_l1_lambda_max(s, false) * (0.002 + 0.3 * g.uniform());
    const double l2 = std::pow(10.0, -2 + 4 * g.uniform());
    bool converged = false;
    std::size_t rounds = 0;
    const SparseSolution sol = sparse_l1l2_solve(s, l1, l2, false, 100000, &converged, &rounds);
    REQUIRE(converged);
    const arma::vec z = expand(sol, s.size());
    for (std::size_t j = 1; j < s.size(); ++j) CHECK(z[j] >= z[j - 1]);
    const arma::vec reference =
        expand(sparse_coordinate_descent(s, l1, l2, false, false, 1e-15, 2000000), s.size());
    CHECK_MESSAGE(arma::approx_equal(z, reference, "absdiff", 1e-8), "rounds: " << rounds);
    // Gradient of the smooth part with respect to β_j: −Σ_{i≥j} c_i (u_i − z_i) + λ2 β_j; at the
    // optimum it is 0 for j = 1, −λ1 sign(β_j) where β_j ≠ 0, and within [−λ1, λ1] elsewhere.
    const std::size_t m = s.size();
    double suffix = 0;
    for (std::size_t j = m; j-- > 0;) {
      suffix += s.weights[j] * (s.values[j] - z[j]);  // c_j: the weights (rows: weighted)
      const double beta = j == 0 ? z[0] : z[j] - z[j - 1];
      const double gradient = -suffix + (j == 0 ? 0.0 : l2 * beta);
      if (j == 0)
        CHECK(std::abs(gradient) < 1e-8);
      else if (beta != 0)
        CHECK(gradient == doctest::Approx(-l1 * (beta > 0 ? 1 : -1)).epsilon(1e-7).scale(1));
      else
        CHECK(std::abs(gradient) <= l1 * (1 + 1e-7));
    }
  }
}

TEST_CASE("sparse_cluster is seed-independent and never worse than its initial l1 partition") {
  Generator g(9);
  arma::vec x(3000);
  for (double& v : x) v = g.uniform() < 0.3 ? g.normal() - 3 : g.laplace();
  const SparseLeastSquaresQuantizer cluster(SparseLeastSquaresQuantizer::Penalty::cluster, 0, false,
                                            false);
  for (std::size_t K : {2, 5, 9, 20}) {
    Generator a(1), b(987654321);
    const Quantized qa = cluster.quantize(x, {}, K, a), qb = cluster.quantize(x, {}, K, b);
    CHECK(arma::approx_equal(qa.reconstruction, qb.reconstruction, "absdiff", 0));
    CHECK(sse(x, {}, qa.reconstruction) <= qa.scalars.at("initial_sse") * (1 + 1e-12));
    CHECK(qa.converged);
  }
}
