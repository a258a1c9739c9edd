#include "algorithms/kmeans_initialization.hpp"

#include <algorithm>
#include <vector>

namespace quantlab {
namespace {

// Sums of non-negative draw weights with O(log m) update and weighted sampling.
class FenwickTree {
 public:
  explicit FenwickTree(std::size_t n) : tree_(n + 1, 0.0), value_(n, 0.0) {
    for (highest_ = 1; highest_ * 2 <= n; highest_ *= 2) {
    }
  }

  /// All values at once, in O(n): the sums are then those of `values` alone. (Updating from
  /// earlier values by differences would leave their rounding behind: draw weights of 1 then
  /// replaced by squared distances of 1e-18 would be sampled from the rounding.)
  void assign(const std::vector<double>& values) {
    value_ = values;
    assigned_total_ = 0;
    for (double v : values) assigned_total_ += v;
    std::fill(tree_.begin(), tree_.end(), 0.0);
    for (std::size_t k = 1; k < tree_.size(); ++k) {
      tree_[k] += values[k - 1];
      const std::size_t parent = k + (k & (~k + 1));
      if (parent < tree_.size()) tree_[parent] += tree_[k];
    }
  }
  void set(std::size_t i, double v) {
    const double delta = v - value_[i];
    value_[i] = v;
    for (std::size_t k = i + 1; k < tree_.size(); k += k & (~k + 1)) tree_[k] += delta;
  }
  double value(std::size_t i) const { return value_[i]; }
  /// Updates by differences leave the rounding of the values they replaced in the sums: once
  /// the total has fallen far below what it was when built, the sums are built again from
  /// the values themselves (amortised: each rebuild follows a fall by a factor of 2^20).
  void refresh() {
    const double t = total();
    if (!(t > assigned_total_ * 0x1p-20)) assign(std::vector<double>(value_));
  }
  double total() const {
    double s = 0;
    for (std::size_t k = tree_.size() - 1; k > 0; k -= k & (~k + 1)) s += tree_[k];
    return s;
  }
  // The index i where the running sum first exceeds `target` (0 <= target < total),
  // skipping entries of zero weight.
  std::size_t find(double target) const {
    std::size_t pos = 0;
    for (std::size_t step = highest_; step > 0; step /= 2) {
      if (pos + step < tree_.size() && tree_[pos + step] <= target) {
        pos += step;
        target -= tree_[pos];
      }
    }
    // Rounding can land on a zero-weight entry: move to the nearest one that can be drawn.
    std::size_t i = std::min(pos, value_.size() - 1);
    while (i + 1 < value_.size() && value_[i] <= 0) ++i;
    while (i > 0 && value_[i] <= 0) --i;
    return i;
  }

 private:
  std::vector<double> tree_;
  std::vector<double> value_;
  double assigned_total_ = 0;
  std::size_t highest_ = 1;
};

std::size_t draw(FenwickTree& tree, Generator& gen) {
  tree.refresh();
  return tree.find(gen.uniform() * tree.total());
}

arma::vec sorted_centroids(const SortedValues& sorted, const std::vector<std::size_t>& chosen) {
  arma::vec c(chosen.size());
  for (std::size_t k = 0; k < chosen.size(); ++k) c[k] = sorted.values[chosen[k]];
  return arma::sort(c);
}

}  // namespace

arma::vec kmeanspp_initialization(const SortedValues& sorted, std::size_t K, Generator& gen) {
  const std::size_t m = sorted.size();
  const arma::vec& u = sorted.values;
  FenwickTree weight(m);
  weight.assign(std::vector<double>(sorted.weights.begin(), sorted.weights.end()));
  std::vector<double> d2(m, 0.0);
  std::vector<std::size_t> chosen{draw(weight, gen)};

  // Squared distances to the first centroid, then only the new centroid's cell each time.
  std::vector<double> drawn(m);
  for (std::size_t j = 0; j < m; ++j) {
    const double d = u[j] - u[chosen[0]];
    d2[j] = d * d;
    drawn[j] = sorted.weights[j] * d2[j];
  }
  weight.assign(drawn);
  while (chosen.size() < K) {
    const std::size_t p = draw(weight, gen);
    chosen.push_back(p);
    d2[p] = 0;
    weight.set(p, 0);
    for (std::size_t j = p; j-- > 0;) {
      const double d = u[j] - u[p];
      if (!(d * d < d2[j])) break;
      d2[j] = d * d;
      weight.set(j, sorted.weights[j] * d2[j]);
    }
    for (std::size_t j = p + 1; j < m; ++j) {
      const double d = u[j] - u[p];
      if (!(d * d < d2[j])) break;
      d2[j] = d * d;
      weight.set(j, sorted.weights[j] * d2[j]);
    }
  }
  return sorted_centroids(sorted, chosen);
}

arma::vec random_initialization(const SortedValues& sorted, std::size_t K, Generator& gen) {
  FenwickTree weight(sorted.size());
  weight.assign(std::vector<double>(sorted.weights.begin(), sorted.weights.end()));
  std::vector<std::size_t> chosen;
  while (chosen.size() < K) {
    const std::size_t p = draw(weight, gen);
    chosen.push_back(p);
    weight.set(p, 0);
  }
  return sorted_centroids(sorted, chosen);
}

arma::vec quantile_initialization(const SortedValues& sorted, std::size_t K) {
  const arma::vec cumulative = arma::cumsum(sorted.weights);
  const double total = cumulative.back();
  arma::vec c(K);
  for (std::size_t k = 0; k < K; ++k) {
    const double target = total * (static_cast<double>(k) + 0.5) / static_cast<double>(K);
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
    c[k] = sorted.values[std::min<std::size_t>(it - cumulative.begin(), sorted.size() - 1)];
  }
  return c;
}

}  // namespace quantlab
