#include "algorithms/ecsq.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/sorted_values.hpp"

namespace quantlab {
namespace {

double entropy_of(const std::vector<double>& weights_per_level) {
  double total = 0, h = 0;
  for (double w : weights_per_level) total += w;
  for (double w : weights_per_level)
    if (w > 0) h -= (w / total) * std::log2(w / total);
  return h;
}

struct UniformResult {
  Quantized q;
  double entropy;
};

// Uniform bins of width `step` around 0, at most K of them, reconstructed by bin means.
UniformResult uniform_bins(const arma::vec& x, const SortedValues& s, const PrefixSums& sums,
                           double step, std::size_t K) {
  const std::size_t m = s.size();
  // Bin index of each distinct value, then clipped to a window of K bins around the median
  // bin so that the outermost bins absorb the tails.
  std::vector<long long> bin(m);
  for (std::size_t j = 0; j < m; ++j)
    bin[j] = static_cast<long long>(std::floor(s.values[j] / step + 0.5));
  const long long half = static_cast<long long>(K - 1) / 2;
  const long long center = bin[m / 2];
  const long long lo = center - half, hi = lo + static_cast<long long>(K) - 1;
  for (auto& b : bin) b = std::clamp(b, lo, hi);
  std::vector<std::size_t> starts{0};
  std::vector<double> levels, weights;
  for (std::size_t j = 1; j <= m; ++j)
    if (j == m || bin[j] != bin[j - 1]) {
      levels.push_back(sums.mean(starts.back(), j));
      weights.push_back(sums.weight(starts.back(), j));
      starts.push_back(j);
    }
  UniformResult r{quantized_from_groups(x, s, starts, levels), 0};
  // Entropy of the level frequencies (element counts), not of the importance weights.
  std::vector<double> counts(levels.size(), 0);
  for (arma::uword i : r.q.indices) counts[i] += 1;
  r.entropy = entropy_of(counts);
  r.q.scalars["step"] = step;
  r.q.scalars["entropy"] = r.entropy;
  return r;
}

}  // namespace

Quantized UniformEcsqQuantizer::quantize_values(const arma::vec& x, const arma::vec& w,
                                                std::size_t K, Generator&) const {
  const SortedValues s = SortedValues::from(x, w);
  const PrefixSums sums(s);
  const double span = s.values.back() - s.values.front();
  if (step_ > 0 || span == 0) return uniform_bins(x, s, sums, step_ > 0 ? step_ : 1.0, K).q;
  // The least step whose entropy is at most the target. Down to the step at which K bins just
  // cover the range, entropy falls (not strictly) as the step grows; below it the outer bins
  // would clip the tails. Bisect on log Δ in between.
  double small = span / static_cast<double>(std::max<std::size_t>(K, 2) - 1), large = span * 2;
  UniformResult finest = uniform_bins(x, s, sums, small, K);
  if (finest.entropy <= rate_) return finest.q;
  UniformResult best = uniform_bins(x, s, sums, large, K);
  for (int it = 0; it < 80 && large / small > 1 + 1e-9; ++it) {
    const double mid = std::sqrt(small * large);
    UniformResult r = uniform_bins(x, s, sums, mid, K);
    if (r.entropy <= rate_)
      large = mid, best = std::move(r);
    else
      small = mid;
  }
  return best.q;
}

Quantized IterativeEcsqQuantizer::run(const arma::vec& x, const arma::vec& w, std::size_t K,
                                      double lambda, EcsqTrace* trace) const {
  const std::size_t n = x.n_elem;
  const double lo = x.min(), hi = x.max();
  // K levels on a uniform grid over the range, equally likely.
  std::vector<double> c(K), p(K, 1.0 / static_cast<double>(K));
  for (std::size_t k = 0; k < K; ++k)
    c[k] = K == 1 ? 0.5 * (lo + hi)
                  : lo + (hi - lo) * (static_cast<double>(k) + 0.5) / static_cast<double>(K);
  std::vector<std::size_t> label(n, 0);
  const SortedValues s = SortedValues::from(x, arma::vec());  // for the unweighted path
  double previous = std::numeric_limits<double>::infinity();
  std::size_t iterations = 0;
  bool converged = false;
  for (std::size_t it = 0; it < max_iter_; ++it) {
    std::vector<double> bias(c.size());
    for (std::size_t k = 0; k < c.size(); ++k) bias[k] = -lambda * std::log2(p[k]);
    if (w.is_empty()) {
      // Lower envelope of (x − c_k)² + bias_k over the sorted levels: the regions are
      // intervals; find each distinct value's level by walking both sorted lists.
      std::vector<std::size_t> order(c.size());
      for (std::size_t k = 0; k < c.size(); ++k) order[k] = k;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return c[a] < c[b]; });
      std::vector<std::size_t> hull;  // levels on the envelope, left to right
      std::vector<double> from;       // where each starts
      for (std::size_t k : order) {
        auto cross = [&](std::size_t a, std::size_t b) {  // x where b starts to beat a
          return (c[b] * c[b] - c[a] * c[a] + bias[b] - bias[a]) / (2 * (c[b] - c[a]));
        };
        if (!hull.empty() && c[hull.back()] == c[k]) {
          if (bias[k] >= bias[hull.back()]) continue;
          hull.pop_back(), from.pop_back();
        }
        while (!hull.empty() && cross(hull.back(), k) <= from.back())
          hull.pop_back(), from.pop_back();
        from.push_back(hull.empty() ? -std::numeric_limits<double>::infinity()
                                    : cross(hull.back(), k));
        hull.push_back(k);
      }
      std::vector<std::size_t> level_of_value(s.size());
      std::size_t h = 0;
      for (std::size_t j = 0; j < s.size(); ++j) {
        while (h + 1 < hull.size() && s.values[j] >= from[h + 1]) ++h;
        level_of_value[j] = hull[h];
      }
      for (std::size_t i = 0; i < n; ++i) label[i] = level_of_value[s.of[i]];
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t k = 0; k < c.size(); ++k) {
          const double d = w[i] * (x[i] - c[k]) * (x[i] - c[k]) + bias[k];
          if (d < best) best = d, label[i] = k;
        }
      }
    }
    // Update: weighted means and frequencies; empty levels disappear. Each mean is its first
    // member plus the mean offset from it, kept within its members' range: a level of equal
    // values is their value exactly, and no digit is lost to the data's distance from zero.
    std::vector<double> sw(c.size(), 0), offset(c.size(), 0), count(c.size(), 0);
    std::vector<double> first(c.size()), low(c.size()), high(c.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = label[i];
      const double wi = w.is_empty() ? 1.0 : w[i];
      if (count[k] == 0) first[k] = low[k] = high[k] = x[i];
      low[k] = std::min(low[k], x[i]), high[k] = std::max(high[k], x[i]);
      sw[k] += wi, offset[k] += wi * (x[i] - first[k]), count[k] += 1;
    }
    std::vector<double> new_c, new_p;
    std::vector<std::size_t> renumber(c.size(), 0);
    for (std::size_t k = 0; k < c.size(); ++k)
      if (count[k] > 0) {
        renumber[k] = new_c.size();
        new_c.push_back(std::clamp(first[k] + offset[k] / sw[k], low[k], high[k]));
        new_p.push_back(count[k] / static_cast<double>(n));
      }
    for (auto& l : label) l = renumber[l];
    c = std::move(new_c), p = std::move(new_p);
    double J = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double wi = w.is_empty() ? 1.0 : w[i];
      J += wi * (x[i] - c[label[i]]) * (x[i] - c[label[i]]) - lambda * std::log2(p[label[i]]);
    }
    J /= static_cast<double>(n);
    iterations = it + 1;
    if (trace) trace->objective.push_back(J);
    if (!(J < previous * (1 - 1e-12))) {
      converged = true;
      break;
    }
    previous = J;
  }
  arma::vec level_of_element(n);
  for (std::size_t i = 0; i < n; ++i) level_of_element[i] = c[label[i]];
  Quantized q = quantized_from_reconstruction(level_of_element);
  q.iterations = iterations;
  q.converged = converged;
  q.scalars["lambda"] = lambda;
  q.scalars["entropy"] = entropy_of(p);
  return q;
}

Quantized IterativeEcsqQuantizer::quantize_values(const arma::vec& x, const arma::vec& w,
                                                  std::size_t K, Generator&) const {
  if (rate_ <= 0) return run(x, w, K, lambda_, nullptr);
  // The entropy falls as λ grows: bisect (on log λ, after a bracket) for the least λ whose
  // result has entropy at most the target.
  Quantized at_zero = run(x, w, K, 0, nullptr);
  if (at_zero.scalars["entropy"] <= rate_) return at_zero;
  const double scale = arma::var(x, 1) + 1e-300;
  double small = 0, large = scale;
  Quantized best = run(x, w, K, large, nullptr);
  while (best.scalars["entropy"] > rate_ && large < scale * 1e6) {
    small = large, large *= 4;
    best = run(x, w, K, large, nullptr);
  }
  for (int it = 0; it < 40; ++it) {
    const double mid = small > 0 ? std::sqrt(small * large) : large / 1024;
    Quantized q = run(x, w, K, mid, nullptr);
    if (q.scalars["entropy"] <= rate_)
      large = mid, best = std::move(q);
    else
      small = mid;
    if (small > 0 && large / small < 1 + 1e-6) break;
  }
  return best;
}

}  // namespace quantlab
