#include "networks/learning_compression.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "algorithms/fixed_codebook.hpp"
#include "algorithms/registry.hpp"

namespace quantlab::networks {
namespace {

void assign(arma::fmat& m, const arma::vec& v) {
  for (std::size_t i = 0; i < v.n_elem; ++i) m[i] = static_cast<float>(v[i]);
}

}  // namespace

arma::vec c_step(const std::string& kind, const arma::vec& v, std::size_t levels,
                 Generator& generator, const arma::vec& previous, int e_min, int e_max) {
  if (kind == "sign") return nearest_sign(v);
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
    for (std::size_t i = 0; i < v.n_elem; ++i)
      out[i] = std::abs(v[i]) > a / 2 ? (v[i] >= 0 ? a : -a) : 0.0;
    return out;
  }
  if (kind == "powers_of_two") return nearest_power_of_two(v, e_min, e_max);
  const AlgorithmInfo* info = find_algorithm(kind);
  if (!info)
    throw std::invalid_argument("unknown C step '" + kind +
                                "' (sign, scaled_sign, ternary, powers_of_two, or " +
                                algorithm_names() + ")");
  const std::size_t distinct = arma::vec(arma::unique(v)).n_elem;
  return info->make(Parameters(info->parameters, {}))
      ->quantize_from(v, arma::vec(), std::min(levels, distinct), generator, previous)
      .reconstruction;
}

CompressionStep per_parameter_c_step(const std::string& kind, std::size_t levels,
                                     const std::vector<Parameter>& compressed,
                                     Generator& generator) {
  std::vector<std::size_t> sizes;
  for (const auto& p : compressed) sizes.push_back(p.value->n_elem);
  std::vector<arma::vec> codebooks(sizes.size());  // each parameter's previous codebook
  return [kind, levels, sizes, codebooks, &generator](const arma::vec& v) mutable {
    arma::vec out(v.n_elem);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const arma::vec part =
          c_step(kind, v.subvec(offset, offset + sizes[i] - 1), levels, generator, codebooks[i]);
      codebooks[i] = arma::unique(part);
      out.subvec(offset, offset + sizes[i] - 1) = part;
      offset += sizes[i];
    }
    return out;
  };
}

LcResult learning_compression(Network& net, const std::vector<Parameter>& compressed,
                              const CompressionStep& compress, const LabelledImages& train_data,
                              const LabelledImages& test, const LcSettings& s,
                              const std::function<void(const LcStep&)>& after_step,
                              const std::function<void()>& mask_gradients) {
  if (s.method != "lc" && s.method != "idc")
    throw std::invalid_argument("method must be lc or idc");
  const bool lc = s.method == "lc";
  LcResult result;
  result.reference = evaluate(net, test);

  // Δ(Θ) into the net, w kept: the score of the quantized network.
  arma::vec w = concatenated_values(compressed);
  arma::vec delta = compress(w);
  arma::vec multipliers(w.n_elem, arma::fill::zeros);
  auto score_quantized = [&] {
    assign_concatenated(compressed, delta);
    const Evaluation e = evaluate(net, test);
    assign_concatenated(compressed, w);
    return e;
  };
  result.direct = score_quantized();

  double mu = s.mu0;
  for (std::size_t j = 0; j < s.steps; ++j, mu *= s.mu_factor) {
    TrainingSettings l_step = s.l_step;
    l_step.learning_rate =
        s.l_step.learning_rate * std::pow(s.lr_step_decay, static_cast<double>(j));
    l_step.seed = s.l_step.seed + j;
    if (j == 0 && s.first_epochs > 0) l_step.epochs = s.first_epochs;
    Optimizer optimizer(l_step, net.parameters());
    LcStep step;
    step.mu = lc ? mu : 0;
    if (!lc)
      assign_concatenated(compressed,
                          delta);  // iDC: retrain from the quantized weights, without a penalty
    // L step: the penalty's gradient μ (w − Δ − λ/μ) added to each compressed parameter's.
    std::vector<arma::fmat> targets;  // Δ + λ/μ, shaped as each parameter
    for (std::size_t i = 0, offset = 0; lc && i < compressed.size();
         offset += compressed[i++].value->n_elem) {
      targets.emplace_back(arma::size(*compressed[i].value));
      assign(targets.back(),
             delta.subvec(offset, offset + targets.back().n_elem - 1) +
                 multipliers.subvec(offset, offset + targets.back().n_elem - 1) / mu);
    }
    const auto adjust = [&] {
      for (std::size_t i = 0; i < targets.size(); ++i)
        *compressed[i].gradient += static_cast<float>(mu) * (*compressed[i].value - targets[i]);
      if (mask_gradients) mask_gradients();
    };
    train(
        net, train_data, l_step, optimizer,
        [&](std::size_t, double loss) { step.train_loss = loss; }, adjust);
    // C step on w − λ/μ, then the multipliers.
    w = concatenated_values(compressed);
    delta = compress(lc ? arma::vec(w - multipliers / mu) : w);
    if (lc) multipliers -= mu * (w - delta);
    step.distance = arma::norm(w - delta) / arma::norm(w);
    step.quantized = score_quantized();
    result.steps.push_back(step);
    if (after_step) after_step(step);
  }
  assign_concatenated(compressed, delta);
  return result;
}

}  // namespace quantlab::networks
