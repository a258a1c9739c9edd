#pragma once
// Sparse least-squares quantization (paper 1, ../shared/papers/01-sparse-least-squares.md), on
// the sorted distinct values u_1 < ... < u_m with weights c_j (rows: weighted):
//   l1: min_z ½ Σ c_j (u_j − z_j)² + λ Σ_{j≥2} |z_j − z_{j−1}|   (weighted 1-D total variation)
//   l0: min_z ½ Σ c_j (u_j − z_j)² + λ #{j ≥ 2 : z_j ≠ z_{j−1}}
//
// l1, exactly in O(m): the solution of TV denoising of a non-decreasing sequence is
// non-decreasing, and for a non-decreasing z the penalty telescopes to λ (z_m − z_1). So z is
// the weighted isotonic regression of u with its first value raised by λ/c_1 and its last
// lowered by λ/c_m (completing the squares), solved by pool-adjacent-violators. Interior
// groups keep their means; the end groups move by λ/W.
// l0: the penalised programme of penalized_partition.hpp with penalty 2λ per new level.
#include <cstddef>
#include <vector>

#include "algorithms/quantizer.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

struct SparseSolution {
  std::vector<std::size_t> starts;  ///< group boundaries over the distinct values
  std::vector<double> levels;       ///< one level per group, non-decreasing
};

/// The exact l1 solution on sorted distinct values (weights c_j); `rows_unique` gives every
/// distinct value weight 1.
SparseSolution sparse_l1_solve(const SortedValues& sorted, double lambda, bool rows_unique);

/// The exact l1 + l2 solution (λ2 > 0) by a primal active-set method on the fused groups.
/// The solution is non-decreasing, so on fixed contiguous groups with levels v the objective is
///   ½ Σ_k W_k (v_k − ū_k)² + λ1 (v_K − v_1) + ½ λ2 Σ_k (v_{k+1} − v_k)²  (+ const),
/// minimised by one tridiagonal solve. Optimality (R_j = Σ_{i≤j} c_i (u_i − z_i)): every gap
/// between groups is positive (then R = −λ1 − λ2·gap there, by the level equations) and
/// |R_j| ≤ λ1 inside every group. Each round merges the groups whose gap is not positive, or
/// else splits every group at its most violated boundary; it stops when both conditions hold
/// (*converged = true: the solution is exact) or after `max_rounds`. O(m) a round.
SparseSolution sparse_l1l2_solve(const SortedValues& sorted, double lambda1, double lambda2,
                                 bool rows_unique, std::size_t max_rounds, bool* converged,
                                 std::size_t* rounds = nullptr);

/// λ_max: the least λ at which every value fuses into one level.
double sparse_l1_lambda_max(const SortedValues& sorted, bool rows_unique);

class SparseLeastSquaresQuantizer : public Quantizer {
 public:
  /// cluster: the clustering method of the paper — the groups of the l1 solution that reaches
  /// K, then k-means (least-squares refits and nearest-level reassignment) until nothing
  /// changes: deterministic, no seed.
  enum class Penalty { l1, l1l2, l0, cluster };
  /// `lambda` > 0 fixes λ; otherwise λ is searched for `levels` (the target K): the largest
  /// achievable K not above it is kept, and the number of solves recorded. `dense` solves l1
  /// and l1 + l2 by coordinate descent on the explicit design (the reference and timing
  /// baseline); otherwise l1 is exact and l1 + l2 the active-set method.
  SparseLeastSquaresQuantizer(Penalty penalty, double lambda, bool rows_unique, bool refit,
                              double lambda2 = 0, bool dense = false, double tol = 1e-12,
                              std::size_t max_sweeps = 10000)
      : penalty_(penalty),
        lambda_(lambda),
        rows_unique_(rows_unique),
        refit_(refit),
        lambda2_(lambda2),
        dense_(dense),
        tol_(tol),
        max_sweeps_(max_sweeps) {}

 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                            Generator& generator) const override;

  /// One solve at λ; *capped is set when the solver stopped at its cap (max_sweeps, rounds);
  /// its sweeps or rounds are added to *iterations.
  SparseSolution solve(const SortedValues& sorted, const PrefixSums& sums, double lambda,
                       bool* capped, std::size_t* iterations) const;
  Penalty penalty_;
  double lambda_;
  bool rows_unique_, refit_;
  double lambda2_;
  bool dense_;
  double tol_;
  std::size_t max_sweeps_;
};

}  // namespace quantlab

namespace quantlab {

/// Coordinate descent on β (z = Aβ, A the m × m lower-triangular matrix of ones) for
///   ½ Σ c_j (u_j − z_j)² + λ1 Σ_{j≥2} |β_j| + ½ λ2 Σ_{j≥2} β_j²,
/// sweeping j = 1..m until no β_j moves by more than `tol` (relative to the data's spread) or
/// `max_sweeps`. `dense` forms A explicitly and computes each coordinate's correlation with
/// the residual from its column, O(m²) a sweep, as a generic lasso package does; otherwise
/// suffix sums make a sweep O(m). Returns the solution and, in *sweeps, the sweeps taken.
SparseSolution sparse_coordinate_descent(const SortedValues& sorted, double lambda1, double lambda2,
                                         bool rows_unique, bool dense, double tol,
                                         std::size_t max_sweeps, std::size_t* sweeps = nullptr);

}  // namespace quantlab
