#include "algorithms/optimal.hpp"

#include <vector>

#include "algorithms/optimal_partition.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

Quantized OptimalQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                            std::size_t K, Generator&) const {
  const SortedValues sorted = SortedValues::from(x, weights);
  const PrefixSums sums(sorted);
  const Partition p = optimal_partition(sums, K, max_bytes_);
  std::vector<double> levels(K);
  for (std::size_t k = 0; k < K; ++k) levels[k] = sums.mean(p.starts[k], p.starts[k + 1]);
  Quantized q = quantized_from_groups(sorted, p.starts, levels);
  q.scalars["distinct_values"] = static_cast<double>(sorted.size());
  return q;
}

}  // namespace quantlab
