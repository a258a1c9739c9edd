// The exact optimal quantizer's performance targets, as a table (a benchmark, not a test):
//   n = 10^6 Gaussian doubles, one thread, sort included: time at K = 16 and K = 256, the
//   number of penalised solves, and the peak memory of the process;
//   per-row exact weighted quantization of 4,096 values to K = 16, time per row.
// Build: meson compile -C build; run: build/scripts/bench/optimal_bench
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "algorithms/generator.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/optimal_partition.hpp"
#include "algorithms/sorted_values.hpp"
#include "scripts/bench/timing.hpp"

using namespace quantlab;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

int main(int, char** argv) {
  bench::pin_blas(argv);
  Generator g(2026);
  arma::vec x(1000000);
  for (double& v : x) v = g.normal();

  std::printf("| case | median time | solves | peak memory |\n|---|---:|---:|---:|\n");
  for (std::size_t K : {16, 256}) {
    std::vector<double> times;
    std::size_t solves = 0;
    for (int rep = 0; rep < 5; ++rep) {
      const auto start = Clock::now();
      const SortedValues sorted = SortedValues::from(x, arma::vec());
      const PrefixSums sums(sorted);
      const auto p = optimal_partition_lagrangian(sums, K, &solves);
      times.push_back(seconds_since(start));
      if (!p) std::printf("(K = %zu needed the layered solver)\n", K);
    }
    std::printf("| optimal, n = 10^6, K = %zu, sort included | %.3f s | %zu | %.0f MiB |\n", K,
                median(times), solves, peak_mib());
  }
  {
    const auto start = Clock::now();
    const SortedValues sorted = SortedValues::from(x, arma::vec());
    const double sort_time = seconds_since(start);
    std::printf("| of which sorting and merging 10^6 values | %.3f s | | |\n", sort_time);
  }

  const std::size_t rows = 256, width = 4096;
  std::vector<arma::vec> data(rows), weights(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    data[r].set_size(width);
    weights[r].set_size(width);
    for (std::size_t i = 0; i < width; ++i)
      data[r][i] = g.normal(), weights[r][i] = 0.1 + g.uniform();
  }
  const OptimalQuantizer optimal(2048);
  Generator unused(0);
  std::vector<double> per_row;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = Clock::now();
    for (std::size_t r = 0; r < rows; ++r) optimal.quantize(data[r], weights[r], 16, unused);
    per_row.push_back(seconds_since(start) / rows);
  }
  std::printf("| optimal, weighted, per row of 4,096 values, K = 16 | %.3f ms | | |\n",
              1e3 * median(per_row));
  return 0;
}
