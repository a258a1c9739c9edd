#pragma once
// The exact optimal K-level scalar quantizer (00-baselines.md): the partition of the sorted
// distinct values into K contiguous groups with the least weighted within-group SSE, by
// dynamic programming over prefix sums,
//     D[k][j] = min_{k-1 <= i < j} D[k-1][i] + SSE(i..j)      (first j values, k groups).
// Two exact solvers:
//  - Lagrangian: a search over λ of the penalised problem min SSE + λ·groups
//    (penalized_partition.hpp). A penalised optimum with exactly K groups is an optimum with
//    K groups, and its cost hardly depends on K. Used first.
//  - layered: SSE satisfies the quadrangle inequality, so the leftmost argmin is monotone in
//    j and each layer is solved by divide and conquer in O(m log m): O(K m log m) time and
//    K·m backtracking memory. Used when no λ gives exactly K groups (ties in the data).
#include <cstddef>
#include <optional>
#include <vector>

#include "algorithms/range_moments.hpp"
#include "algorithms/sorted_values.hpp"

namespace quantlab {

struct Partition {
  std::vector<std::size_t> starts;  ///< K + 1 boundaries, 0 = starts[0] < ... < starts[K] = m
  double sse = 0;
  double lambda = 0;  ///< the penalty the Lagrangian solver found it at (0: another solver)
};

/// Bytes of backtracking memory the programme needs for m distinct values and K groups.
double optimal_partition_bytes(std::size_t m, std::size_t K);

/// Throws std::length_error naming the size when the layered solver is needed and its
/// backtracking table would exceed `max_bytes`. Requires 1 <= K <= m.
Partition optimal_partition(const PrefixSums& sums, std::size_t K, double max_bytes);
/// The same programme on accurate costs (O(log m) each): see OptimalQuantizer. The λ search
/// starts from `lambda_hint` when it is positive (the prefix sums' λ for K groups).
Partition optimal_partition(const RangeMoments& moments, std::size_t K, double max_bytes,
                            double lambda_hint = 0);

/// K = 2 by trying every split: O(m), no search for λ.
Partition optimal_partition_two(const PrefixSums& sums);

/// The two solvers on their own (for tests and benchmarks).
std::optional<Partition> optimal_partition_lagrangian(const PrefixSums& sums, std::size_t K,
                                                      std::size_t* solves = nullptr);
Partition optimal_partition_layered(const PrefixSums& sums, std::size_t K, double max_bytes);

}  // namespace quantlab
