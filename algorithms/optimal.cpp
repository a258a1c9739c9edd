#include "algorithms/optimal.hpp"

#include <cmath>
#include <vector>

#include "algorithms/optimal_partition.hpp"
#include "algorithms/range_moments.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

// The prefix sums' optimum is taken when (1) one group's cost is resolved by them to a
// millionth of the chosen groups' total, and (2) their costs of the chosen groups equal the
// groups' own SSE to a millionth (beyond the SSE's own floor). Otherwise the sums have lost
// the digits the programme's comparisons rest on, and it is solved again on RangeMoments.
// (2) alone can pass a choice whose rivals' costs were rounded up; (1) alone would refuse
// ordinary data at large K, where each cost is resolved far better than its bound.
// The rounding grows as K^3 relative to the optimum: on 10^6 Gaussian values the chosen
// groups' costs are off by 1e-9 at K = 4096 and 3e-7 at K = 16384 (with the same optimum as
// accurate costs), and by 7e-5 at K = 65536, where the accurate optimum is 3e-8 lower.
constexpr double kCostTolerance = 1e-6;

bool costs_hold(const PrefixSums& sums, double programme_sse, const GroupMoments& own) {
  if (own.sse == 0) return true;  // no error: nothing beats it
  return sums.cost_rounding() <= kCostTolerance * own.sse &&
         std::abs(programme_sse - own.sse) <= kCostTolerance * own.sse + own.floor;
}

}  // namespace

Quantized OptimalQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                            std::size_t K, Generator&) const {
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  const PrefixSums sums(sorted);
  Partition p = optimal_partition(sums, K, max_bytes_);
  GroupMoments own = group_moments(sorted, p.starts);
  if (!costs_hold(sums, p.sse, own)) {
    // Data spanning many binades: solve again on costs that are accurate whatever the range.
    p = optimal_partition(RangeMoments(sorted), K, max_bytes_, p.lambda);
    own = group_moments(sorted, p.starts);
  }
  Quantized q = quantized_from_groups(x, sorted, p.starts, own.means);
  q.scalars["distinct_values"] = static_cast<double>(sorted.size());
  return q;
}

}  // namespace quantlab
