#pragma once
// Kashin's greedy decomposition (paper 3, ../shared/papers/03-kashin.md): x ≈ u + Qᵀ v̂ with
// both factors flat (‖·‖∞ = O(‖x‖/√N)). Each step projects the residual r on one ±1
// direction: on s = sign(r) (a u step) when ‖r‖₁ > ‖Qr‖₁, else on Qᵀ s with s = sign(Qr)
// (a v̂ step); the coefficient is ⟨r, s⟩/‖s‖² (= ‖r‖₁/N with no zero entry) and the step
// removes ⟨r, s⟩²/‖s‖² from ‖r‖². A matrix X uses the Kronecker form Q vec(X) =
// vec(Q1 X Q2ᵀ) (orthogonal_transform.hpp).
#include <armadillo>
#include <cstddef>
#include <vector>

#include "algorithms/orthogonal_transform.hpp"

namespace quantlab {

struct KashinDecomposition {
  arma::mat u, v;                 ///< x ≈ u + Qᵀ v, both of x's shape
  std::vector<double> residuals;  ///< ‖r‖₂ / ‖x‖₂ before the first step and after each
  std::size_t iterations = 0, u_steps = 0, v_steps = 0;
  bool converged = false;  ///< ‖r‖₂ ≤ tol ‖x‖₂ within max_iter steps
};

/// The matrix (Kronecker) form; a vector is an N × 1 matrix with q2 of size 1. Stops when
/// ‖r‖₂ ≤ tol ‖x‖₂ or after max_iter steps.
KashinDecomposition kashin_decompose(const arma::mat& x, const OrthogonalTransform& q1,
                                     const OrthogonalTransform& q2, double tol,
                                     std::size_t max_iter);

/// The follow-up's per-column form: every column of x on its own, with the same Q (size
/// x.n_rows) for all, alternating two u steps and two v̂ steps instead of the greedy choice;
/// a column stops when its residual is ≤ tol times its norm. `residuals` is over the whole
/// matrix; `iterations` counts steps of the slowest column.
KashinDecomposition kashin_decompose_columns(const arma::mat& x, const OrthogonalTransform& q,
                                             double tol, std::size_t max_iter);

}  // namespace quantlab
