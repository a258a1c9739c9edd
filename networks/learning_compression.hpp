#pragma once
// The learning-compression (LC) algorithm of paper 4 (../shared/papers/04-learning-compression.md)
// for quantizing a trained network's parameters (its kernels, or a sweep's selection):
//   Θ ← C(w); λ ← 0                                    (alone: direct compression, DC)
//   for μ = μ0, μ0·a, …:
//     L step: w ← argmin L(w) + (μ/2) ‖w − Δ(Θ) − λ/μ‖²  (training with a penalty, warm start)
//     C step: Θ ← C(w − λ/μ)                            (quantization of the shifted weights)
//     λ ← λ − μ (w − Δ(Θ))
// and iterated direct compression (iDC): train from Δ(Θ) without a penalty, quantize, repeat.
// C steps: any function of the concatenated values; c_step() gives a registered quantizer
// with K levels (an adaptive or a fixed codebook), one codebook per layer.
#include <functional>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "networks/training.hpp"

namespace quantlab::networks {

/// The registered quantizer called `kind` as a C step with `levels` codewords: adaptive
/// codebooks (kmeans, optimal, ...) and paper 4's fixed ones (sign {−1, +1}, ls1 {−a, +a},
/// lsT {−a, 0, +a}, powers_of_two {0, ±2^e}). Throws std::invalid_argument naming the C step
/// when there is none of that name or `levels` breaks its rules (sign: 2; powers_of_two: odd).
const AlgorithmInfo& c_step_quantizer(const std::string& kind, std::size_t levels);

/// Δ(Θ) for one layer's values v by the C step `kind` with its default parameters.
/// `generator` feeds seeded quantizers; `previous`, the codebook of the previous C step,
/// warm-starts those that refine a start (k-means, Quantizer::quantize_from).
arma::vec c_step(const std::string& kind, const arma::vec& v, std::size_t levels,
                 Generator& generator, const arma::vec& previous = {});

/// A C step: Δ(Θ) for the compressed parameters' values v (their concatenation, each in its
/// memory order), whatever codebooks it keeps (one per layer, one for all, ...).
using CompressionStep = std::function<arma::vec(const arma::vec& v)>;

/// The C step of one codebook per parameter by c_step(kind, ·, levels, generator), each
/// warm-started from that parameter's previous codebook; throws as c_step_quantizer does.
CompressionStep per_parameter_c_step(const std::string& kind, std::size_t levels,
                                     const std::vector<Parameter>& compressed,
                                     Generator& generator);

/// lc: the LC algorithm; idc: iterated direct compression.
enum class LcMethod { lc, idc };

inline constexpr OptionName<LcMethod> lc_methods[] = {{LcMethod::lc, "lc"}, {LcMethod::idc, "idc"}};

struct LcSettings {
  LcMethod method = LcMethod::lc;
  double mu0 = 9e-5, mu_factor = 1.1;
  std::size_t steps = 40;
  TrainingSettings l_step;  ///< per L step: epochs, batch, optimizer; lr × lr_step_decay^j
  std::size_t first_epochs =
      0;  ///< epochs of the first L step (0: l_step.epochs; the toolkit's 40)
  double lr_step_decay = 0.98;
};

struct LcStep {
  double mu = 0;          ///< 0 for iDC
  double train_loss = 0;  ///< of the last L-step epoch (with the penalty's weights w)
  double distance = 0;    ///< ‖w − Δ(Θ)‖ / ‖w‖ over the compressed parameters
  Evaluation quantized;   ///< the network with Δ(Θ) on the test images
};

struct LcResult {
  Evaluation reference, direct;  ///< the trained network, and Δ(C(w)) before any L step (DC)
  std::vector<LcStep> steps;
};

/// Runs LC (or iDC) on the `compressed` parameters of `net` (the other parameters train
/// freely in the L steps); on return they hold Δ(Θ). `mask_gradients`, called after the
/// penalty is added, may zero gradients (a pruned network's pruned positions).
LcResult learning_compression(Network& net, const std::vector<Parameter>& compressed,
                              const CompressionStep& c_step, const LabelledImages& train,
                              const LabelledImages& test, const LcSettings& settings,
                              const std::function<void(const LcStep&)>& after_step = {},
                              const std::function<void()>& mask_gradients = {});

}  // namespace quantlab::networks
