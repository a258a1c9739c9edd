// The exact optimal quantizer's performance targets, as tables (a benchmark, not a test):
//  1. n = 10^6 Gaussian doubles, one thread, sort included: time at K = 16 and K = 256, the
//     number of penalised solves, and the peak memory of the process; per-row exact weighted
//     quantization of 4,096 values to K = 16, time per row.
//  2. Against the floor: the whole optimal quantizer (sort, search, codewords and
//     reconstruction) beside a plain LSD radix sort of the same values' bit patterns plus the
//     three prefix sums, at n = 10^5 ... 10^7 (10^8 with --max-n 100000000) and K = 2 ... 4096,
//     on Gaussian doubles and on the same values rounded to float32 and to bfloat16 (whose
//     distinct values are few: the programme's size no longer grows with n).
// Build: meson compile -C build; run: build/optimal_bench [--max-n N] [--floor-only]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "algorithms/generator.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/optimal_partition.hpp"
#include "algorithms/sorted_values.hpp"
#include "scripts/bench/timing.hpp"

using namespace quantlab;
using bench::Clock;
using bench::seconds_since;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double peak_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// The floor: a plain LSD radix sort (11-bit digits, every pass, counts in one pass) of the
// values' order-preserving bit patterns, then the prefix sums of 1, u and u^2 over them.
// Returns the last prefix sum, so that nothing is optimised away.
double radix_sort_and_prefix_sums(const arma::vec& x) {
  const std::size_t n = x.n_elem;
  std::vector<std::uint64_t> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, &x[i], sizeof bits);
    a[i] = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
  }
  constexpr int digits = 6, width = 11;
  std::vector<std::uint32_t> count(digits << width, 0);
  for (const std::uint64_t k : a)
    for (int d = 0; d < digits; ++d) ++count[(d << width) + ((k >> (d * width)) & 2047)];
  for (int d = 0; d < digits; ++d) {
    std::uint32_t* c = &count[d << width];
    std::uint32_t sum = 0;
    for (int v = 0; v < 2048; ++v) {
      const std::uint32_t here = c[v];
      c[v] = sum;
      sum += here;
    }
    for (const std::uint64_t k : a) b[c[(k >> (d * width)) & 2047]++] = k;
    a.swap(b);
  }
  std::vector<double> w(n + 1, 0), wx(n + 1, 0), wxx(n + 1, 0);
  for (std::size_t j = 0; j < n; ++j) {
    const std::uint64_t k = a[j];
    const std::uint64_t bits = (k >> 63) ? k & ~(std::uint64_t{1} << 63) : ~k;
    double u;
    std::memcpy(&u, &bits, sizeof u);
    w[j + 1] = w[j] + 1;
    wx[j + 1] = wx[j] + u;
    wxx[j + 1] = wxx[j] + u * u;
  }
  return wxx[n];
}

double rounded(double v, int kind) {
  if (kind == 1) return static_cast<float>(v);
  if (kind == 2) {  // bfloat16: float32 with the low 16 bits rounded off (to nearest even)
    const float f = static_cast<float>(v);
    std::uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    bits = (bits + 0x7fff + ((bits >> 16) & 1)) & 0xffff0000u;
    float r;
    std::memcpy(&r, &bits, sizeof r);
    return r;
  }
  return v;
}

void targets_table(Generator& g) {
  arma::vec x(1000000);
  for (double& v : x) v = g.normal();
  std::printf("| case | median time | solves | peak memory |\n|---|---:|---:|---:|\n");
  for (std::size_t K : {16, 256}) {
    std::vector<double> times;
    std::size_t solves = 0;
    for (int rep = 0; rep < 5; ++rep) {
      const auto start = Clock::now();
      const SortedValues sorted = SortedValues::from(x, arma::vec(), positions_for(K));
      const PrefixSums sums(sorted);
      const auto p = optimal_partition_lagrangian(sums, K, &solves);
      times.push_back(seconds_since(start));
      if (!p) std::printf("(K = %zu needed the layered solver)\n", K);
    }
    std::printf("| optimal, n = 10^6, K = %zu, sort included | %.3f s | %zu | %.0f MiB |\n", K,
                median(times), solves, peak_mib());
  }
  std::vector<double> sort_times;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = Clock::now();
    const SortedValues sorted = SortedValues::from(x, arma::vec(), Positions::skip);
    sort_times.push_back(seconds_since(start));
  }
  std::printf("| of which sorting and merging 10^6 values | %.3f s | | |\n", median(sort_times));

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
  std::printf("| optimal, weighted, per row of 4,096 values, K = 16 | %.3f ms | | |\n\n",
              1e3 * median(per_row));
}

void floor_table(Generator& g, std::size_t max_n) {
  std::printf(
      "The whole optimal quantizer against the floor (radix sort + prefix sums of the same "
      "values), one thread, median of 3 (of 1 at n >= 10^8); ratio = optimal / floor\n\n"
      "| data | n | distinct | floor s | K = 2 | K = 16 | K = 256 | K = 4096 |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|\n");
  const char* kinds[] = {"float64", "float32", "bfloat16"};
  const OptimalQuantizer optimal(2048);
  for (std::size_t n = 100000; n <= max_n; n *= 10) {
    arma::vec gaussian(n);
    for (double& v : gaussian) v = g.normal();
    const int repeats = n >= 100000000 ? 1 : 3;
    for (int kind = 0; kind < 3; ++kind) {
      arma::vec x(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = rounded(gaussian[i], kind);
      volatile double sink = 0;
      const double floor =
          bench::median_time(repeats, [&] { sink = radix_sort_and_prefix_sums(x); });
      const std::size_t distinct = SortedValues::from(x, arma::vec(), Positions::skip).size();
      std::printf("| %s | %zu | %zu | %.3f |", kinds[kind], n, distinct, floor);
      for (std::size_t K : {2, 16, 256, 4096}) {
        if (K >= distinct) {  // a level for every distinct value: nothing to search
          std::printf(" K >= distinct |");
          continue;
        }
        Generator unused(0);
        const double t =
            bench::median_time(repeats, [&] { optimal.quantize(x, arma::vec(), K, unused); });
        std::printf(" %.3f s (%.1fx) |", t, t / floor);
      }
      std::printf("\n");
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::pin_blas(argv);
  std::size_t max_n = 10000000;
  bool floor_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-n" && i + 1 < argc) max_n = std::stoull(argv[++i]);
    if (a == "--floor-only") floor_only = true;
  }
  Generator g(2026);
  if (!floor_only) targets_table(g);
  floor_table(g, max_n);
  return 0;
}
