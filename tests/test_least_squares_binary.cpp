// Least-squares binary quantizers (paper 2) against their ordering, the exact optimum of |x|,
// closed forms, and the packed inner product against the float one.
#include <doctest/doctest.h>

#include "algorithms/least_squares_binary.hpp"
#include "algorithms/optimal.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {

double error_of(const arma::vec& x, BinaryMethod method, std::size_t bits = 0, bool apple = false,
                std::size_t skip = 3) {
  return sse(x, {}, least_squares_binary(x, {}, method, bits, apple, skip).reconstruct());
}

arma::vec gaussian(Generator& g, std::size_t n) {
  arma::vec x(n);
  for (double& v : x) v = g.normal();
  return x;
}

}  // namespace

TEST_CASE(
    "ordering on every input: ls2 <= lsT <= ls1, ls2 <= gf(2) <= ls1, gf non-increasing in k") {
  Generator g(17);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = 1 + g.below(300);
    arma::vec x(n);
    for (double& v : x)
      v = trial % 3 == 0   ? g.laplace()
          : trial % 3 == 1 ? g.normal() * 5 + 1
                           : static_cast<double>(g.below(5)) - 2;
    const double ls1 = error_of(x, BinaryMethod::ls1), ls2 = error_of(x, BinaryMethod::ls2),
                 lsT = error_of(x, BinaryMethod::lsT), gf2 = error_of(x, BinaryMethod::gf, 2);
    const double slack = 1e-9 * (1 + arma::dot(x, x));
    CHECK(ls2 <= lsT + slack);
    CHECK(lsT <= ls1 + slack);
    CHECK(ls2 <= gf2 + slack);
    CHECK(gf2 <= ls1 + slack);
    double previous = ls1;
    for (std::size_t k = 2; k <= 5; ++k) {
      const double e = error_of(x, BinaryMethod::gf, k);
      CHECK(e <= previous + slack);
      previous = e;
    }
  }
}

TEST_CASE("ls2 equals the exact 2-level optimum of |x|, weighted or not") {
  Generator g(3);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 2 + g.below(400);
    const arma::vec x = gaussian(g, n) * (1 + trial % 4);
    const arma::vec w = trial % 2 ? positive_weights(g, n) : arma::vec();
    const arma::vec magnitude = arma::abs(x);
    if (arma::vec(arma::unique(magnitude)).n_elem < 2) continue;
    Generator unused(0);
    const double optimum =
        sse(magnitude, w, OptimalQuantizer(64).quantize(magnitude, w, 2, unused).reconstruction);
    const BinaryExpansion e = least_squares_binary(x, w, BinaryMethod::ls2, 2);
    CHECK(sse(x, w, e.reconstruct()) == doctest::Approx(optimum).epsilon(1e-10).scale(1e-12));
    CHECK(e.scales()[0] >= e.scales()[1]);  // v1 >= v2 >= 0
    CHECK(e.scales()[1] >= 0);
  }
}

TEST_CASE(
    "lsT is the best ternary code: brute force over every threshold and scale on small inputs") {
  Generator g(8);
  for (int trial = 0; trial < 40; ++trial) {
    const arma::vec x = gaussian(g, 1 + g.below(12));
    // Every subset of non-zero entries that a threshold on |x| can produce, its scale the
    // mean |x| over it (the least-squares scale for that support).
    const arma::vec a = arma::sort(arma::abs(x));
    double best = arma::dot(x, x);
    for (arma::uword i = 0; i < a.n_elem; ++i) {
      const double c = arma::mean(a.subvec(i, a.n_elem - 1));
      double e = 0;
      for (double v : x) e += std::abs(v) >= a[i] ? (std::abs(v) - c) * (std::abs(v) - c) : v * v;
      best = std::min(best, e);
    }
    CHECK(error_of(x, BinaryMethod::lsT) == doctest::Approx(best).epsilon(1e-10).scale(1e-12));
  }
}

TEST_CASE("closed forms: ls1 error, all-equal input for lsT, bsign(0) = +1") {
  Generator g(1);
  const arma::vec x = gaussian(g, 1000);
  const double l1 = arma::accu(arma::abs(x));
  CHECK(error_of(x, BinaryMethod::ls1) == doctest::Approx(arma::dot(x, x) - l1 * l1 / 1000));
  const arma::vec same(10, arma::fill::value(0.7));
  CHECK(error_of(same, BinaryMethod::lsT) == doctest::Approx(0).scale(1));
  CHECK(arma::approx_equal(least_squares_binary(same, {}, BinaryMethod::lsT, 0).reconstruct(), same,
                           "absdiff", 1e-15));
  CHECK(bsign(0.0) == 1.0);
  CHECK(bsign(-0.0) == 1.0);
  const arma::vec with_zero = "0 -1 2";
  CHECK(least_squares_binary(with_zero, {}, BinaryMethod::ls1, 1).reconstruct()[0] > 0);
}

TEST_CASE("Gaussian n = 10^6: ls1 -> 1 - 2/pi and ls2 -> 0.1175 (Lloyd-Max, 4 levels)") {
  Generator g(2020);
  const arma::vec x = gaussian(g, 1000000);
  const double energy = arma::dot(x, x);
  // In-sample relative errors differ from the population values by O(n^-1/2) sampling noise
  // (standard deviation about 1e-3 here) and an O(K/n) optimism: 0.005 is five deviations.
  CHECK(error_of(x, BinaryMethod::ls1) / energy == doctest::Approx(1 - 2 / M_PI).epsilon(0.005));
  CHECK(error_of(x, BinaryMethod::ls2) / energy == doctest::Approx(0.1175).epsilon(0.005));
}

TEST_CASE(
    "compat apple is never better than exact, and with skip 1 it is within its candidate gap") {
  Generator g(6);
  for (int trial = 0; trial < 20; ++trial) {
    const arma::vec x = trial % 2 ? gaussian(g, 576) : arma::vec(gaussian(g, 4608) * 3);
    for (BinaryMethod m : {BinaryMethod::ls2, BinaryMethod::lsT}) {
      const double exact = error_of(x, m);
      for (std::size_t skip : {1, 3, 7})
        CHECK(error_of(x, m, 2, true, skip) >= exact * (1 - 1e-12));
      // Data-value candidates instead of the exact fixed point: 0.12066 vs 0.12065 at n = 576.
      CHECK(error_of(x, m, 2, true, 1) <= exact * (1 + 2e-3));
    }
  }
}

TEST_CASE("the packed inner product equals the float inner product of the reconstructions") {
  Generator g(12);
  for (std::size_t n : {1, 5, 63, 64, 65, 127, 1000, 4099}) {
    const arma::vec x = gaussian(g, n), w = gaussian(g, n);
    for (auto [bx, bw] : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 2}, {1, 3}, {3, 2}}) {
      const BinaryExpansion ex = least_squares_binary(x, {}, BinaryMethod::gf, bx);
      const BinaryExpansion ew = least_squares_binary(w, {}, BinaryMethod::gf, bw);
      const double expected = arma::dot(ex.reconstruct(), ew.reconstruct());
      CHECK(ex.dot(ew) == doctest::Approx(expected).epsilon(1e-12).scale(1e-12));
    }
    const BinaryExpansion t = least_squares_binary(x, {}, BinaryMethod::lsT, 0);
    const BinaryExpansion l2 = least_squares_binary(w, {}, BinaryMethod::ls2, 0);
    CHECK(
        t.dot(l2) ==
        doctest::Approx(arma::dot(t.reconstruct(), l2.reconstruct())).epsilon(1e-12).scale(1e-12));
  }
}
