#pragma once
// The penalised form of the optimal quantizer (00-baselines.md; the l0 quantizer of paper 1):
//     F(j) = min_{i < j} F(i) + SSE(i..j) + λ,     F(0) = 0,
// minimising SSE + λ·(number of groups) with no loop over K. SSE satisfies the quadrangle
// inequality, so the best i is monotone in j: candidates live on a deque, each owning the
// interval of j where it is best, and a new candidate's interval is found by a galloping
// search from its start, O(m log L) for groups of length about L.
#include <cstddef>
#include <vector>

#include "algorithms/range_moments.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

struct PenalizedPartition {
  std::vector<std::size_t> starts;  ///< G + 1 boundaries from 0 to m
  double sse = 0;
  std::size_t groups() const { return starts.size() - 1; }
};

/// The same programme on costs from prefix sums (fast) or from RangeMoments (accurate).
PenalizedPartition penalized_partition(const PrefixSums& sums, double lambda);
PenalizedPartition penalized_partition(const RangeMoments& moments, double lambda);

}  // namespace quantlab
