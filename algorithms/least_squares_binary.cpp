#include "algorithms/least_squares_binary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

double weighted_mean_abs(const arma::vec& r, const arma::vec& w) {
  double s = 0, total = 0;
  for (arma::uword i = 0; i < r.n_elem; ++i) {
    const double wi = w.is_empty() ? 1.0 : w[i];
    s += wi * std::abs(r[i]), total += wi;
  }
  return s / total;
}

arma::vec signs_of(const arma::vec& x) {
  arma::vec s(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) s[i] = bsign(x[i]);
  return s;
}

// ls2 and lsT from one split of the sorted |x|: entries whose |x| ranks below the split take
// magnitude `low`, the others `high`; as an expansion v1 s1 + v2 s2 with s1 = bsign(x) and
// s2 = ±s1.
BinaryExpansion two_magnitudes(const arma::vec& x, const SortedValues& magnitudes,
                               std::size_t split, double low, double high) {
  arma::vec s2 = signs_of(x);
  for (arma::uword i = 0; i < x.n_elem; ++i)
    if (magnitudes.of[i] < split) s2[i] = -s2[i];
  BinaryExpansion e(x.n_elem);
  e.add(0.5 * (high + low), signs_of(x));
  e.add(0.5 * (high - low), s2);
  return e;
}

BinaryExpansion exact_ls2(const arma::vec& x, const arma::vec& w) {
  const SortedValues m = SortedValues::from(arma::abs(x), w);
  const PrefixSums sums(m);
  const std::size_t n = m.size();
  if (n == 1) return two_magnitudes(x, m, 0, m.values[0], m.values[0]);
  std::size_t best = 1;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t i = 1; i < n; ++i) {
    const double cost = sums.sse(0, i) + sums.sse(i, n);
    if (cost < best_cost) best_cost = cost, best = i;
  }
  return two_magnitudes(x, m, best, sums.mean(0, best), sums.mean(best, n));
}

BinaryExpansion exact_ternary(const arma::vec& x, const arma::vec& w) {
  const SortedValues m = SortedValues::from(arma::abs(x), w);
  const PrefixSums sums(m);
  const std::size_t n = m.size();
  // Split i: the i smallest magnitudes become 0, the rest ±mean(i..n). i = 0 keeps every
  // entry non-zero (an all-equal input is reconstructed exactly); i = n zeroes everything.
  std::size_t best = n;
  double best_cost = sums.sse_to(0, n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double cost = sums.sse_to(0, i, 0.0) + sums.sse(i, n);
    if (cost < best_cost) best_cost = cost, best = i;
  }
  return two_magnitudes(x, m, best, 0.0, best < n ? sums.mean(best, n) : 0.0);
}

// The published code's choice of v1 (apple/ml-quant, quant/binary/optimal.py): on every
// `skip`-th element, the sorted magnitudes a[i] (0 < i < n-1) at which a fixed-point
// condition falls between a[i] and a[i+1] are the candidates, and the one of least error on
// that subsample wins.
double apple_v1(const arma::vec& x, bool ternary, std::size_t skip) {
  std::vector<double> a;
  for (arma::uword i = 0; i < x.n_elem; i += skip) a.push_back(std::abs(x[i]));
  std::sort(a.begin(), a.end());
  const std::size_t n = a.size();
  std::vector<double> prefix(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + a[i];
  std::vector<double> candidates;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double below = prefix[i + 1] / static_cast<double>(i + 1);
    const double above = (prefix[n] - prefix[i + 1]) / static_cast<double>(n - 1 - i);
    const bool half_above = a[i] <= 0.5 * above && 0.5 * above <= a[i + 1];
    const bool midpoint = a[i] <= 0.5 * (below + above) && 0.5 * (below + above) <= a[i + 1];
    if (half_above || (!ternary && midpoint)) candidates.push_back(a[i]);
  }
  if (ternary && n > 0 && a[0] > 0.5 * prefix[n] / static_cast<double>(n))
    candidates.push_back(0.5 * prefix[n] / static_cast<double>(n));
  if (candidates.empty()) candidates.push_back(0.0);  // the published code pads with zeros
  double best_v1 = candidates[0], best_cost = std::numeric_limits<double>::infinity();
  for (double v1 : candidates) {
    double mean_r = 0;
    std::vector<double> r(n);
    for (arma::uword k = 0, i = 0; i < x.n_elem; i += skip, ++k) {
      r[k] = x[i] - v1 * bsign(x[i]);
      mean_r += std::abs(r[k]);
    }
    const double v2 = ternary ? v1 : mean_r / static_cast<double>(n);
    double cost = 0;
    for (double rk : r) cost += (rk - v2 * bsign(rk)) * (rk - v2 * bsign(rk));
    if (cost < best_cost) best_cost = cost, best_v1 = v1;
  }
  return best_v1;
}

BinaryExpansion apple_two_bits(const arma::vec& x, const arma::vec& w, bool ternary,
                               std::size_t skip) {
  const double v1 = apple_v1(x, ternary, skip);
  const arma::vec s1 = signs_of(x);
  const arma::vec r = x - v1 * s1;
  BinaryExpansion e(x.n_elem);
  e.add(v1, s1);
  e.add(ternary ? v1 : weighted_mean_abs(r, w), signs_of(r));
  return e;
}

}  // namespace

BinaryExpansion least_squares_binary(const arma::vec& x, const arma::vec& w, BinaryMethod method,
                                     std::size_t bits, bool apple_compat, std::size_t skip) {
  switch (method) {
    case BinaryMethod::ls1:
    case BinaryMethod::gf: {
      BinaryExpansion e(x.n_elem);
      arma::vec r = x;
      const std::size_t k = method == BinaryMethod::ls1 ? 1 : bits;
      for (std::size_t i = 0; i < k; ++i) {
        const double v = weighted_mean_abs(r, w);
        const arma::vec s = signs_of(r);
        e.add(v, s);
        r -= v * s;
      }
      return e;
    }
    case BinaryMethod::ls2:
      return apple_compat ? apple_two_bits(x, w, false, skip) : exact_ls2(x, w);
    case BinaryMethod::lsT:
      return apple_compat ? apple_two_bits(x, w, true, skip) : exact_ternary(x, w);
  }
  return BinaryExpansion(x.n_elem);
}

Quantized LeastSquaresBinaryQuantizer::quantize_values(const arma::vec& x, const arma::vec& weights,
                                                       std::size_t levels, Generator&) const {
  std::size_t bits = 0;
  while ((std::size_t{1} << bits) < levels) ++bits;
  const BinaryExpansion e = least_squares_binary(x, weights, method_, bits, apple_compat_, skip_);
  Quantized q = quantized_from_reconstruction(e.reconstruct());
  q.diagnostics["scales"] = arma::vec(e.scales());
  return q;
}

}  // namespace quantlab
