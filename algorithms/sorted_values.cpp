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

// (key, index) pairs in ascending key order: an LSD radix sort in four 16-bit passes for large
// inputs (linear time; a digit every key shares is skipped), std::sort for small ones.
std::vector<std::pair<std::uint64_t, arma::uword>> sorted_keys(const arma::vec& x) {
  const std::size_t n = x.n_elem;
  std::vector<std::pair<std::uint64_t, arma::uword>> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = {order_key(x[i]), i};
  if (n < (1u << 14)) {
    std::sort(a.begin(), a.end());
    return a;
  }
  std::vector<std::pair<std::uint64_t, arma::uword>> b(n);
  std::vector<std::size_t> count(1 << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), 0);
    for (const auto& e : a) ++count[(e.first >> shift) & 0xffff];
    if (count[(a[0].first >> shift) & 0xffff] == n) continue;
    std::size_t sum = 0;
    for (auto& c : count) {
      const std::size_t here = c;
      c = sum;
      sum += here;
    }
    for (const auto& e : a) b[count[(e.first >> shift) & 0xffff]++] = e;
    a.swap(b);
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
