#pragma once
// Independent references for the tests: plain loops, no prefix sums, no sorting tricks.
#include <unistd.h>

#include <armadillo>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "algorithms/generator.hpp"

namespace quantlab::testing {

/// Every byte of a file (empty when it cannot be read).
inline std::vector<char> bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::string& path, const std::vector<char>& b) {
  std::ofstream(path, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
}

/// Σ w (x - x̂)^2 by direct summation; `w` empty = unit weights.
inline double sse(const arma::vec& x, const arma::vec& w, const arma::vec& xhat) {
  double s = 0;
  for (arma::uword i = 0; i < x.n_elem; ++i)
    s += (w.is_empty() ? 1.0 : w[i]) * (x[i] - xhat[i]) * (x[i] - xhat[i]);
  return s;
}

/// Weighted SSE of a set of points around their weighted mean.
inline double group_sse(const std::vector<double>& x, const std::vector<double>& w) {
  double sw = 0, swx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sw += w[i], swx += w[i] * x[i];
  if (sw == 0) return 0;
  const double mean = swx / sw;
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += w[i] * (x[i] - mean) * (x[i] - mean);
  return s;
}

/// n values drawn from a few small integers plus noise-free duplicates, so that ties and
/// multiplicities occur.
inline arma::vec small_data(Generator& g, std::size_t n, bool with_duplicates) {
  arma::vec x(n);
  for (double& v : x) v = with_duplicates ? static_cast<double>(g.below(6)) : g.normal() * 3 + 1;
  return x;
}

inline arma::vec positive_weights(Generator& g, std::size_t n) {
  arma::vec w(n);
  for (double& v : w) v = 0.1 + 2 * g.uniform();
  return w;
}

/// A fresh folder under /tmp, removed with everything in it at the end of the scope.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char pattern[] = "/tmp/quantlab-test-XXXXXX";
    path = ::mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace quantlab::testing
