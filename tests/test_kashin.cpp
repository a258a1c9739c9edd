// Kashin's decomposition and its orthogonal transforms (paper 3): orthogonality, the fast
// transforms against their explicit matrices, the greedy step's exact decrease, the matrix
// form against the vector form with Q = Q2 ⊗ Q1, the flatness of the factors; 2-D k-means;
// the kashin quantizer against the pipeline recomputed by hand.
#include <doctest/doctest.h>

#include <cmath>

#include "algorithms/generator.hpp"
#include "algorithms/kashin.hpp"
#include "algorithms/kashin_decomposition.hpp"
#include "algorithms/kmeans2d.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/orthogonal_transform.hpp"
#include "algorithms/registry.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/network_target.hpp"
#include "experiments/run_stages.hpp"

using namespace quantlab;

namespace {

const TransformKind user_transforms[] = {TransformKind::random, TransformKind::dct,
                                         TransformKind::hadamard};

// The registered 1-D quantizer `name` with its default parameters, as kashin's factors option
// builds it.
std::shared_ptr<const Quantizer> registered(const char* name) {
  const AlgorithmInfo* info = find_algorithm(name);
  return info->make(Parameters(info->parameters, {}));
}

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
  for (const TransformKind kind : user_transforms)
    for (std::size_t n : {1, 2, 8, 64, 256}) {
      if (kind != TransformKind::hadamard && n == 256) continue;  // covered at 64; keep it quick
      const auto q = make_transform(kind, n, g);
      const arma::mat m = q->matrix();
      CHECK_MESSAGE(arma::approx_equal(m.t() * m, arma::eye(n, n), "absdiff", 1e-12),
                    option_name(kind, transform_kinds) << " " << n);
      arma::mat x = gaussian(n, 3, g), y = x;
      q->apply(y);
      q->apply_transpose(y);
      CHECK(arma::approx_equal(y, x, "absdiff", 1e-12));
    }
  for (std::size_t n : {3, 5, 7, 100}) {  // DCT of any size, including odd ones
    const auto q = make_transform(TransformKind::dct, n, g);
    CHECK(arma::approx_equal(q->matrix(), dct_matrix(n), "absdiff", 1e-12));
  }
  CHECK_THROWS_WITH(make_transform(TransformKind::hadamard, 12, g),
                    doctest::Contains("power-of-two"));
}

