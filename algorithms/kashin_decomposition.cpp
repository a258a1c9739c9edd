#include "algorithms/kashin_decomposition.hpp"

#include <cmath>

namespace quantlab {
namespace {

// π = (⟨r, s⟩/‖s‖²) s with s = sign(r): the projection of r on its own sign pattern.
arma::mat sign_projection(const arma::mat& r) {
  const arma::mat s = arma::sign(r);
  const double nonzero = arma::accu(arma::abs(s));
  return nonzero > 0 ? arma::mat(s * (arma::accu(arma::abs(r)) / nonzero))
                     : arma::mat(arma::size(r), arma::fill::zeros);
}

}  // namespace

KashinDecomposition kashin_decompose(const arma::mat& x, const OrthogonalTransform& q1,
                                     const OrthogonalTransform& q2, double tol,
                                     std::size_t max_iter) {
  KashinDecomposition d;
  d.u.zeros(arma::size(x));
  d.v.zeros(arma::size(x));
  const double norm = arma::norm(x, "fro");
  arma::mat r = x, qr = x;
  apply_kronecker(q1, q2, qr, false);
  d.residuals.push_back(norm > 0 ? 1.0 : 0.0);
  d.converged = norm == 0 || 1.0 <= tol;
  while (!d.converged && d.iterations < max_iter) {
    // Keep Qr current with one transform a step: a v̂ step changes Qr by exactly −π.
    if (arma::accu(arma::abs(r)) > arma::accu(arma::abs(qr))) {
      const arma::mat pi = sign_projection(r);
      d.u += pi;
      r -= pi;
      arma::mat q_pi = pi;
      apply_kronecker(q1, q2, q_pi, false);
      qr -= q_pi;
      ++d.u_steps;
    } else {
      const arma::mat pi = sign_projection(qr);
      d.v += pi;
      qr -= pi;
      arma::mat qt_pi = pi;
      apply_kronecker(q1, q2, qt_pi, true);
      r -= qt_pi;
      ++d.v_steps;
    }
    ++d.iterations;
    d.residuals.push_back(arma::norm(r, "fro") / norm);
    d.converged = d.residuals.back() <= tol;
  }
  return d;
}

KashinDecomposition kashin_decompose_columns(const arma::mat& x, const OrthogonalTransform& q,
                                             double tol, std::size_t max_iter) {
  KashinDecomposition d;
  d.u.zeros(arma::size(x));
  d.v.zeros(arma::size(x));
  const double total = arma::norm(x, "fro");
  const arma::rowvec norms = arma::sqrt(arma::sum(arma::square(x), 0));
  arma::mat r = x;
  d.residuals.push_back(total > 0 ? 1.0 : 0.0);
  auto active = [&] {
    arma::uvec columns(x.n_cols);
    std::size_t count = 0;
    for (std::size_t c = 0; c < x.n_cols; ++c)
      if (arma::norm(r.col(c)) > tol * norms[c]) columns[count++] = c;
    return arma::uvec(columns.head(count));
  };
  arma::uvec columns = active();
  while (!columns.is_empty() && d.iterations < max_iter) {
    const bool u_step = d.iterations % 4 < 2;  // u, u, v̂, v̂, u, u, ...
    arma::mat part = r.cols(columns);
    if (!u_step) q.apply(part);
    arma::mat pi(arma::size(part));
    for (std::size_t c = 0; c < part.n_cols; ++c) pi.col(c) = sign_projection(part.col(c));
    if (u_step) {
      d.u.cols(columns) += pi;
      r.cols(columns) -= pi;
      ++d.u_steps;
    } else {
      d.v.cols(columns) += pi;
      q.apply_transpose(pi);
      r.cols(columns) -= pi;
      ++d.v_steps;
    }
    ++d.iterations;
    d.residuals.push_back(total > 0 ? arma::norm(r, "fro") / total : 0.0);
    columns = active();
  }
  d.converged = columns.is_empty();
  return d;
}

}  // namespace quantlab
