#pragma once
// Sorted distinct values with their total weights, and prefix sums over them: the common
// ground of the 1-D algorithms, which become O(n log n) or better on it.
#include <armadillo>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "algorithms/quantizer.hpp"

namespace quantlab {

/// Whether SortedValues keeps each input element's position among the distinct values. Without
/// positions, unweighted data are sorted as bare keys (half the memory traffic), and
/// quantized_from_groups finds each element's codeword by a search over the codewords' bounds.
enum class Positions : bool { skip, keep };

/// Positions pay for themselves once a search over the codewords' bounds costs more than
/// carrying the positions through the sort: near 2^16 codewords at n = 10^6 (measured).
inline Positions positions_for(std::size_t codewords) {
  return codewords > 16384 ? Positions::keep : Positions::skip;
}

struct SortedValues {
  arma::vec values;   ///< u_1 < ... < u_m
  arma::vec weights;  ///< c_j: total weight (multiplicity x importance) of u_j
  arma::uvec of;      ///< of[i]: position in `values` of input element i (when kept)

  /// Sorts x by an LSD radix sort on its bit patterns (linear time) and merges equal values;
  /// `w` empty means unit weights.
  static SortedValues from(const arma::vec& x, const arma::vec& w,
                           Positions positions = Positions::keep);
  std::size_t size() const { return values.n_elem; }
};

/// PrefixSums::cheaper()'s comparison from differences of the sums (d: of the bases and of the
/// squares' sums; s: of the value sums; w: of the weights, up to the end t): one expression
/// for a double and for each lane of a vector, so that both give the same answer.
template <class Number>
auto products_less(Number d, Number si, Number sk, Number wi, Number wk) {
  return d * wi * wk < si * si * wk - sk * sk * wi;
}

/// Prefix sums of c, c*u and c*u^2 over the sorted distinct values. Values are shifted by
/// their weighted mean first, so that the O(1) within-group SSE does not lose its digits to
/// cancellation when the data sit far from zero, and each prefix is its exact running sum
/// rounded once (compensated summation). A group's SSE is still a difference of sums of the
/// size of all the data's: on data spanning many binades, small groups' costs are lost
/// (RangeMoments has accurate ones).
class PrefixSums {
 public:
  explicit PrefixSums(const SortedValues& sorted);  ///< keeps a reference to `sorted`
  explicit PrefixSums(SortedValues&&) = delete;
  /// The sums at every stride-th boundary, at every boundary whose value lies at least
  /// `spread_share` of the data's spread past the previous one kept, and at the last: the
  /// programme whose groups may start only there, with the same costs. (Sparse tails keep
  /// their values: there a group holds a few, and a stride of them would change its cost.)
  PrefixSums(const PrefixSums& fine, std::size_t stride, double spread_share);