TEST_CASE(
    "the fast Walsh–Hadamard transform equals H·diag(signs)/√n; random is Haar-corrected and "
    "seeded") {
  Generator g(2);
  for (std::size_t n : {2, 4, 16, 32}) {
    Generator a(7), b(7);
    const auto q = make_transform(TransformKind::hadamard, n, a);
    arma::vec signs(n);
    for (double& s : signs) s = b.uniform() < 0.5 ? -1.0 : 1.0;  // the transform's own draws
    const arma::mat expected = hadamard_matrix(n) * arma::diagmat(signs) / std::sqrt(double(n));
    CHECK(arma::approx_equal(q->matrix(), expected, "absdiff", 1e-12));
  }
  Generator a(5), b(5), c(6);
  const arma::mat qa = make_transform(TransformKind::random, 16, a)->matrix();
  CHECK(
      arma::approx_equal(qa, make_transform(TransformKind::random, 16, b)->matrix(), "absdiff", 0));
  CHECK(!arma::approx_equal(qa, make_transform(TransformKind::random, 16, c)->matrix(), "absdiff",
                            1e-3));
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
  for (const TransformKind kind : user_transforms) {
    const std::size_t N = 256;
    const arma::mat x = gaussian(N, 1, g);
    const auto q = make_transform(kind, N, g);
    const auto one = make_transform(TransformKind::identity, 1, g);
    const KashinDecomposition d = kashin_decompose(x, *q, *one, 1e-8, 500);
    CHECK(d.converged);
    arma::mat v = d.v;
    q->apply_transpose(v);
    const double norm = arma::norm(x, "fro");
    CHECK(arma::norm(x - d.u - v, "fro") <= 1e-8 * norm * (1 + 1e-9));
    CHECK(d.residuals.size() == d.iterations + 1);
    for (std::size_t i = 1; i < d.residuals.size(); ++i)
      CHECK(d.residuals[i] <= d.residuals[i - 1]);
    // Replay the steps: the decrease of ‖r‖² is max(‖r‖₁, ‖Qr‖₁)²/N (no zero entries here).
    arma::mat r = x;
    for (std::size_t i = 0; i < 5; ++i) {
      arma::mat qr = r;
      q->apply(qr);
      const double l1 = std::max(arma::accu(arma::abs(r)), arma::accu(arma::abs(qr)));
      const double before = arma::accu(arma::square(r)), after_expected = before - l1 * l1 / N;
      CHECK(std::pow(d.residuals[i + 1] * norm, 2) ==
            doctest::Approx(after_expected).epsilon(1e-9));
      // the step itself, to continue the replay
      if (arma::accu(arma::abs(r)) > arma::accu(arma::abs(qr)))
        r -= arma::sign(r) * (arma::accu(arma::abs(r)) / N);
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
  for (const TransformKind kind : user_transforms)
    for (std::size_t N : {256, 4096}) {
      if (kind == TransformKind::random && N == 4096) continue;  // dense 4096² QR: slow in debug
      const arma::mat x = gaussian(N, 1, g);
      const auto q = make_transform(kind, N, g);
      const auto one = make_transform(TransformKind::identity, 1, g);
      const KashinDecomposition d = kashin_decompose(x, *q, *one, 1e-6, 1000);
      REQUIRE(d.converged);
      const double flat = arma::norm(x, "fro") / std::sqrt(double(N));
      CHECK_MESSAGE(arma::abs(d.u).max() <= 4 * flat, option_name(kind, transform_kinds)
                                                          << " N = " << N);
      CHECK_MESSAGE(arma::abs(d.v).max() <= 4 * flat, option_name(kind, transform_kinds)
                                                          << " N = " << N);
    }
}

TEST_CASE("the matrix form equals the vector form with Q = Q2 ⊗ Q1") {
  Generator g(5);
  for (const TransformKind kind : user_transforms) {
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
    const auto one = make_transform(TransformKind::identity, 1, g);
    const KashinDecomposition vector_form =
        kashin_decompose(arma::vectorise(x), q, *one, 1e-10, 300);
    CHECK(matrix_form.iterations == vector_form.iterations);
    CHECK(arma::approx_equal(arma::vectorise(matrix_form.u), vector_form.u, "absdiff", 1e-9));
    CHECK(arma::approx_equal(arma::vectorise(matrix_form.v), vector_form.v, "absdiff", 1e-9));
  }
}

TEST_CASE("the per-column form decomposes every column on its own, alternating u and v̂ steps") {
  Generator g(6);
  const arma::mat x = gaussian(64, 5, g);
  const auto q = make_transform(TransformKind::dct, 64, g);
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

TEST_CASE(
    "2-D k-means ends at a Lloyd fixed point: centroids are their points' means, points at their "
    "nearest centroid") {
  Generator g(8);
  arma::mat points(2, 3000);
  for (std::size_t i = 0; i < points.n_cols; ++i) {
    const double mode = g.uniform() < 0.5 ? -2 : 2;  // two blobs
    points(0, i) = mode + g.normal(), points(1, i) = g.laplace();
  }
  for (std::size_t K : {1, 2, 5, 16}) {
    Generator seeded(K);
    const KMeans2d k = kmeans_2d(points, K, seeded, 1000, 2);
    REQUIRE(k.converged);
    double sse = 0;
    for (std::size_t i = 0; i < points.n_cols; ++i) {
      double nearest = 1e300;
      for (std::size_t c = 0; c < K; ++c)
        nearest = std::min(nearest, arma::accu(arma::square(points.col(i) - k.centroids.col(c))));
      const double own = arma::accu(arma::square(points.col(i) - k.centroids.col(k.labels[i])));
      CHECK(own == doctest::Approx(nearest).epsilon(1e-12));
      sse += own;
    }
    CHECK(k.sse == doctest::Approx(sse).epsilon(1e-10));
    for (std::size_t c = 0; c < K; ++c) {
      const arma::uvec members = arma::find(k.labels == c);
      REQUIRE(!members.is_empty());
      CHECK(arma::approx_equal(k.centroids.col(c), arma::mat(arma::mean(points.cols(members), 1)),
                               "absdiff", 1e-12));
    }
  }
}

namespace {

// The row-major rows × cols matrix held by x.
arma::mat as_matrix(const arma::vec& x, std::size_t rows, std::size_t cols) {
  arma::mat m(rows, cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) m(r, c) = x[r * cols + c];
  return m;
}

}  // namespace

TEST_CASE("kashin with 1-D factor quantizers equals the pipeline recomputed step by step") {
  Generator data(9);
  const std::size_t rows = 32, cols = 16, K = 16;
  arma::vec x(rows * cols);
  for (double& v : x) v = data.student_t(4);
  for (const TransformKind kind : user_transforms) {
    Generator run(11);
    const Quantized q =
        KashinQuantizer(kind, KashinForm::matrix, registered("optimal"), 1e-6, 500, false, 1)
            .quantize_matrix(x, rows, cols, {}, K, run);
    // By hand: Q from the seed the run draws first, X / ‖X‖ decomposed, u and v quantized
    // with 4 levels each, X̂ = ‖X‖ (U_q + Qᵀ V_q).
    Generator replay(11);
    Generator q_generator(replay.next());
    const auto q1 = make_transform(kind, rows, q_generator);
    const auto q2 = make_transform(kind, cols, q_generator);
    const arma::mat X = as_matrix(x, rows, cols);
    const double norm = arma::norm(X, "fro");
    const KashinDecomposition d = kashin_decompose(X / norm, *q1, *q2, 1e-6, 500);
    Generator unused(0);
    const arma::vec uq =
        OptimalQuantizer(64).quantize(arma::vectorise(d.u), {}, 4, unused).reconstruction;
    arma::mat vq = arma::reshape(
        OptimalQuantizer(64).quantize(arma::vectorise(d.v), {}, 4, unused).reconstruction, rows,
        cols);
    apply_kronecker(*q1, *q2, vq, true);
    const arma::mat expected = norm * (arma::reshape(uq, rows, cols) + vq);
    CHECK(arma::approx_equal(as_matrix(q.reconstruction, rows, cols), expected, "absdiff", 1e-12));
    CHECK(q.converged);
    CHECK(q.codewords == 16);
    CHECK(q.codebook.n_elem == 8);  // 4 levels of u and 4 of v, at the tensor's scale
    CHECK(q.indices.max() < 16);
    CHECK(q.scalars.at("residual") <= 1e-6);
    CHECK(q.side_bits == 96);
  }
}

TEST_CASE(
    "kashin with 2-D k-means: seeded, K codewords, better with more of them, and non-convergence "
    "recorded or failed") {
  Generator data(10);
  const std::size_t rows = 64, cols = 32;
  arma::vec x(rows * cols);
  for (double& v : x) v = data.laplace();
  auto run = [&](std::size_t K, std::uint64_t seed, std::size_t max_iter = 200, bool fail = false) {
    Generator g(seed);
    return KashinQuantizer(TransformKind::random, KashinForm::matrix, nullptr, 1e-4, max_iter, fail,
                           1)
        .quantize_matrix(x, rows, cols, {}, K, g);
  };
  const Quantized a = run(16, 1), b = run(16, 1), c = run(16, 2);
  CHECK(arma::approx_equal(a.reconstruction, b.reconstruction, "absdiff", 0));
  CHECK(!arma::approx_equal(a.reconstruction, c.reconstruction, "absdiff", 1e-6));
  CHECK(a.codewords == 16);
  CHECK(a.codebook.n_elem == 32);
  double previous = 1e300;
  for (std::size_t K : {2, 8, 32, 256}) {
    const double error = arma::accu(arma::square(run(K, 3).reconstruction - x));
    CHECK(error < previous);
    previous = error;
  }
  CHECK(previous < 0.01 * arma::accu(arma::square(x)));
  const Quantized early = run(16, 1, 3);
  CHECK(!early.converged);
  CHECK(early.iterations == 3);
  CHECK(early.scalars.at("nonconverged") == 1);
  CHECK_THROWS_WITH(run(16, 1, 3, true), doctest::Contains("did not converge in 3 steps"));
}

TEST_CASE("a whole-tensor group reaches kashin as its matrix") {
  Generator data(12);
  Tensor t;
  t.name = "w";
  t.shape = {16, 8};
  t.values.set_size(128);
  for (double& v : t.values) v = data.normal();
  const KashinQuantizer kashin(TransformKind::dct, KashinForm::matrix, nullptr, 1e-6, 500, false,
                               1);
  Generator g1(4), g2(4);
  const auto whole = groups_of(t, Granularity{});
  const GroupedResult grouped =
      quantize_groups(kashin, find_algorithm("kashin")->outputs, t.values, {}, whole,
                      distinct_counts(t.values, whole), 8, g1, {matrix_of(t.shape)});
  const Quantized direct = kashin.quantize_matrix(t.values, 16, 8, {}, 8, g2);
  CHECK(arma::approx_equal(grouped.reconstruction, direct.reconstruction, "absdiff", 0));
  CHECK(grouped.side_bits == 96);
  CHECK(grouped.histograms.at("u").size() == 128);
}

TEST_CASE("a network's layers reach kashin as their matrices, unless pruning broke them") {
  // Two layers: a dense kernel [16, 8] and a convolution's HWIO kernel [2, 2, 2, 4] = [8, 4].
  Generator data(31);
  auto network = std::make_shared<NetworkTarget>();
  network->names = {"fc/kernel", "conv/kernel"};
  network->sizes = {128, 32};
  network->shapes = {{16, 8}, {2, 2, 2, 4}};
  PlannedTensor p;
  p.tensor.shape = {160};
  p.tensor.values.set_size(160);
  for (double& v : p.tensor.values) v = data.normal();
  p.network = network;
  const AlgorithmInfo& info = *find_algorithm("kashin");
  PlannedRun run;
  run.algorithm = "kashin";
  run.parameters = Parameters(
      info.parameters, {{"transform", std::string("dct")}, {"factors", std::string("optimal")}});
  run.levels = 4;
  run.seed = 7;

  const RunGroups g = run_groups(p, run);
  REQUIRE(g.matrices.size() == 2);
  CHECK(g.matrices[1].rows == 8);
  CHECK(g.matrices[1].cols == 4);
  const GroupedResult grouped = quantize_run(p, run, g, 1).result;
  // By hand: each layer its own row-major matrix, from its own generator seeded in layer order.
  const auto kashin = info.make(run.parameters);
  Generator seeds(7);
  const std::uint64_t first = seeds.next(), second = seeds.next();
  Generator a(first), b(second);
  const Quantized fc = kashin->quantize_matrix(p.tensor.values.head(128), 16, 8, {}, 4, a);
  const Quantized conv = kashin->quantize_matrix(p.tensor.values.tail(32), 8, 4, {}, 4, b);
  CHECK(arma::approx_equal(grouped.reconstruction,
                           arma::join_cols(fc.reconstruction, conv.reconstruction), "absdiff", 0));
  // As vectors they would differ: the form is what reached the quantizer.
  Generator c(first);
  const Quantized flat = kashin->quantize(p.tensor.values.head(128), {}, 4, c);
  CHECK(!arma::approx_equal(flat.reconstruction, fc.reconstruction, "absdiff", 1e-12));

  // A pruned first layer is a vector of its kept values; the second stays a matrix.
  p.tensor.values[3] = 0;
  p.tensor.attributes["pruned"] = "zeros";
  const RunGroups pruned = run_groups(p, run);
  REQUIRE(pruned.matrices.size() == 2);
  CHECK(pruned.groups[0].size() == 127);
  CHECK(pruned.matrices[0].rows == 0);
  CHECK(pruned.matrices[1].rows == 8);
}

TEST_CASE("the factors' levels: the most codewords up to K, split as evenly as possible") {
  CHECK(factor_levels(2) == std::pair<std::size_t, std::size_t>{2, 1});
  CHECK(factor_levels(4) == std::pair<std::size_t, std::size_t>{2, 2});
  CHECK(factor_levels(8) == std::pair<std::size_t, std::size_t>{4, 2});
  CHECK(factor_levels(64) == std::pair<std::size_t, std::size_t>{8, 8});
  CHECK(factor_levels(7) == std::pair<std::size_t, std::size_t>{7, 1});
  for (std::size_t K = 1; K <= 300; ++K) {  // brute force over all pairs
    std::size_t most = 0, gap = K;
    for (std::size_t u = 1; u <= K; ++u)
      for (std::size_t v = 1; v <= u && u * v <= K; ++v)
        if (u * v > most || (u * v == most && u - v < gap)) most = u * v, gap = u - v;
    const auto [u, v] = factor_levels(K);
    CHECK(u >= v);
    CHECK(u * v == most);
    CHECK(u - v == gap);
  }
}

TEST_CASE("every 1-D quantizer the registry offers for the factors gives a valid code") {
  Generator data(13);
  arma::vec x(16 * 8);
  for (double& v : x) v = data.normal();
  for (const char* factors : {"optimal", "kmeans", "uniform", "sparse_l1", "sparse_l1l2",
                              "sparse_cluster", "sparse_l0"}) {
    Generator g(1);
    const Quantized q = KashinQuantizer(TransformKind::dct, KashinForm::matrix, registered(factors),
                                        1e-6, 500, false, 1)
                            .quantize_matrix(x, 16, 8, {}, 16, g);
    CHECK_MESSAGE(q.codewords <= 16, factors);
    CHECK(q.indices.max() < q.codewords);
    CHECK(q.reconstruction.is_finite());
    CHECK(arma::accu(arma::square(q.reconstruction - x)) < arma::accu(arma::square(x)));
  }
}
