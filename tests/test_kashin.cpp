// Kashin's decomposition and its orthogonal transforms (paper 3): orthogonality, the fast
// transforms against their explicit matrices, the greedy step's exact decrease, the matrix
// form against the vector form with Q = Q2 ⊗ Q1, and the flatness of the factors.
#include <doctest/doctest.h>

#include <cmath>

#include "algorithms/generator.hpp"
#include "algorithms/kashin_decomposition.hpp"
#include "algorithms/orthogonal_transform.hpp"

using namespace quantlab;

namespace {

arma::mat gaussian(std::size_t rows, std::size_t cols, Generator& g) {
  arma::mat x(rows, cols);
  for (double& v : x) v = g.normal();
  return x;
}

// The orthonormal DCT-II matrix, from its definition.
arma::mat dct_matrix(std::size_t n) {
  arma::mat d(n, n);
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t j = 0; j < n; ++j)
      d(k, j) = std::sqrt((k == 0 ? 1.0 : 2.0) / n) * std::cos(M_PI * k * (2 * j + 1) / (2.0 * n));
  return d;
}

// The Sylvester–Hadamard matrix H_n (entries ±1): H_{2n} = [H H; H −H].
arma::mat hadamard_matrix(std::size_t n) {
  arma::mat h(1, 1, arma::fill::ones);
  while (h.n_rows < n) h = arma::join_cols(arma::join_rows(h, h), arma::join_rows(h, -h));
  return h;
}

}  // namespace

TEST_CASE("every transform is orthogonal to rounding and its transpose inverts it") {
  Generator g(1);
  for (const char* kind : {"random", "dct", "hadamard"})
    for (std::size_t n : {1, 2, 8, 64, 256}) {
      if (std::string(kind) != "hadamard" && n == 256) continue;  // covered at 64; keep it quick
      const auto q = make_transform(kind, n, g);
      const arma::mat m = q->matrix();
      CHECK_MESSAGE(arma::approx_equal(m.t() * m, arma::eye(n, n), "absdiff", 1e-12), kind << " " << n);
      arma::mat x = gaussian(n, 3, g), y = x;
      q->apply(y);
      q->apply_transpose(y);
      CHECK(arma::approx_equal(y, x, "absdiff", 1e-12));
    }
  for (std::size_t n : {3, 5, 7, 100}) {  // DCT of any size, including odd ones
    const auto q = make_transform("dct", n, g);
    CHECK(arma::approx_equal(q->matrix(), dct_matrix(n), "absdiff", 1e-12));
  }
  CHECK_THROWS_WITH(make_transform("hadamard", 12, g), doctest::Contains("power-of-two"));
  CHECK_THROWS_WITH(make_transform("fourier", 4, g), doctest::Contains("unknown transform"));
}

TEST_CASE("the fast Walsh–Hadamard transform equals H·diag(signs)/√n; random is Haar-corrected and seeded") {
  Generator g(2);
  for (std::size_t n : {2, 4, 16, 32}) {
    Generator a(7), b(7);
    const auto q = make_transform("hadamard", n, a);
    arma::vec signs(n);
    for (double& s : signs) s = b.uniform() < 0.5 ? -1.0 : 1.0;  // the transform's own draws
    const arma::mat expected = hadamard_matrix(n) * arma::diagmat(signs) / std::sqrt(double(n));
    CHECK(arma::approx_equal(q->matrix(), expected, "absdiff", 1e-12));
  }
  Generator a(5), b(5), c(6);
  const arma::mat qa = make_transform("random", 16, a)->matrix();
  CHECK(arma::approx_equal(qa, make_transform("random", 16, b)->matrix(), "absdiff", 0));
  CHECK(!arma::approx_equal(qa, make_transform("random", 16, c)->matrix(), "absdiff", 1e-3));
  // Sign correction: Q = G R⁻¹ with R's diagonal positive, so Qᵀ G is upper triangular with a
  // positive diagonal.
  Generator d(5);
  arma::mat gaussian_matrix(16, 16);
  for (double& v : gaussian_matrix) v = d.normal();
  const arma::mat r = qa.t() * gaussian_matrix;
  CHECK(arma::approx_equal(arma::trimatu(r), r, "absdiff", 1e-10));
  CHECK(r.diag().min() > 0);
}