  /// Groups are half-open ranges [i, j) of distinct values, 0 <= i < j <= m.
  double weight(std::size_t i, std::size_t j) const { return w_[j] - w_[i]; }
  /// The weighted mean of [i, j): from the sums when their rounding moves it by less than a
  /// millionth of the group's spread, otherwise (a single value, or data spanning many
  /// binades) from the group's own values, O(j - i). Always within the group's range.
  double mean(std::size_t i, std::size_t j) const;
  /// Σ c (u - mean)^2 over [i, j), never negative.
  double sse(std::size_t i, std::size_t j) const {
    const double s = wx_[j] - wx_[i];
    const double v = (wxx_[j] - wxx_[i]) - s * s / (w_[j] - w_[i]);
    return v > 0 ? v : 0;
  }
  /// Whether base_i + sse(i, t) < base_k + sse(k, t) (i, k < t), without a division: both
  /// sides times the two groups' weights, where the squares' sums up to t cancel. Its
  /// rounding is of the order of sse's; decisions between costs closer than that may differ.
  /// With the divisions where that form is unsafe (see division_free_).
  bool cheaper(std::size_t i, double base_i, std::size_t k, double base_k, std::size_t t) const {
    if (!division_free_) return base_i + sse(i, t) < base_k + sse(k, t);
    const double d = (base_i - base_k) + (wxx_[k] - wxx_[i]);
    return products_less(d, wx_[t] - wx_[i], wx_[t] - wx_[k], w_[t] - w_[i], w_[t] - w_[k]);
  }
  /// Bit b set when cheaper(i, base_i, k, base_k, t + b), for the kBlock ends t + b <= m: the
  /// same comparisons, with no branch between them (two at a time in vector registers).
  static constexpr std::size_t kBlock = 8;
  std::uint32_t cheaper_block(std::size_t i, double base_i, std::size_t k, double base_k,
                              std::size_t t) const {
    std::uint32_t mask = 0;
    if (!division_free_ || t + kBlock > w_.size()) {
      for (std::size_t b = 0; b < kBlock && t + b < w_.size(); ++b)
        mask |= static_cast<std::uint32_t>(cheaper(i, base_i, k, base_k, t + b)) << b;
      return mask;
    }
    using Pair = double __attribute__((vector_size(16)));
    const double d = (base_i - base_k) + (wxx_[k] - wxx_[i]);
    const Pair dd = {d, d}, wxi = {wx_[i], wx_[i]}, wxk = {wx_[k], wx_[k]};
    const Pair wi0 = {w_[i], w_[i]}, wk0 = {w_[k], w_[k]};
    for (std::size_t b = 0; b < kBlock; b += 2) {
      Pair w, wx;
      std::memcpy(&w, &w_[t + b], sizeof w);
      std::memcpy(&wx, &wx_[t + b], sizeof wx);
      const auto less = products_less(dd, wx - wxi, wx - wxk, w - wi0, w - wk0);  // -1 or 0
      mask |= static_cast<std::uint32_t>((less[0] & 1) | (less[1] & 2)) << b;
    }
    return mask;
  }
  /// Σ c (u - level)^2 over [i, j) for any level.
  double sse_to(std::size_t i, std::size_t j, double level) const {
    const double d = level - shift_;
    const double v = (wxx_[j] - wxx_[i]) - 2 * d * (wx_[j] - wx_[i]) + d * d * (w_[j] - w_[i]);
    return v > 0 ? v : 0;
  }
  std::size_t size() const { return w_.size() - 1; }
  /// About the rounding in any one group's SSE from these sums: a few units in the last place
  /// of the total square about the shift, which every difference of the sums carries, and
  /// (unless the weights are counts) of the total weight times the largest square.
  double cost_rounding() const { return cost_rounding_; }

 private:
  double shift_ = 0;
  double cost_rounding_ = 0;
  /// Whether cheaper() may multiply instead of dividing: every value's weight survives the
  /// differences of the weight sums (one lost there gives its group a weight of 0: sse()
  /// clamps that cost at 0, the product form would make it -inf), and a difference of costs
  /// the sums resolve, times two weights, stays far from underflow (weights all tiny, as a
  /// row's can be beside its tensor's largest).
  bool division_free_ = false;
  std::vector<double> w_, wx_, wxx_;
  const SortedValues* sorted_ = nullptr;  // the values summed (none for a strided copy)
};

/// Each group's weighted mean and the total SSE, computed from the group's own values (offsets
/// from its least value, so no digit is lost to the data's distance from zero or to the
/// other groups); each mean is kept inside its group's range. O(m).
struct GroupMoments {
  std::vector<double> means;  ///< one a group (0 for an empty group)
  double sse = 0;
  /// The SSE's own floor: a mean holds its group's values only to their last place, so SSEs
  /// that differ by about Σ weight·(eps·value)² are one.
  double floor = 0;
};
GroupMoments group_moments(const SortedValues& sorted, const std::vector<std::size_t>& starts);

/// The result of assigning every distinct value of x to a contiguous group with one level:
/// `starts` has G + 1 non-decreasing entries from 0 to m (empty groups allowed and dropped),
/// `levels` one value per group, non-decreasing over the non-empty groups.
Quantized quantized_from_groups(const arma::vec& x, const SortedValues& sorted,
                                const std::vector<std::size_t>& starts,
                                const std::vector<double>& levels);

/// The result of a quantizer that gives each element its level directly: the codebook is the
/// distinct levels, ascending, and each element's index is its level's position in it.
Quantized quantized_from_reconstruction(const arma::vec& reconstruction);

}  // namespace quantlab
