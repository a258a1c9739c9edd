#include "experiments/tensor_group.hpp"

#include <stdexcept>
#include <utility>

namespace quantlab {

TensorGroup TensorGroup::range(std::size_t first, std::size_t size) {
  TensorGroup g;
  g.first_ = first;
  g.size_ = size;
  return g;
}

TensorGroup::TensorGroup(arma::uvec indices)
    : is_range_(false), size_(indices.n_elem), indices_(std::move(indices)) {}

const arma::vec TensorGroup::values_of(const arma::vec& values) const {
  if (!is_range_) return values.elem(indices_);
  if (first_ + size_ > values.n_elem)
    throw std::logic_error("a group of values past the end of its tensor");
  if (size_ == 0) return arma::vec();
  return arma::vec(const_cast<double*>(values.memptr()) + first_, size_, /*copy_aux_mem=*/false,
                   /*strict=*/true);
}

void TensorGroup::assign(arma::vec& values, const arma::vec& part) const {
  if (part.n_elem != size_) throw std::logic_error("a group's values of the wrong size");
  if (!is_range_) {
    values.elem(indices_) = part;
  } else if (size_ > 0) {
    if (first_ + size_ > values.n_elem)
      throw std::logic_error("a group of values past the end of its tensor");
    values.subvec(first_, first_ + size_ - 1) = part;
  }
}

arma::uvec TensorGroup::indices() const {
  if (!is_range_) return indices_;
  arma::uvec out(size_);
  for (std::size_t i = 0; i < size_; ++i) out[i] = first_ + i;
  return out;
}

}  // namespace quantlab
