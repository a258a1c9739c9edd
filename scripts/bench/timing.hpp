#pragma once
// Wall-clock helpers shared by the benchmarks.
#include <algorithm>
#include <chrono>
#include <vector>

namespace quantlab::bench {

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
