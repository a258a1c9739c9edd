#include "algorithms/optimal.hpp"

#include <vector>

#include "algorithms/optimal_partition.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

Quantized OptimalQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                            std::size_t K, Generator&) const {
  const SortedValues sorted = SortedValues::from(x, weights, positions_for(K));
  const PrefixSums sums(sorted);
  const Partition p = optimal_partition(sums, K, max_bytes_);
  std::vector<double> levels(K);
  // A group of one distinct value is that value exactly (its mean from the prefix sums may
  // round off it): with K at least the distinct values, the error is exactly zero.
  for (std::size_t k = 0; k < K; ++k)
    levels[k] = p.starts[k + 1] - p.starts[k] == 1 ? sorted.values[p.starts[k]]
                                                   : sums.mean(p.starts[k], p.starts[k + 1]);
  Quantized q = quantized_from_groups(x, sorted, p.starts, levels);
  q.scalars["distinct_values"] = static_cast<double>(sorted.size());
  return q;
}

}  // namespace quantlab
