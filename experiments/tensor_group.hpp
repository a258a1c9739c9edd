#pragma once
// The values of a tensor quantized with one codebook, by their flat indices: a contiguous
// range (the whole tensor, a row of a C-order matrix, a network's layer), read in place, or
// any list of indices (a column, the kept values of a pruned tensor), gathered.
#include <armadillo>
#include <cstddef>

namespace quantlab {

class TensorGroup {
 public:
  TensorGroup() = default;
  /// The indices [first, first + size).
  static TensorGroup range(std::size_t first, std::size_t size);
  /// Any indices, in the order the group's values take.
  explicit TensorGroup(arma::uvec indices);

  std::size_t size() const { return size_; }
  bool is_range() const { return is_range_; }
  /// The flat index of the group's i-th value.
  arma::uword operator[](std::size_t i) const {
    return is_range_ ? static_cast<arma::uword>(first_ + i) : indices_[i];
  }
  /// Whether the group is the whole of a tensor of n values, in order.
  bool is_whole(std::size_t n) const { return is_range_ && first_ == 0 && size_ == n; }

  /// The group's values: for a range a view of `values`'s memory (valid while it is),
  /// otherwise a copy. Const: the view must not be written through.
  const arma::vec values_of(const arma::vec& values) const;
  /// Writes the group's values, `part`, into `values` at the group's indices.
  void assign(arma::vec& values, const arma::vec& part) const;
  /// The flat indices, as a list.
  arma::uvec indices() const;

 private:
  bool is_range_ = true;
  std::size_t first_ = 0, size_ = 0;
  arma::uvec indices_;  // when not a range
};

}  // namespace quantlab
