#include "algorithms/sorted_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace quantlab {

namespace {

std::uint64_t bits_of(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// An unsigned key with the order of the (finite) doubles: flip the sign bit of positives and
// every bit of negatives.
std::uint64_t order_key(double v) {
  const std::uint64_t b = bits_of(v);
  return (b >> 63) ? ~b : b | (std::uint64_t{1} << 63);
}

double key_value(std::uint64_t key) {
  const std::uint64_t b = (key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key;
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

// (key, position) for the keys that do not leave room for a position in their word.
struct KeyAndPosition {
  std::uint64_t key;
  std::uint64_t position;
};

std::uint64_t key_of(std::uint64_t word) {
  return word;
}
std::uint64_t key_of(const KeyAndPosition& e) {
  return e.key;
}

// One pass over the data counts every digit of `bits` bits, then one stable scatter per digit
// on which the keys differ.
template <int bits, class Count, class Element>
void radix_passes(std::vector<Element>& a, std::vector<Element>& spare, int low, int width) {
  constexpr std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  const int digits = (width + bits - 1) / bits;
  const std::size_t n = a.size();
  std::vector<Count> count(static_cast<std::size_t>(digits) << bits, 0);
  for (const Element& e : a)
    for (int d = 0; d < digits; ++d)
      ++count[(static_cast<std::size_t>(d) << bits) + ((key_of(e) >> (low + d * bits)) & mask)];
  for (int d = 0; d < digits; ++d) {
    Count* c = &count[static_cast<std::size_t>(d) << bits];
    const int shift = low + d * bits;
    if (c[(key_of(a[0]) >> shift) & mask] == n) continue;  // a digit every key shares
    Count sum = 0;
    for (std::size_t b = 0; b <= mask; ++b) {
      const Count here = c[b];
      c[b] = sum;
      sum += here;
    }
    for (const Element& e : a) spare[c[(key_of(e) >> shift) & mask]++] = e;
    a.swap(spare);
  }
}

// Sorts `a` stably on the key bits [low, low + width) (the bits above are equal in every key)
// by an LSD radix sort. `spare` has the size of `a`. 11-bit digits keep the counts of every
// pass in L2; below 2^13 keys, 8-bit ones, whose counts cost less than the keys.
template <class Element>
void radix_sort(std::vector<Element>& a, std::vector<Element>& spare, int low, int width) {
  const std::size_t n = a.size();
  if (n < 2 || width <= 0) return;
  if (n < 64) {
    std::stable_sort(a.begin(), a.end(), [&](const Element& p, const Element& q) {
      return (key_of(p) >> low) < (key_of(q) >> low);
    });
  } else if (n < (1u << 13)) {
    radix_passes<8, std::uint32_t>(a, spare, low, width);
  } else if (n <= std::numeric_limits<std::uint32_t>::max()) {
    radix_passes<11, std::uint32_t>(a, spare, low, width);
  } else {
    radix_passes<11, std::size_t>(a, spare, low, width);
  }
}

// The distinct values of the sorted keys (equal doubles merged: -0 and +0 are one value, the
// first in order standing for both), each with its total weight (w empty: unit weights);
// `position(k)` gives the k-th sorted element's input position.
template <class Element, class Key, class Position>
void merge_runs(const std::vector<Element>& sorted, Key key, Position position, const arma::vec& w,
                SortedValues& s) {
  auto weight = [&](std::size_t k) { return w.is_empty() ? 1.0 : w[position(k)]; };
  const std::size_t n = sorted.size();
  std::size_t m = 0;
  double last = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double value = key_value(key(sorted[k]));
    if (k == 0 || value != last) ++m, last = value;
  }
  s.values.set_size(m);
  s.weights.set_size(m);
  std::size_t j = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double value = key_value(key(sorted[k]));
    if (k == 0 || value != s.values[j - 1]) {
      s.values[j] = value;
      s.weights[j++] = weight(k);
    } else {
      s.weights[j - 1] += weight(k);
    }
    if (!s.of.is_empty()) s.of[position(k)] = j - 1;
  }
}

}  // namespace

SortedValues SortedValues::from(const arma::vec& x, const arma::vec& w, Positions positions) {
  const std::size_t n = x.n_elem;
  SortedValues s;
  if (n == 0) return s;
  if (positions == Positions::keep) s.of.set_size(n);
  std::vector<std::uint64_t> words(n);
  // The bits on which some two doubles differ, and the key bits on which some two keys differ.
  std::uint64_t varying_bits = 0, varying = 0;
  const std::uint64_t first = order_key(x[0]), first_bits = bits_of(x[0]);
  for (std::size_t i = 0; i < n; ++i) {
    words[i] = order_key(x[i]);
    varying |= words[i] ^ first;
    varying_bits |= bits_of(x[i]) ^ first_bits;
  }
  // The sort reads the key bits [low, low + width) alone. Below `low` every double has the
  // same bits (float32 data: 29 zeros), so keys of one sign agree there, and keys of either
  // sign differ in their top bit: the window orders the keys and tells them apart. (Below
  // `low` the keys themselves differ when signs are mixed: negatives' bits are flipped.)
  const int low = varying_bits ? __builtin_ctzll(varying_bits) : 0;
  const int width = varying ? 64 - __builtin_clzll(varying) - low : 0;

  if (positions == Positions::skip && w.is_empty()) {  // the keys alone
    std::vector<std::uint64_t> spare(n);
    radix_sort(words, spare, low, width);
    spare = {};
    merge_runs(
        words, [](std::uint64_t k) { return k; }, [](std::size_t) { return 0; }, w, s);
    return s;
  }
  const int position_bits = n > 1 ? 64 - __builtin_clzll(n - 1) : 0;
  if (width + position_bits <= 64) {
    // The varying key bits above the position in one word (float32 data, and any data on few
    // bits): sorting the words sorts the keys, equal keys by position.
    const std::uint64_t key_mask =
        width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    const std::uint64_t position_mask = (std::uint64_t{1} << position_bits) - 1;
    const std::uint64_t low_mask = (std::uint64_t{1} << low) - 1;
    const std::uint64_t above = first & ~(key_mask << low) & ~low_mask;
    // A key's bits below the window: the doubles' shared bits, flipped for negatives.
    const std::uint64_t low_of_positive = first_bits & low_mask;
    const std::uint64_t low_of_negative = ~first_bits & low_mask;
    for (std::size_t i = 0; i < n; ++i)
      words[i] = (((words[i] >> low) & key_mask) << position_bits) | i;
    std::vector<std::uint64_t> spare(n);
    radix_sort(words, spare, position_bits, width);
    spare = {};
    auto key = [&](std::uint64_t word) {
      const std::uint64_t high = above | ((word >> position_bits) << low);
      return high | (high >> 63 ? low_of_positive : low_of_negative);
    };
    auto position = [&](std::size_t k) { return words[k] & position_mask; };
    merge_runs(words, key, position, w, s);
    return s;
  }
  std::vector<KeyAndPosition> pairs(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {words[i], i};
  words = {};
  std::vector<KeyAndPosition> pair_spare(n);
  radix_sort(pairs, pair_spare, low, width);
  pair_spare = {};
  auto position = [&](std::size_t k) { return pairs[k].position; };
  auto key = [](const KeyAndPosition& e) { return e.key; };
  merge_runs(pairs, key, position, w, s);
  return s;
}

namespace {

// A running sum with Neumaier's compensation: each stored prefix is about the exact running
// sum rounded once, rather than carrying the rounding of every earlier addition.
struct CompensatedSum {
  double sum = 0, carry = 0;
  double add(double term) {
    const double t = sum + term;
    carry += std::abs(sum) >= std::abs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    return sum + carry;
  }
};

// The weighted mean of [i, j) (i < j) as its least value plus the mean offset from it: sums of
// non-negative terms no larger than the group's spread, kept inside the group's range.
double own_mean(const SortedValues& sorted, std::size_t i, std::size_t j) {
  const double first = sorted.values[i], last = sorted.values[j - 1];
  double weight = 0, offset = 0;
  for (std::size_t t = i; t < j; ++t) {
    weight += sorted.weights[t];
    offset += sorted.weights[t] * (sorted.values[t] - first);
  }
  return weight > 0 ? std::clamp(first + offset / weight, first, last) : first;
}

}  // namespace

PrefixSums::PrefixSums(const SortedValues& sorted) : sorted_(&sorted) {
  const std::size_t m = sorted.size();
  double total = 0, sum = 0;  // any shift near the mean will do: no compensation
  for (std::size_t j = 0; j < m; ++j) {
    total += sorted.weights[j];
    sum += sorted.weights[j] * sorted.values[j];
  }
  shift_ = total > 0 ? sum / total : 0;
  w_.assign(m + 1, 0);
  wx_.assign(m + 1, 0);
  wxx_.assign(m + 1, 0);
  CompensatedSum w, wx, wxx;
  bool counts = true;                            // weights that are counts sum exactly
  double reach = 0;                              // the largest |u|
  double least = m > 0 ? sorted.weights[0] : 0;  // the least weight
  for (std::size_t j = 0; j < m; ++j) {
    const double c = sorted.weights[j];
    const double u = sorted.values[j] - shift_;
    w_[j + 1] = w.add(c);
    wx_[j + 1] = wx.add(c * u);
    wxx_[j + 1] = wxx.add(c * u * u);
    counts = counts && c == std::floor(c);
    reach = std::max(reach, std::abs(u));
    least = std::min(least, c);
  }
  // A difference of the weight sums is off by a last place of the total weight, which moves
  // a group's SSE by up to that times reach^2 (weights spanning many binades lose the light
  // ones entirely); the sums of squares' own last place moves it as well.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const bool exact_weights = counts && w_.back() < 0x1p53;
  cost_rounding_ = 4 * eps * (wxx_.back() + (exact_weights ? 0 : w_.back() * reach * reach));
  division_free_ =
      m > 0 && least >= 0x1p-50 * w_.back() && least * least * cost_rounding_ >= 0x1p-960;
}

PrefixSums::PrefixSums(const PrefixSums& fine, std::size_t stride, double spread_share)
    : shift_(fine.shift_),
      cost_rounding_(fine.cost_rounding_),
      division_free_(fine.division_free_) {
  const std::size_t m = fine.size();
  auto keep = [&](std::size_t j) {
    w_.push_back(fine.w_[j]);
    wx_.push_back(fine.wx_[j]);
    wxx_.push_back(fine.wxx_[j]);
  };
  const double* u = fine.sorted_ ? fine.sorted_->values.memptr() : nullptr;
  const double gap = u && m > 0 ? spread_share * (u[m - 1] - u[0]) : 0;
  for (std::size_t a = 0; a < m; a += stride) {
    keep(a);
    const std::size_t end = std::min(a + stride, m);
    // Every stride-th boundary is kept, so a stride spanning less than `gap` keeps no other.
    if (!(gap > 0) || !(u[end - 1] - u[a] >= gap)) continue;
    for (std::size_t j = a + 1, last = a; j < end; ++j)
      if (u[j] - u[last] >= gap) keep(j), last = j;
  }
  keep(m);
}

double PrefixSums::mean(std::size_t i, std::size_t j) const {
  const double w = w_[j] - w_[i];
  const double mean = shift_ + (wx_[j] - wx_[i]) / w;
  if (!sorted_) return mean;
  const double first = sorted_->values[i], last = sorted_->values[j - 1];
  // Bounds on the rounding of the prefix sums (each its exact value rounded once) and of the
  // division, carried into the mean.
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const double error =
      2 * eps * (std::abs(wx_[j]) + std::abs(wx_[i]) + std::abs(mean - shift_) * (w_[j] + w_[i])) /
          w +
      2 * eps * std::abs(mean);
  if (error <= 1e-6 * (last - first)) return std::clamp(mean, first, last);
  return own_mean(*sorted_, i, j);
}

GroupMoments group_moments(const SortedValues& sorted, const std::vector<std::size_t>& starts) {
  GroupMoments g;
  for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
    const std::size_t i = starts[k], j = starts[k + 1];
    const double mean = i < j ? own_mean(sorted, i, j) : 0;
    for (std::size_t t = i; t < j; ++t) {
      const double d = sorted.values[t] - mean;
      const double last_place = std::numeric_limits<double>::epsilon() * sorted.values[t];
      g.sse += sorted.weights[t] * d * d;
      g.floor += sorted.weights[t] * last_place * last_place;
    }
    g.means.push_back(mean);
  }
  return g;
}

Quantized quantized_from_groups(const arma::vec& x, const SortedValues& sorted,
                                const std::vector<std::size_t>& starts,
                                const std::vector<double>& levels) {
  const std::size_t m = sorted.size();
  Quantized q;
  std::vector<double> codebook;
  std::vector<double> bounds;  // bounds[c - 1]: the least distinct value of codeword c
  arma::uvec level_of(sorted.of.is_empty() ? 0 : m);
  for (std::size_t g = 0; g + 1 < starts.size(); ++g) {
    if (starts[g] == starts[g + 1]) continue;
    // Neighbouring groups may share a level (e.g. clipped uniform bins): one codeword.
    if (codebook.empty() || levels[g] != codebook.back()) {
      if (!codebook.empty()) bounds.push_back(sorted.values[starts[g]]);
      codebook.push_back(levels[g]);
    }
    if (!level_of.is_empty())
      for (std::size_t j = starts[g]; j < starts[g + 1]; ++j) level_of[j] = codebook.size() - 1;
  }
  q.codebook = arma::vec(codebook);
  if (!level_of.is_empty()) {
    q.indices = level_of.elem(sorted.of);
  } else {
    // Each element's codeword: the number of bounds at or below it, by a branchless binary
    // search (x holds exactly the distinct values, so the comparisons are exact).
    q.indices.set_size(x.n_elem);
    const double* b = bounds.data();
    const std::size_t count = bounds.size();
    for (arma::uword i = 0; i < x.n_elem; ++i) {
      const double v = x[i];
      std::size_t base = 0, len = count;
      while (len > 1) {
        const std::size_t half = len / 2;
        base = b[base + half - 1] <= v ? base + half : base;
        len -= half;
      }
      q.indices[i] = base + (len == 1 && b[base] <= v);
    }
  }
  q.reconstruction = q.codebook.elem(q.indices);
  return q;
}

Quantized quantized_from_reconstruction(const arma::vec& reconstruction) {
  Quantized q;
  q.reconstruction = reconstruction;
  q.codebook = arma::unique(reconstruction);
  q.indices.set_size(reconstruction.n_elem);
  for (arma::uword i = 0; i < reconstruction.n_elem; ++i)
    q.indices[i] = static_cast<arma::uword>(
        std::lower_bound(q.codebook.begin(), q.codebook.end(), reconstruction[i]) -
        q.codebook.begin());
  return q;
}

}  // namespace quantlab
