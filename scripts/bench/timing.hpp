#pragma once
// Wall-clock helpers shared by the benchmarks, and the BLAS they run on.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "experiments/openblas_kernels.hpp"
#include "experiments/provenance.hpp"

namespace quantlab::bench {

/// Call first in main: a benchmark that says "one thread" runs OpenBLAS on one thread and on
/// the kernels a sweep would use (the command line's choice, experiments/openblas_kernels.hpp),
/// and prints both with the thread count it reports.
inline void pin_blas(char** argv) {
  choose_openblas_kernels(argv);  // may execute the benchmark again, OpenBLAS set up
  const int threads = pin_blas_to_one_thread();
  std::printf("threads: 1; OpenBLAS: %s kernels (%s), %d thread%s\n\n",
              static_provenance().at("openblas_core").c_str(),
              static_provenance().at("openblas_core_reason").c_str(), threads,
              threads == 1 ? "" : "s");
}

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The median wall time of `repeats` calls of f.
template <class F>
double median_time(int repeats, F f) {
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    f();
    times.push_back(seconds_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace quantlab::bench
