// Paper 1's solvers as a table (a benchmark, not a test): one l1 solve on m distinct Gaussian
// values (unit weights, λ = λ_max / 100) by the exact O(m) solver and by coordinate descent on
// the explicit m × m design (`solver: dense`, as a generic lasso package solves it), one
// thread. Coordinate descent runs to tol = 1e-9 (relative to the range); its O(m) form takes
// the same sweeps, so where the dense form would take too long its time is the measured time
// per sweep times those sweeps (marked "est."). Also: the exact λ search for K = 16 at m = 10^6.
// Build: meson compile -C build; run: build/sparse_l1_bench [--max-dense M (10000)] [--csv FILE]
// (the CSV feeds `scripts/plot.py paper1-time --timing CSV`).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "algorithms/generator.hpp"
#include "algorithms/sorted_values.hpp"
#include "algorithms/sparse_least_squares.hpp"
#include "scripts/bench/timing.hpp"

using namespace quantlab;
using namespace quantlab::bench;

namespace {

SortedValues gaussian_distinct(std::size_t m, Generator& g) {
  arma::vec x(m);
  for (double& v : x) v = g.normal();
  return SortedValues::from(x, arma::vec());
}

double largest_level_difference(const SparseSolution& a, const SparseSolution& b, std::size_t m) {
  double most = 0;
  std::size_t ga = 0, gb = 0;
  for (std::size_t j = 0; j < m; ++j) {
    while (a.starts[ga + 1] <= j) ++ga;
    while (b.starts[gb + 1] <= j) ++gb;
    most = std::max(most, std::abs(a.levels[ga] - b.levels[gb]));
  }
  return most;
}

}  // namespace

int main(int argc, char** argv) {
  bench::pin_blas(argv);
  std::size_t largest_dense = 10000;
  std::ofstream csv;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--max-dense"))
      largest_dense = std::strtoul(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--csv"))
      csv.open(argv[i + 1]);
    else
      return std::fprintf(stderr, "usage: sparse_l1_bench [--max-dense M] [--csv FILE]\n"), 2;
  }
  if (csv.is_open()) csv << "m,solver,seconds,estimated,levels,sweeps\n";
  const double tol = 1e-9;
  const std::size_t dense_sweep_budget = 50;  // measured sweeps at the largest sizes
  Generator g(2026);

  std::printf("| m | exact | K | sweeps | dense | dense / exact | max level difference |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|\n");
  for (std::size_t m = 100; m <= 10000000; m *= 10) {
    const SortedValues s = gaussian_distinct(m, g);
    const double lambda = sparse_l1_lambda_max(s, false) / 100;
    SparseSolution exact;
    const double exact_time =
        median_time(m <= 1000000 ? 7 : 3, [&] { exact = sparse_l1_solve(s, lambda, false); });
    std::printf("| %zu | %.3g s | %zu |", m, exact_time, exact.levels.size());
    if (csv.is_open()) csv << m << ",exact," << exact_time << ",0," << exact.levels.size() << ",\n";
    if (m > largest_dense) {
      std::printf(" | | | |\n");
      continue;
    }
    std::size_t sweeps = 0;
    const SparseSolution fast =
        sparse_coordinate_descent(s, lambda, 0, false, false, tol, 1000000, &sweeps);
    const std::size_t measured = std::min(sweeps, m >= 10000 ? dense_sweep_budget : sweeps);
    std::size_t dense_sweeps = 0;
    SparseSolution dense;
    const double dense_time = median_time(m >= 10000 ? 1 : 3, [&] {
      dense = sparse_coordinate_descent(s, lambda, 0, false, true, tol, measured, &dense_sweeps);
    });
    const double total =
        dense_time / static_cast<double>(dense_sweeps) * static_cast<double>(sweeps);
    const bool estimated = dense_sweeps < sweeps;
    if (csv.is_open())
      csv << m << ",dense," << total << "," << estimated << ","
          << (estimated ? fast : dense).levels.size() << "," << sweeps << "\n";
    std::printf(" %zu | %.3g s%s | %.3g | %.2g |\n", sweeps, total, estimated ? " est." : "",
                total / exact_time, largest_level_difference(exact, estimated ? fast : dense, m));
  }

  Generator h(7);
  const arma::vec x = [&] {
    arma::vec v(1000000);
    for (double& e : v) e = h.normal();
    return v;
  }();
  Generator unused(0);
  Quantized q;
  const double search = median_time(5, [&] {
    q = SparseLeastSquaresQuantizer(SparseLeastSquaresQuantizer::Penalty::l1, 0, false, false)
            .quantize(x, arma::vec(), 16, unused);
  });
  std::printf(
      "\nsparse_l1, n = 10^6, λ searched for K = 16 (sort and grouping included): %.3f s, "
      "%g solves, K = %zu\n",
      search, q.scalars.at("solves"), static_cast<std::size_t>(q.codebook.n_elem));
  return 0;
}
