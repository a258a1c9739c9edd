#include "algorithms/sorted_values.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>

namespace quantlab {

namespace {

// An unsigned key with the order of the (finite) doubles: flip the sign bit of positives and
// every bit of negatives.
std::uint64_t order_key(double v) {
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return (b >> 63) ? ~b : b | (std::uint64_t{1} << 63);
}

// One stable pass of an LSD radix sort on the digit of `bits` bits at `shift`, from a into b;
// false (nothing moved) when every key has the same digit there.
template <int bits>
bool radix_pass(std::vector<std::pair<std::uint64_t, arma::uword>>& a,
                std::vector<std::pair<std::uint64_t, arma::uword>>& b, int shift,
                std::vector<std::size_t>& count) {
  constexpr std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  std::fill(count.begin(), count.end(), 0);
  for (const auto& e : a) ++count[(e.first >> shift) & mask];
  if (count[(a[0].first >> shift) & mask] == a.size()) return false;
  std::size_t sum = 0;
  for (auto& c : count) {
    const std::size_t here = c;
    c = sum;
    sum += here;
  }
  for (const auto& e : a) b[count[(e.first >> shift) & mask]++] = e;
  a.swap(b);
  return true;
}

// (key, index) pairs in ascending key order by an LSD radix sort (linear time; a digit every
// key shares is skipped, as the low bits of float32 data held as doubles are): 16-bit digits
// for large inputs, 8-bit ones for small (whose counts would cost more than the keys).
std::vector<std::pair<std::uint64_t, arma::uword>> sorted_keys(const arma::vec& x) {
  const std::size_t n = x.n_elem;
  std::vector<std::pair<std::uint64_t, arma::uword>> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = {order_key(x[i]), i};
  if (n < 2) return a;
  if (n < (1u << 16)) {
    std::vector<std::size_t> count(1 << 8);
    for (int shift = 0; shift < 64; shift += 8) radix_pass<8>(a, b, shift, count);
  } else {
    std::vector<std::size_t> count(1 << 16);
    for (int shift = 0; shift < 64; shift += 16) radix_pass<16>(a, b, shift, count);
  }
  return a;
}

}  // namespace

SortedValues SortedValues::from(const arma::vec& x, const arma::vec& w) {
  const std::size_t n = x.n_elem;
  const auto order = sorted_keys(x);

  SortedValues s;
  s.of.set_size(n);
  std::vector<double> values, weights;
  values.reserve(n);
  weights.reserve(n);
  for (std::size_t k = 0; k < n; ++k) {
    const arma::uword i = order[k].second;
    const double value = x[i];
    const double weight = w.is_empty() ? 1.0 : w[i];
    if (values.empty() || value != values.back()) {
      values.push_back(value);
      weights.push_back(weight);
    } else {
      weights.back() += weight;
    }
    s.of[i] = values.size() - 1;
  }
  s.values = arma::vec(values);
  s.weights = arma::vec(weights);
  return s;
}

PrefixSums::PrefixSums(const SortedValues& sorted) {
  const std::size_t m = sorted.size();
  double total = 0, sum = 0;
  for (std::size_t j = 0; j < m; ++j) {
    total += sorted.weights[j];
    sum += sorted.weights[j] * sorted.values[j];
  }
  shift_ = total > 0 ? sum / total : 0;
  w_.assign(m + 1, 0);
  wx_.assign(m + 1, 0);
  wxx_.assign(m + 1, 0);
  for (std::size_t j = 0; j < m; ++j) {
    const double c = sorted.weights[j];
    const double u = sorted.values[j] - shift_;
    w_[j + 1] = w_[j] + c;
    wx_[j + 1] = wx_[j] + c * u;
    wxx_[j + 1] = wxx_[j] + c * u * u;
  }
}

Quantized quantized_from_groups(const SortedValues& sorted, const std::vector<std::size_t>& starts,
                                const std::vector<double>& levels) {
  const std::size_t m = sorted.size();
  Quantized q;
  std::vector<double> codebook;
  arma::uvec level_of(m);
  for (std::size_t g = 0; g + 1 < starts.size(); ++g) {
    if (starts[g] == starts[g + 1]) continue;
    // Neighbouring groups may share a level (e.g. clipped uniform bins): one codeword.
    if (codebook.empty() || levels[g] != codebook.back()) codebook.push_back(levels[g]);
    for (std::size_t j = starts[g]; j < starts[g + 1]; ++j) level_of[j] = codebook.size() - 1;
  }
  q.codebook = arma::vec(codebook);
  q.indices = level_of.elem(sorted.of);
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
