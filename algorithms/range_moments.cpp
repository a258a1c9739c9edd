#include "algorithms/range_moments.hpp"

namespace quantlab {

RangeMoments::RangeMoments(const SortedValues& sorted) : m_(sorted.size()), node_(2 * m_) {
  for (std::size_t j = 0; j < m_; ++j) node_[m_ + j] = {sorted.weights[j], sorted.values[j], 0};
  for (std::size_t k = m_; k-- > 1;) node_[k] = merged(node_[2 * k], node_[2 * k + 1]);
}

RangeMoments::Moments RangeMoments::merged(const Moments& a, const Moments& b) {
  if (!(a.weight > 0)) return b.weight > 0 ? b : Moments{a.weight + b.weight, a.mean, 0};
  if (!(b.weight > 0)) return a;
  const double weight = a.weight + b.weight;
  const double delta = b.mean - a.mean;
  const double share = b.weight / weight;
  return {weight, a.mean + delta * share, a.m2 + b.m2 + delta * (delta * share) * a.weight};
}

// The bottom-up walk of an iterative segment tree: the nodes that tile [i, j), merged in order.
RangeMoments::Moments RangeMoments::range(std::size_t i, std::size_t j) const {
  Moments left, right;
  for (std::size_t l = i + m_, r = j + m_; l < r; l /= 2, r /= 2) {
    if (l & 1) left = merged(left, node_[l++]);
    if (r & 1) right = merged(node_[--r], right);
  }
  return merged(left, right);
}

}  // namespace quantlab
