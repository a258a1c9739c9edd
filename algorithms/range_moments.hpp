#pragma once
// The weight, mean and SSE of any range of the sorted distinct values, whatever the data's
// dynamic range: the mean to a few units in the last place of the range's largest value a
// merge, the SSE to a few parts in 10^15 beyond weight x (that last place)^2, where the
// values themselves stop telling SSEs apart. A segment tree whose nodes hold
// (weight, mean, M2) of their range, merged by Chan, Golub and LeVeque's pairwise update
// (every term of a merged M2 is non-negative, so nothing cancels). O(log m) a range, against
// PrefixSums' O(1), whose differences of running sums lose a group's digits when the sums
// are far larger than the group's own SSE (data spanning many binades).
#include <cstddef>
#include <vector>

#include "algorithms/sorted_values.hpp"

namespace quantlab {

class RangeMoments {
 public:
  explicit RangeMoments(const SortedValues& sorted);

  /// Ranges are half-open [i, j) of distinct values, 0 <= i < j <= m, as for PrefixSums.
  double weight(std::size_t i, std::size_t j) const { return range(i, j).weight; }
  double mean(std::size_t i, std::size_t j) const { return range(i, j).mean; }
  double sse(std::size_t i, std::size_t j) const { return range(i, j).m2; }
  std::size_t size() const { return m_; }

 private:
  struct Moments {
    double weight = 0, mean = 0, m2 = 0;
  };
  static Moments merged(const Moments& a, const Moments& b);
  Moments range(std::size_t i, std::size_t j) const;

  std::size_t m_;
  std::vector<Moments> node_;  // node_[m + j]: value j; node_[k]: node_[2k] merged with 2k + 1
};

}  // namespace quantlab
