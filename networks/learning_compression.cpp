#include "networks/learning_compression.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "algorithms/registry.hpp"

namespace quantlab::networks {
namespace {

void assign(arma::fmat& m, const arma::vec& v) {
  for (std::size_t i = 0; i < v.n_elem; ++i) m[i] = static_cast<float>(v[i]);
}

}  // namespace

const AlgorithmInfo& c_step_quantizer(const std::string& kind, std::size_t levels) {
  const AlgorithmInfo* info = find_algorithm(kind);
  if (!info)
    throw std::invalid_argument("unknown C step '" + kind + "' (one of " + algorithm_names() + ")");
  const std::string why = rule_violation(*info, Parameters(info->parameters, {}), levels);
  if (!why.empty()) throw std::invalid_argument("C step " + kind + ": " + why);
  return *info;
}

namespace {

// Δ(Θ) for v by the quantizer of a C step. An adaptive codebook has at most as many codewords
// as the layer has distinct values; a fixed codebook's K is its shape (powers_of_two: the
// number of exponents).
arma::vec c_step_by(const AlgorithmInfo& info, const Quantizer& quantizer, const arma::vec& v,
                    std::size_t levels, Generator& generator, const arma::vec& previous) {
  const std::size_t K =
      info.levels_rule ? levels : std::min<std::size_t>(levels, arma::vec(arma::unique(v)).n_elem);
  return quantizer.quantize_from(v, arma::vec(), K, generator, previous).reconstruction;
}

}  // namespace

arma::vec c_step(const std::string& kind, const arma::vec& v, std::size_t levels,
                 Generator& generator, const arma::vec& previous) {
  const AlgorithmInfo& info = c_step_quantizer(kind, levels);
  return c_step_by(info, *info.make(Parameters(info.parameters, {})), v, levels, generator,
                   previous);
}

CompressionStep per_parameter_c_step(const std::string& kind, std::size_t levels,
                                     const std::vector<Parameter>& compressed,
                                     Generator& generator) {
  // The quantizer is resolved and checked once, not at every C step.
  const AlgorithmInfo& info = c_step_quantizer(kind, levels);
  const std::shared_ptr<const Quantizer> quantizer = info.make(Parameters(info.parameters, {}));
  std::vector<std::size_t> sizes;
  for (const auto& p : compressed) sizes.push_back(p.value->n_elem);
  std::vector<arma::vec> codebooks(sizes.size());  // each parameter's previous codebook
  return [&info, quantizer, levels, sizes, codebooks, &generator](const arma::vec& v) mutable {
    arma::vec out(v.n_elem);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      const arma::vec part = c_step_by(info, *quantizer, v.subvec(offset, offset + sizes[i] - 1),
                                       levels, generator, codebooks[i]);
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
  const bool lc = s.method == LcMethod::lc;
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
