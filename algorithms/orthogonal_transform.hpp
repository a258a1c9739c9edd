#pragma once
// Orthogonal transforms Q of R^n for Kashin's decomposition (paper 3,
// ../shared/papers/03-kashin.md), each applied to every column of a matrix:
//   random   — Haar-distributed: the Q factor of a Gaussian matrix's QR decomposition with its
//              columns' signs corrected by the diagonal of R (from the run's seed), dense, O(n²);
//   dct      — the orthonormal DCT-II (FFTW's REDFT10, inverse REDFT01), O(n log n), no storage;
//   hadamard — random signs then the fast Walsh–Hadamard transform / √n (n a power of two),
//              O(n log n);
//   identity — n = 1 (the second factor of a vector's Kronecker form).
#include <fftw3.h>

#include <armadillo>
#include <memory>

#include "algorithms/generator.hpp"
#include "algorithms/parameters.hpp"

namespace quantlab {

enum class TransformKind { random, dct, hadamard, identity };

/// The transforms a user names (identity is internal: a vector's second Kronecker factor).
inline constexpr OptionName<TransformKind> transform_kinds[] = {
    {TransformKind::dct, "dct"},
    {TransformKind::random, "random"},
    {TransformKind::hadamard, "hadamard"}};

class OrthogonalTransform {
 public:
  virtual ~OrthogonalTransform() = default;
  virtual std::size_t size() const = 0;
  /// Q x for every column x of `columns` (size() rows), in place.
  virtual void apply(arma::mat& columns) const = 0;
  /// Qᵀ y for every column, in place.
  virtual void apply_transpose(arma::mat& columns) const = 0;
  /// The explicit n × n matrix (tests, small n).
  arma::mat matrix() const;
};

/// Throws std::invalid_argument with a one-line message for a size hadamard cannot take.
/// `random` and `hadamard` draw from `generator`.
std::unique_ptr<OrthogonalTransform> make_transform(TransformKind kind, std::size_t n,
                                                    Generator& generator);

/// Q X for the Kronecker form Q = Q2 ⊗ Q1 on vec(X): Q1 X Q2ᵀ (Q1 on the columns, Q2 on
/// the rows). transpose: Q1ᵀ X Q2.
void apply_kronecker(const OrthogonalTransform& q1, const OrthogonalTransform& q2, arma::mat& x,
                     bool transpose);

}  // namespace quantlab
