#include "experiments/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace quantlab {

std::map<std::string, double> error_metrics(const arma::vec& x, const arma::vec& w,
                                            const arma::vec& xhat) {
  double sse = 0, total_weight = 0, plain_sse = 0, energy = 0, max_abs = 0;
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    const double e = x[i] - xhat[i];
    const double wi = w.is_empty() ? 1.0 : w[i];
    sse += wi * e * e;
    total_weight += wi;
    plain_sse += e * e;
    energy += x[i] * x[i];
    max_abs = std::max(max_abs, std::abs(e));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  return {
      {"sse", sse},
      {"mse", sse / total_weight},
      {"rel_sse", energy > 0 ? plain_sse / energy : nan},
      {"sqnr_db", plain_sse > 0 ? 10 * std::log10(energy / plain_sse) : inf},
      {"max_abs_err", max_abs},
  };
}

double variance_about(const arma::vec& x, double mean) {
  const arma::uword n = x.n_elem;
  if (n < 2) return 0;
  double squares = 0, deviations = 0;  // op_var::direct_var's acc2 and acc3
  arma::uword i = 0, j = 1;
  for (; j < n; i += 2, j += 2) {
    const double di = mean - x[i], dj = mean - x[j];
    squares += di * di + dj * dj;
    deviations += di + dj;
  }
  if (i < n) {
    const double di = mean - x[i];
    squares += di * di;
    deviations += di;
  }
  const double count = static_cast<double>(n);
  const double v = (squares - deviations * deviations / count) / count;
  return std::isfinite(v) ? v : arma::var(x, 1);  // Armadillo's robust path, as it would take
}

double entropy_bits(const std::vector<double>& counts) {
  double total = 0;
  for (double c : counts) total += c;
  double h = 0;
  for (double c : counts)
    if (c > 0) h -= (c / total) * std::log2(c / total);
  return h;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

Histogram histogram(const std::vector<double>& values, std::size_t bins) {
  Histogram h;
  if (values.empty() || bins == 0) return h;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo == *hi) return {{*lo, *hi}, {static_cast<double>(values.size())}};
  const double low = *lo, width = (*hi - *lo) / static_cast<double>(bins);
  h.counts.assign(bins, 0.0);
  for (std::size_t b = 0; b <= bins; ++b)
    h.edges.push_back(b == bins ? *hi : low + width * static_cast<double>(b));
  for (double v : values) {
    // The bin whose edges hold v (edges rounded the same way as the index).
    auto b = std::min(bins - 1, static_cast<std::size_t>((v - low) / width));
    while (b > 0 && v < h.edges[b]) --b;
    while (b + 1 < bins && v >= h.edges[b + 1]) ++b;
    h.counts[b] += 1;
  }
  return h;
}

}  // namespace quantlab
