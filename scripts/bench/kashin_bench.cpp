// Paper 3's decomposition and quantization times as a table (a benchmark, not a test): a
// 1024 × 1024 Gaussian matrix, one thread, per transform (random: dense products, dct: FFTW,
// hadamard: fast Walsh–Hadamard): the decomposition's time per step, its steps to ‖r‖ ≤ 1e-4
// ‖x‖, and the total time of the kashin quantizer at 4 bits (2-D k-means of the pairs, and
// the optimal 1-D quantizer per factor). Median of 3.
// Build: meson compile -C build; run: build/kashin_bench [n, default 1024]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "algorithms/generator.hpp"
#include "algorithms/kashin.hpp"
#include "algorithms/kashin_decomposition.hpp"
#include "algorithms/orthogonal_transform.hpp"
#include "algorithms/registry.hpp"
#include "scripts/bench/timing.hpp"

using namespace quantlab;
using namespace quantlab::bench;

int main(int argc, char** argv) {
  bench::pin_blas(argv);
  const std::size_t n = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1024;
  Generator g(2026);
  arma::mat x(n, n);
  for (double& v : x) v = g.normal();
  x /= arma::norm(x, "fro");
  const arma::vec flat = arma::vectorise(arma::mat(x.t()));  // row-major, as a tensor holds it

  std::printf("n = %zu x %zu, one thread\n\n", n, n);
  std::printf(
      "| transform | steps | decomposition | per step | quantize, 4 bits, kmeans2d | quantize, 4 "
      "bits, optimal per factor |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const TransformKind kind :
       {TransformKind::random, TransformKind::dct, TransformKind::hadamard}) {
    Generator seeded(1);
    const auto q1 = make_transform(kind, n, seeded);
    const auto q2 = make_transform(kind, n, seeded);
    KashinDecomposition d;
    const double decomposition =
        median_time(3, [&] { d = kashin_decompose(x, *q1, *q2, 1e-4, 200); });
    double totals[2];
    int i = 0;
    // kmeans2d (no 1-D factor quantizer), then the optimal quantizer on each factor.
    const AlgorithmInfo* optimal = find_algorithm("optimal");
    const std::shared_ptr<const Quantizer> factor_quantizers[] = {
        nullptr, optimal->make(Parameters(optimal->parameters, {}))};
    for (const auto& factors : factor_quantizers) {
      const KashinQuantizer kashin(kind, KashinForm::matrix, factors, 1e-4, 200, false, 1);
      totals[i++] = median_time(3, [&] {
        Generator run(1);
        kashin.quantize_matrix(flat, n, n, arma::vec(), 16, run);
      });
    }
    std::printf("| %s | %zu%s | %.3f s | %.2f ms | %.2f s | %.2f s |\n",
                option_name(kind, transform_kinds), d.iterations,
                d.converged ? "" : " (not converged)", decomposition,
                1e3 * decomposition / static_cast<double>(d.iterations), totals[0], totals[1]);
  }
  return 0;
}
