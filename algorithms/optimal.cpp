#include "algorithms/optimal.hpp"

#include <cmath>
#include <vector>

#include "algorithms/optimal_partition.hpp"
#include "algorithms/range_moments.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

// The prefix sums' costs of the chosen groups must equal the groups' own SSE to this relative
// tolerance; otherwise the sums have lost the digits the programme's comparisons rest on.
// Their rounding grows as K^3 relative to the optimum (each group's cost is a difference of
// sums of the size of all the data's): on 10^6 Gaussian values the chosen groups' costs are
// off by 1e-9 at K = 4096 and 3e-7 at K = 16384, with the same optimum as accurate costs,
// and by 7e-5 at K = 65536, where the accurate optimum is 3e-8 lower.
constexpr double kCostTolerance = 1e-6;

bool costs_hold(double programme_sse, double own_sse) {
  return std::abs(programme_sse - own_sse) <= kCostTolerance * own_sse;
}

}  // namespace

Quantized OptimalQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                            std::size_t K, Generator&) const {
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  Partition p = optimal_partition(PrefixSums(sorted), K, max_bytes_);
  GroupMoments own = group_moments(sorted, p.starts);
  if (!costs_hold(p.sse, own.sse)) {
    // Data spanning many binades: solve again on costs that are accurate whatever the range.
    p = optimal_partition(RangeMoments(sorted), K, max_bytes_);
    own = group_moments(sorted, p.starts);
  }
  Quantized q = quantized_from_groups(x, sorted, p.starts, own.means);
  q.scalars["distinct_values"] = static_cast<double>(sorted.size());
  return q;
}

}  // namespace quantlab
