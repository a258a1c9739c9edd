#include "networks/learning_compression.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "algorithms/registry.hpp"

namespace quantlab::networks {
namespace {

arma::vec as_vec(const arma::fmat& m) { return arma::conv_to<arma::vec>::from(arma::vectorise(m)); }

void assign(arma::fmat& m, const arma::vec& v) {
  for (std::size_t i = 0; i < v.n_elem; ++i) m[i] = static_cast<float>(v[i]);
}

}  // namespace

arma::vec c_step(const std::string& kind, const arma::vec& v, std::size_t levels, Generator& generator,
                 int e_min, int e_max) {
  if (kind == "sign") return arma::vec(arma::conv_to<arma::vec>::from(v >= 0) * 2 - 1);
  if (kind == "scaled_sign") {  // a = mean |v|
    const double a = arma::mean(arma::abs(v));
    return arma::vec(a * (arma::conv_to<arma::vec>::from(v >= 0) * 2 - 1));
  }
  if (kind == "ternary") {
    // Sort |v| descending; j* = argmax_j (Σ_{i≤j} |v|_(i)) / √j, a = mean of the j* largest;
    // Δ_i = a sign(v_i) where |v_i| > a/2, else 0.
    const arma::vec sorted = arma::sort(arma::abs(v), "descend");
    double sum = 0, best = -1;
    std::size_t best_j = 1;
    for (std::size_t j = 1; j <= sorted.n_elem; ++j) {
      sum += sorted[j - 1];
      const double score = sum / std::sqrt(static_cast<double>(j));
      if (score > best) best = score, best_j = j;
    }
    const double a = arma::accu(sorted.head(best_j)) / static_cast<double>(best_j);
    arma::vec out(v.n_elem);
    for (std::size_t i = 0; i < v.n_elem; ++i) out[i] = std::abs(v[i]) > a / 2 ? (v[i] >= 0 ? a : -a) : 0.0;
    return out;
  }
  if (kind == "powers_of_two") {
    // sign(v)·2^⌊log2(4|v|/3)⌋ clipped to [2^e_min, 2^e_max]; 0 below 2^(e_min − 1).
    arma::vec out(v.n_elem);
    for (std::size_t i = 0; i < v.n_elem; ++i) {
      const double m = std::abs(v[i]);
      if (m < std::ldexp(1.0, e_min - 1)) {
        out[i] = 0;
        continue;
      }
      const int e = std::clamp(static_cast<int>(std::floor(std::log2(4 * m / 3))), e_min, e_max);
      out[i] = std::copysign(std::ldexp(1.0, e), v[i]);
    }
    return out;
  }
  const AlgorithmInfo* info = find_algorithm(kind);
  if (!info)
    throw std::invalid_argument("unknown C step '" + kind + "' (sign, scaled_sign, ternary, powers_of_two, or " +
                                algorithm_names() + ")");
  const std::size_t distinct = arma::vec(arma::unique(v)).n_elem;
  return info->make(Parameters(info->parameters, {}))->quantize(v, arma::vec(), std::min(levels, distinct), generator)
      .reconstruction;
}

LcResult learning_compression(Network& net, const LabelledImages& train_data, const LabelledImages& test,
                              const LcSettings& s, const std::function<void(const LcStep&)>& after_step) {
  if (s.method != "lc" && s.method != "idc") throw std::invalid_argument("method must be lc or idc");
  const std::vector<Parameter> kernels = net.kernels();
  Generator generator(s.l_step.seed ^ 0x1cULL);
  const std::size_t layers = kernels.size();
  std::vector<arma::vec> delta(layers), multipliers(layers);
  LcResult result;
  result.reference = evaluate(net, test);

  // Δ(Θ) into the net, w kept aside: the score of the quantized network.
  auto score_quantized = [&](std::vector<arma::fmat>* saved) {
    for (std::size_t l = 0; l < layers; ++l) {
      if (saved) saved->push_back(*kernels[l].value);
      assign(*kernels[l].value, delta[l]);
    }
    return evaluate(net, test);
  };
  for (std::size_t l = 0; l < layers; ++l) {
    delta[l] = c_step(s.c_step, as_vec(*kernels[l].value), s.levels, generator);
    multipliers[l].zeros(delta[l].n_elem);
  }
  {
    std::vector<arma::fmat> w;
    result.direct = score_quantized(&w);
    for (std::size_t l = 0; l < layers; ++l) *kernels[l].value = w[l];
  }

  double mu = s.mu0;
  for (std::size_t j = 0; j < s.steps; ++j, mu *= s.mu_factor) {
    TrainingSettings l_step = s.l_step;
    l_step.learning_rate = s.l_step.learning_rate * std::pow(s.lr_step_decay, static_cast<double>(j));
    l_step.seed = s.l_step.seed + j;
    Optimizer optimizer(l_step, net.parameters());
    LcStep step;
    const bool lc = s.method == "lc";
    step.mu = lc ? mu : 0;
    if (!lc)  // iDC: retrain from the quantized weights, without a penalty
      for (std::size_t l = 0; l < layers; ++l) assign(*kernels[l].value, delta[l]);
    // L step: the penalty's gradient μ (w − Δ − λ/μ) added to each kernel's.
    const auto penalty = [&] {
      if (!lc) return;
      for (std::size_t l = 0; l < layers; ++l) {
        const arma::fvec target = arma::conv_to<arma::fvec>::from(delta[l] + multipliers[l] / mu);
        arma::fmat& g = *kernels[l].gradient;
        g += static_cast<float>(mu) * (*kernels[l].value - arma::reshape(target, arma::size(g)));
      }
    };
    train(net, train_data, l_step, optimizer, [&](std::size_t, double loss) { step.train_loss = loss; }, penalty);
    // C step on w − λ/μ, then the multipliers.
    double distance = 0, norm = 0;
    for (std::size_t l = 0; l < layers; ++l) {
      const arma::vec w = as_vec(*kernels[l].value);
      delta[l] = c_step(s.c_step, lc ? arma::vec(w - multipliers[l] / mu) : w, s.levels, generator);
      if (lc) multipliers[l] -= mu * (w - delta[l]);
      distance += arma::accu(arma::square(w - delta[l]));
      norm += arma::accu(arma::square(w));
    }
    step.distance = std::sqrt(distance / norm);
    std::vector<arma::fmat> w;
    step.quantized = score_quantized(&w);
    if (j + 1 < s.steps)
      for (std::size_t l = 0; l < layers; ++l) *kernels[l].value = w[l];
    result.steps.push_back(step);
    if (after_step) after_step(step);
  }
  return result;
}

}  // namespace quantlab::networks
