// Bit-packed inner products of scaled binary expansions (paper 2) against the float dot
// product of the reconstructions, as a table (a benchmark, not a test).
// Build: meson compile -C build; run: build/packed_dot_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "algorithms/generator.hpp"
#include "algorithms/least_squares_binary.hpp"
#include "scripts/bench/timing.hpp"

using namespace quantlab;
using Clock = std::chrono::steady_clock;

namespace {

// Median seconds per call of f over enough repetitions to last about 0.2 s.
template <typename F>
double time_per_call(F&& f) {
  volatile double sink = 0;
  std::size_t reps = 1;
  for (;;) {
    const auto start = Clock::now();
    for (std::size_t r = 0; r < reps; ++r) sink = sink + f();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (s > 0.2) return s / static_cast<double>(reps);
    reps *= 2;
  }
}

}  // namespace

int main(int, char** argv) {
  bench::pin_blas(argv);
  Generator g(7);
  std::printf(
      "| n | bits (x × w) | packed | float64 dot | float32 dot | packed speed-up vs float32 |\n");
  std::printf("|---:|---|---:|---:|---:|---:|\n");
  for (std::size_t n : {1000, 10000, 100000, 1000000, 10000000}) {
    arma::vec x(n), w(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = g.normal(), w[i] = g.normal();
    for (std::size_t bits : {1, 2}) {
      const BinaryExpansion ex = least_squares_binary(x, {}, BinaryMethod::gf, bits);
      const BinaryExpansion ew = least_squares_binary(w, {}, BinaryMethod::gf, bits);
      const arma::vec rx = ex.reconstruct(), rw = ew.reconstruct();
      const arma::fvec fx = arma::conv_to<arma::fvec>::from(rx),
                       fw = arma::conv_to<arma::fvec>::from(rw);
      const double packed = time_per_call([&] { return ex.dot(ew); });
      const double dense = time_per_call([&] { return arma::dot(rx, rw); });
      const double single = time_per_call([&] { return static_cast<double>(arma::dot(fx, fw)); });
      std::printf("| %zu | %zu × %zu | %.3g s | %.3g s | %.3g s | %.1f× |\n", n, bits, bits, packed,
                  dense, single, single / packed);
    }
  }
  return 0;
}
