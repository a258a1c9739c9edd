#include "algorithms/orthogonal_transform.hpp"

#include <cmath>
#include <mutex>
#include <stdexcept>

namespace quantlab {
namespace {

class IdentityTransform : public OrthogonalTransform {
 public:
  explicit IdentityTransform(std::size_t n) : n_(n) {}
  std::size_t size() const override { return n_; }
  void apply(arma::mat&) const override {}
  void apply_transpose(arma::mat&) const override {}

 private:
  std::size_t n_;
};

class RandomTransform : public OrthogonalTransform {
 public:
  static constexpr std::size_t max_random_size = 8192;  // 512 MiB of doubles
  RandomTransform(std::size_t n, Generator& g) {
    if (n > max_random_size)
      throw std::invalid_argument(
          "transform random stores an n × n matrix: n = " + std::to_string(n) + " is above " +
          std::to_string(max_random_size) + " (use dct or hadamard)");
    q_.set_size(n, n);
    arma::mat gaussian(n, n);
    for (double& v : gaussian) v = g.normal();  // column-major order: fixed for a seed
    arma::mat r;
    if (!arma::qr(q_, r, gaussian)) throw std::runtime_error("QR decomposition failed");
    // Q·diag(sign(R_ii)) is Haar-distributed; Q alone is not (Mezzadri 2007).
    for (std::size_t j = 0; j < n; ++j)
      if (r(j, j) < 0) q_.col(j) *= -1;
  }
  std::size_t size() const override { return q_.n_rows; }
  void apply(arma::mat& x) const override { x = q_ * x; }
  void apply_transpose(arma::mat& x) const override { x = q_.t() * x; }

 private:
  arma::mat q_;
};

// FFTW's planner is not thread-safe; plans are made under one lock (execution is).
std::mutex& fftw_planner_mutex() {
  static std::mutex m;
  return m;
}

class DctTransform : public OrthogonalTransform {
 public:
  explicit DctTransform(std::size_t n) : n_(n), buffer_(n) {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    // FFTW_ESTIMATE: the plan depends on n alone, never on timings, so results are reproducible;
    // FFTW_UNALIGNED: it runs on any column of any matrix.
    const int size = static_cast<int>(n);
    forward_ = fftw_plan_r2r_1d(size, buffer_.memptr(), buffer_.memptr(), FFTW_REDFT10,
                                FFTW_ESTIMATE | FFTW_UNALIGNED);
    inverse_ = fftw_plan_r2r_1d(size, buffer_.memptr(), buffer_.memptr(), FFTW_REDFT01,
                                FFTW_ESTIMATE | FFTW_UNALIGNED);
  }
  ~DctTransform() override {
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftw_destroy_plan(forward_);
    fftw_destroy_plan(inverse_);
  }
  std::size_t size() const override { return n_; }

  // REDFT10: y_k = 2 Σ x_j cos(π k (2j + 1) / 2n). Orthonormal DCT-II: scale y_0 by 1/√(4n)
  // and the others by 1/√(2n).
  void apply(arma::mat& x) const override {
    const double s0 = 1 / std::sqrt(4.0 * n_), s = 1 / std::sqrt(2.0 * n_);
    for (std::size_t c = 0; c < x.n_cols; ++c) {
      double* column = x.colptr(c);
      fftw_execute_r2r(forward_, column, column);
      column[0] *= s0;
      for (std::size_t k = 1; k < n_; ++k) column[k] *= s;
    }
  }
  // The inverse (DCT-III): undo the scaling into REDFT01's input, y_j = x_0 + 2 Σ_k x_k cos(…).
  void apply_transpose(arma::mat& x) const override {
    const double s0 = 1 / std::sqrt(static_cast<double>(n_)), s = 1 / std::sqrt(2.0 * n_);
    for (std::size_t c = 0; c < x.n_cols; ++c) {
      double* column = x.colptr(c);
      column[0] *= s0;
      for (std::size_t k = 1; k < n_; ++k) column[k] *= s;
      fftw_execute_r2r(inverse_, column, column);
    }
  }

 private:
  std::size_t n_;
  arma::vec buffer_;  // the plans are made on it, then run on each column
  fftw_plan forward_, inverse_;
};

class HadamardTransform : public OrthogonalTransform {
 public:
  HadamardTransform(std::size_t n, Generator& g) : signs_(n) {
    if (n == 0 || (n & (n - 1)) != 0)
      throw std::invalid_argument("transform hadamard needs a power-of-two size, not " +
                                  std::to_string(n));
    for (double& s : signs_) s = g.uniform() < 0.5 ? -1.0 : 1.0;
  }
  std::size_t size() const override { return signs_.n_elem; }
  void apply(arma::mat& x) const override {
    x.each_col() %= signs_;
    walsh_hadamard(x);
  }
  void apply_transpose(arma::mat& x) const override {
    walsh_hadamard(x);
    x.each_col() %= signs_;
  }

 private:
  // In-place fast Walsh–Hadamard transform of every column, scaled by 1/√n: H/√n is
  // symmetric and orthogonal.
  void walsh_hadamard(arma::mat& x) const {
    const std::size_t n = signs_.n_elem;
    for (std::size_t c = 0; c < x.n_cols; ++c) {
      double* v = x.colptr(c);
      for (std::size_t half = 1; half < n; half *= 2)
        for (std::size_t block = 0; block < n; block += 2 * half)
          for (std::size_t i = block; i < block + half; ++i) {
            const double a = v[i], b = v[i + half];
            v[i] = a + b;
            v[i + half] = a - b;
          }
    }
    x *= 1 / std::sqrt(static_cast<double>(n));
  }
  arma::vec signs_;
};

}  // namespace

arma::mat OrthogonalTransform::matrix() const {
  arma::mat m(size(), size(), arma::fill::eye);
  apply(m);
  return m;
}

std::unique_ptr<OrthogonalTransform> make_transform(TransformKind kind, std::size_t n,
                                                    Generator& generator) {
  switch (kind) {
    case TransformKind::identity:
      return std::make_unique<IdentityTransform>(n);
    case TransformKind::random:
      return std::make_unique<RandomTransform>(n, generator);
    case TransformKind::dct:
      return std::make_unique<DctTransform>(n);
    case TransformKind::hadamard:
      return std::make_unique<HadamardTransform>(n, generator);
  }
  throw std::logic_error("unknown transform kind");
}

void apply_kronecker(const OrthogonalTransform& q1, const OrthogonalTransform& q2, arma::mat& x,
                     bool transpose) {
  // Q1 X Q2ᵀ = (Q2 (Q1 X)ᵀ)ᵀ: Q1 on the columns, then Q2 on the columns of the transpose.
  if (transpose)
    q1.apply_transpose(x);
  else
    q1.apply(x);
  if (q2.size() == 1) return;
  arma::mat t = x.t();
  if (transpose)
    q2.apply_transpose(t);
  else
    q2.apply(t);
  x = t.t();
}

}  // namespace quantlab