TEST_CASE("the decomposition reconstructs x; each step removes ⟨r, s⟩²/‖s‖² from ‖r‖²") {
  Generator g(3);
  for (const char* kind : {"random", "dct", "hadamard"}) {
    const std::size_t N = 256;
    const arma::mat x = gaussian(N, 1, g);
    const auto q = make_transform(kind, N, g);
    const auto one = make_transform("identity", 1, g);
    const KashinDecomposition d = kashin_decompose(x, *q, *one, 1e-8, 500);
    CHECK(d.converged);
    arma::mat v = d.v;
    q->apply_transpose(v);
    const double norm = arma::norm(x, "fro");
    CHECK(arma::norm(x - d.u - v, "fro") <= 1e-8 * norm * (1 + 1e-9));
    CHECK(d.residuals.size() == d.iterations + 1);
    for (std::size_t i = 1; i < d.residuals.size(); ++i) CHECK(d.residuals[i] <= d.residuals[i - 1]);
    // Replay the steps: the decrease of ‖r‖² is max(‖r‖₁, ‖Qr‖₁)²/N (no zero entries here).
    arma::mat r = x;
    for (std::size_t i = 0; i < 5; ++i) {
      arma::mat qr = r;
      q->apply(qr);
      const double l1 = std::max(arma::accu(arma::abs(r)), arma::accu(arma::abs(qr)));
      const double before = arma::accu(arma::square(r)), after_expected = before - l1 * l1 / N;
      CHECK(std::pow(d.residuals[i + 1] * norm, 2) == doctest::Approx(after_expected).epsilon(1e-9));
      // the step itself, to continue the replay
      if (arma::accu(arma::abs(r)) > arma::accu(arma::abs(qr))) r -= arma::sign(r) * (arma::accu(arma::abs(r)) / N);
      else {
        arma::mat step = arma::sign(qr) * (arma::accu(arma::abs(qr)) / N);
        q->apply_transpose(step);
        r -= step;
      }
    }
  }
}

TEST_CASE("the factors are flat: ‖u‖∞ and ‖v‖∞ are O(‖x‖/√N) on random inputs") {
  // Kashin: for a random Q the factors of a level-K representation satisfy ‖·‖∞ ≤ C ‖x‖/√N
  // with C a constant of the ratio of dimensions (here 2N/N = 2). The greedy algorithm's
  // factors stay within C = 4 on Gaussian x, while ‖x‖∞ itself is about √(2 ln N) ‖x‖/√N
  // (≈ 4.4 at N = 16384, and growing with N).
  Generator g(4);
  for (const char* kind : {"random", "dct", "hadamard"})
    for (std::size_t N : {256, 4096}) {
      if (std::string(kind) == "random" && N == 4096) continue;  // dense 4096² QR: slow in debug
      const arma::mat x = gaussian(N, 1, g);
      const auto q = make_transform(kind, N, g);
      const auto one = make_transform("identity", 1, g);
      const KashinDecomposition d = kashin_decompose(x, *q, *one, 1e-6, 1000);
      REQUIRE(d.converged);
      const double flat = arma::norm(x, "fro") / std::sqrt(double(N));
      CHECK_MESSAGE(arma::abs(d.u).max() <= 4 * flat, kind << " N = " << N);
      CHECK_MESSAGE(arma::abs(d.v).max() <= 4 * flat, kind << " N = " << N);
    }
}

TEST_CASE("the matrix form equals the vector form with Q = Q2 ⊗ Q1") {
  Generator g(5);
  for (const char* kind : {"random", "dct", "hadamard"}) {
    const std::size_t m = 8, n = 4;
    const arma::mat x = gaussian(m, n, g);
    const auto q1 = make_transform(kind, m, g);
    const auto q2 = make_transform(kind, n, g);
    arma::mat y = x;
    apply_kronecker(*q1, *q2, y, false);
    const arma::mat kron = arma::kron(q2->matrix(), q1->matrix());
    CHECK(arma::approx_equal(arma::vectorise(y), kron * arma::vectorise(x), "absdiff", 1e-12));
    apply_kronecker(*q1, *q2, y, true);
    CHECK(arma::approx_equal(y, x, "absdiff", 1e-12));

    // The whole decomposition: matrix form = vector form with the explicit Kronecker Q.
    class Explicit : public OrthogonalTransform {
     public:
      explicit Explicit(arma::mat q) : q_(std::move(q)) {}
      std::size_t size() const override { return q_.n_rows; }
      void apply(arma::mat& v) const override { v = q_ * v; }
      void apply_transpose(arma::mat& v) const override { v = q_.t() * v; }
     private:
      arma::mat q_;
    };
    const KashinDecomposition matrix_form = kashin_decompose(x, *q1, *q2, 1e-10, 300);
    const Explicit q(kron);
    const auto one = make_transform("identity", 1, g);
    const KashinDecomposition vector_form = kashin_decompose(arma::vectorise(x), q, *one, 1e-10, 300);
    CHECK(matrix_form.iterations == vector_form.iterations);
    CHECK(arma::approx_equal(arma::vectorise(matrix_form.u), vector_form.u, "absdiff", 1e-9));
    CHECK(arma::approx_equal(arma::vectorise(matrix_form.v), vector_form.v, "absdiff", 1e-9));
  }
}

TEST_CASE("the per-column form decomposes every column on its own, alternating u and v̂ steps") {
  Generator g(6);
  const arma::mat x = gaussian(64, 5, g);
  const auto q = make_transform("dct", 64, g);
  const KashinDecomposition d = kashin_decompose_columns(x, *q, 1e-8, 2000);
  REQUIRE(d.converged);
  arma::mat v = d.v;
  q->apply_transpose(v);
  for (std::size_t c = 0; c < x.n_cols; ++c)
    CHECK(arma::norm(x.col(c) - d.u.col(c) - v.col(c)) <= 1e-8 * arma::norm(x.col(c)) * (1 + 1e-9));
  CHECK(d.u_steps + d.v_steps == d.iterations);
  CHECK(d.u_steps >= d.v_steps);
  CHECK(d.u_steps - d.v_steps <= 2);
}
