// Uniform quantization: hand-computed grids, bin means, and the optimal step against a scan.
#include <doctest/doctest.h>

#include "algorithms/uniform.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

namespace {
using Mode = UniformMode;
using Reconstruction = UniformReconstruction;

Quantized uniform(const arma::vec& x, std::size_t K, Mode mode,
                  Reconstruction reconstruction = Reconstruction::grid, double clip = 0,
                  const arma::vec& w = {}) {
  Generator unused(0);
  return UniformQuantizer(mode, reconstruction, clip).quantize(x, w, K, unused);
}
}  // namespace

TEST_CASE("min-max grid: levels min + kΔ, values on a threshold go up") {
  const Quantized q = uniform("0 2.5 7.4 10 1.2", 3, Mode::minmax);
  CHECK(arma::approx_equal(q.reconstruction, arma::vec("0 5 5 10 0"), "absdiff", 1e-12));
  CHECK(arma::approx_equal(q.codebook, arma::vec("0 5 10"), "absdiff", 1e-12));
}

TEST_CASE("symmetric grid: mid-rise for even K, mid-tread for odd K") {
  const arma::vec x = "-3 -0.5 0.2 1.1 2.9";
  CHECK(arma::approx_equal(uniform(x, 4, Mode::symmetric).reconstruction, arma::vec("-3 -1 1 1 3"),
                           "absdiff", 1e-12));
  CHECK(arma::approx_equal(uniform(x, 3, Mode::symmetric).reconstruction, arma::vec("-3 0 0 0 3"),
                           "absdiff", 1e-12));
  // A clipping value narrows the grid and saturates the tails.
  CHECK(arma::approx_equal(uniform(x, 3, Mode::symmetric, Reconstruction::grid, 1).reconstruction,
                           arma::vec("-1 0 0 1 1"), "absdiff", 1e-12));  // -0.5 is a threshold
}

TEST_CASE("centroid reconstruction replaces each bin's level by its weighted mean") {
  const arma::vec x = "0 1 2 6 7 10", w = "1 1 2 1 3 1";
  const Quantized q = uniform(x, 3, Mode::minmax, Reconstruction::centroid, 0, w);
  // Bins of the 0/5/10 grid: {0,1,2}, {6,7}, {10}.
  const double low = (0 + 1 + 4) / 4.0, mid = (6 + 21) / 4.0;
  CHECK(arma::approx_equal(q.reconstruction, arma::vec{low, low, low, mid, mid, 10}, "absdiff",
                           1e-12));
  // An empty bin disappears from the codebook.
  CHECK(uniform("0 0.1 9.9 10", 3, Mode::minmax, Reconstruction::centroid).codebook.n_elem == 2);
}

TEST_CASE("the optimal step beats min-max and matches a fine scan of steps") {
  Generator g(12);
  for (int trial = 0; trial < 6; ++trial) {
    arma::vec x(1500);
    // Gaussian, Laplace, and image-like data: half zeros, the rest integers up to 255.
    for (double& v : x)
      v = trial % 3 == 0   ? g.normal()
          : trial % 3 == 1 ? g.laplace()
                           : (g.uniform() < 0.5 ? 0.0 : static_cast<double>(g.below(256)));
    for (std::size_t K : {2, 4, 8, 16}) {
      const double best = sse(x, {}, uniform(x, K, Mode::optimal_step).reconstruction);
      CHECK(best <= sse(x, {}, uniform(x, K, Mode::minmax).reconstruction) * (1 + 1e-12));
      // Independent scan: every step on a grid of 5,000, centred at the mid-range and at the
      // mean, rounding done here.
      const double max_step = (x.max() - x.min()) / (K - 1);
      double scan = INFINITY;
      for (const double center : {0.5 * (x.min() + x.max()), arma::mean(x)})
        for (int i = 1; i <= 5000; ++i) {
          const double step = max_step * i / 5000;
          double s = 0;
          for (double v : x) {
            double k = std::floor((v - center) / step + 0.5 * (K - 1) + 0.5);
            k = std::min<double>(std::max<double>(k, 0), K - 1);
            const double level = center + (k - 0.5 * (K - 1)) * step;
            s += (v - level) * (v - level);
          }
          scan = std::min(scan, s);
        }
      // Both are searches of a piecewise quadratic with many local minima: the scan finds the
      // same basin up to its resolution.
      CHECK(best <= scan * (1 + 1e-5));
    }
  }
}

TEST_CASE("one level: the mid-range on the grid, the mean with centroids") {
  const arma::vec x = "1 2 6";
  CHECK(arma::all(uniform(x, 1, Mode::minmax).reconstruction == 3.5));
  CHECK(arma::approx_equal(uniform(x, 1, Mode::minmax, Reconstruction::centroid).reconstruction,
                           arma::vec("3 3 3"), "absdiff", 1e-12));
}
