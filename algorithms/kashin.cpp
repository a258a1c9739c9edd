#include "algorithms/kashin.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "algorithms/kashin_decomposition.hpp"
#include "algorithms/kmeans2d.hpp"

namespace quantlab {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One factor quantized with at most as many levels as it has distinct values.
Quantized quantize_factor(const Quantizer& quantizer, const arma::vec& values, std::size_t levels,
                          Generator& generator) {
  const std::size_t distinct = arma::vec(arma::unique(values)).n_elem;
  return quantizer.quantize(values, arma::vec(), std::min(levels, distinct), generator);
}

}  // namespace

std::pair<std::size_t, std::size_t> factor_levels(std::size_t K) {
  // The most codewords K_u·K_v ≤ K with K_v ≤ K_u, the two as close as possible: for K = 2^b,
  // ⌈b/2⌉ and ⌊b/2⌋ bits.
  std::size_t best_u = K, best_v = 1;
  for (std::size_t v = 1; v * v <= K; ++v)
    if ((K / v) * v >= best_u * best_v) best_u = K / v, best_v = v;
  return {best_u, best_v};
}

KashinQuantizer::KashinQuantizer(TransformKind transform, KashinForm form,
                                 std::shared_ptr<const Quantizer> factor_quantizer, double tol,
                                 std::size_t max_iter, bool fail_on_nonconvergence,
                                 std::size_t n_init)
    : transform_(transform),
      form_(form),
      factor_quantizer_(std::move(factor_quantizer)),
      tol_(tol),
      max_iter_(max_iter),
      fail_on_nonconvergence_(fail_on_nonconvergence),
      n_init_(n_init) {}

Quantized KashinQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                           std::size_t levels, Generator& generator) const {
  return quantize_matrix(x, x.n_elem, 1, weights, levels, generator);
}

Quantized KashinQuantizer::quantize_matrix_values(const arma::vec& x, std::size_t rows,
                                                  std::size_t cols, const arma::vec& weights,
                                                  std::size_t levels, Generator& generator) const {
  if (!weights.is_empty()) throw std::invalid_argument("kashin does not take importance weights");
  // Row-major rows × cols: read as its column-major transpose, then transpose.
  const arma::mat X = arma::mat(const_cast<double*>(x.memptr()), cols, rows, false, true).t();
  const double norm = arma::norm(X, "fro");

  // Q from the run's seed: one 64-bit seed regenerates it.
  const std::uint64_t seed = generator.next();
  Generator q_generator(seed);
  const bool columns = form_ == KashinForm::columns;
  const auto q1 = make_transform(transform_, rows, q_generator);
  const auto q2 = columns ? make_transform(TransformKind::identity, 1, q_generator)
                          : make_transform(transform_, cols, q_generator);

  const auto decomposition_start = Clock::now();
  const arma::mat unit = norm > 0 ? arma::mat(X / norm) : X;
  KashinDecomposition d = columns ? kashin_decompose_columns(unit, *q1, tol_, max_iter_)
                                  : kashin_decompose(unit, *q1, *q2, tol_, max_iter_);
  const double decomposition_s = seconds_since(decomposition_start);
  if (!d.converged && fail_on_nonconvergence_)
    throw std::runtime_error("the Kashin decomposition did not converge in " +
                             std::to_string(max_iter_) + " steps (residual " +
                             std::to_string(d.residuals.back()) + ")");

  const auto quantization_start = Clock::now();
  const std::size_t n = X.n_elem;
  Quantized q;
  arma::mat uq(arma::size(X)), vq(arma::size(X));
  if (!factor_quantizer_) {
    arma::mat points(2, n);
    points.row(0) = arma::vectorise(d.u).t();
    points.row(1) = arma::vectorise(d.v).t();
    // Pairs may coincide (fewer distinct pairs than K): some codewords then stay unused.
    const KMeans2d k = kmeans_2d(points, levels, generator, 300, n_init_);
    for (std::size_t i = 0; i < n; ++i)
      uq[i] = k.centroids(0, k.labels[i]), vq[i] = k.centroids(1, k.labels[i]);
    q.indices = k.labels;
    q.codewords = k.centroids.n_cols;
    q.codebook = arma::join_cols(k.centroids.row(0).t(), k.centroids.row(1).t());
    q.scalars["kmeans_iterations"] = static_cast<double>(k.iterations);
  } else {
    const auto [ku, kv] = factor_levels(levels);
    const Quantized a = quantize_factor(*factor_quantizer_, arma::vectorise(d.u), ku, generator);
    const Quantized b = quantize_factor(*factor_quantizer_, arma::vectorise(d.v), kv, generator);
    uq = arma::reshape(a.reconstruction, arma::size(X));
    vq = arma::reshape(b.reconstruction, arma::size(X));
    q.indices = a.indices * b.codebook.n_elem + b.indices;
    q.codewords = a.codebook.n_elem * b.codebook.n_elem;
    q.codebook = arma::join_cols(a.codebook, b.codebook);
  }
  // X̂ = ‖X‖ (U_q + Qᵀ V̂_q)
  arma::mat reconstruction = vq;
  if (columns)
    q1->apply_transpose(reconstruction);
  else
    apply_kronecker(*q1, *q2, reconstruction, true);
  reconstruction = norm * (uq + reconstruction);
  const double quantization_s = seconds_since(quantization_start);

  q.reconstruction = arma::vectorise(arma::mat(reconstruction.t()));  // back to row-major
  q.codebook *= norm;  // what is stored: the levels at the tensor's scale
  q.side_bits = 32 + 64;
  q.iterations = d.iterations;
  q.converged = d.converged;
  q.scalars["decomposition_s"] = decomposition_s;
  q.scalars["quantization_s"] = quantization_s;
  q.scalars["residual"] = d.residuals.back();
  q.scalars["u_steps"] = static_cast<double>(d.u_steps);
  q.scalars["v_steps"] = static_cast<double>(d.v_steps);
  q.scalars["nonconverged"] = d.converged ? 0 : 1;
  q.diagnostics["residuals"] = arma::vec(d.residuals);
  q.histograms["u"] = arma::vectorise(d.u) * norm;
  q.histograms["v"] = arma::vectorise(d.v) * norm;
  return q;
}

}  // namespace quantlab
