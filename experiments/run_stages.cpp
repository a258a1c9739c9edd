#include "experiments/run_stages.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "algorithms/position_coding.hpp"
#include "algorithms/registry.hpp"
#include "experiments/metrics.hpp"
#include "experiments/network_training.hpp"

namespace quantlab {
namespace {

using Clock = std::chrono::steady_clock;

// Every diagnostic vector (e.g. the sparse vector's non-zeros) is also kept as a histogram.
constexpr std::size_t diagnostic_histogram_bins = 32;

const arma::vec& run_weights(const PlannedTensor& t, const PlannedRun& run) {
  static const arma::vec none;
  return run.weights == "none" ? none : t.weights.at(run.weights).first;
}

// The target trained with its quantization (a network: LC, iDC, or fine-tuning afterwards),
// the run's quantizer as the compression step. `result` becomes the last quantization,
// holding the final weights (and codewords, if fine-tuned).
TrainedCompression train_target(const PlannedTensor& t, const PlannedRun& run,
                                const AlgorithmInfo& info, const Quantizer& quantizer,
                                const RunGroups& g, GroupedResult& result) {
  const std::vector<TensorGroup>& groups = g.groups;
  GroupedResult last;
  const arma::vec& weights = run_weights(t, run);
  const bool warm_start = run.training.boolean("warm_start");
  const NetworkCompressor compress = [&](const arma::vec& v) {
    Generator generator(run.seed.value_or(0));
    // The first call (direct compression) starts afresh; the C steps after it may warm-start.
    const std::vector<arma::vec> previous =
        warm_start && !last.codebook.empty() ? group_codebooks(last) : std::vector<arma::vec>();
    last = quantize_groups(quantizer, info.outputs, v, weights, groups,
                           distinct_counts(v, groups, run.levels), run.levels, generator,
                           g.matrices, previous);
    CompressionOutcome outcome{last.reconstruction, codeword_members(last.reconstruction, groups)};
    if (outcome.clusters.size() != last.codebook.size() &&
        run.training.integer("fine_tune_epochs") > 0)
      throw std::invalid_argument(run.algorithm +
                                  "'s codewords are not scalar levels: they cannot be fine-tuned");
    return outcome;
  };
  TrainedCompression trained = t.target().train(run.training, compress, run.seed.value_or(0));
  const std::vector<arma::uvec> members = codeword_members(last.reconstruction, groups);
  result = std::move(last);
  // The same indices; fine-tuning moved the codewords.
  if (members.size() == result.codebook.size())
    for (std::size_t c = 0; c < members.size(); ++c)
      result.codebook[c] = trained.reconstruction[members[c][0]];
  result.reconstruction = trained.reconstruction;
  return trained;
}

// The one place where a run's values become its columns.
void record_columns(const RunGroups& g, const RunQuantization& q, const RunCoding& coding,
                    const std::map<std::string, double>& errors,
                    const std::optional<RunNetworkScore>& score,
                    const std::optional<OptimumReference>& optimum, RunRecord& r) {
  const GroupedResult& result = q.result;
  for (const auto& [key, value] : errors) r.numbers[key] = value;
  r.numbers["levels"] = static_cast<double>(result.max_levels);
  r.numbers["bits_fixed"] = bits_for_levels(result.max_levels);
  r.numbers["entropy_bits"] = result.entropy_bits;
  r.numbers["huffman_bits"] = result.huffman_bits / coding.n;
  r.numbers["huffman_table_bits"] = result.huffman_table_bits;
  if (coding.pruned_fraction) r.numbers["pruned_fraction"] = *coding.pruned_fraction;
  if (coding.position_bits) r.numbers["position_bits"] = *coding.position_bits;
  if (coding.position_bits_arithmetic) {
    r.numbers["position_bits_arithmetic"] = *coding.position_bits_arithmetic;
    r.numbers["compression_ratio_arithmetic_positions"] = *coding.ratio_arithmetic_positions;
  }
  if (coding.model_ratio_arithmetic_positions)
    r.numbers["network_compression_ratio_arithmetic_positions"] =
        *coding.model_ratio_arithmetic_positions;
  r.numbers["compression_ratio"] = 32 * coding.n / coding.variable_bits;
  r.numbers["compression_ratio_fixed"] = 32 * coding.n / coding.fixed_bits;
  if (coding.model) {
    r.numbers["network_compression_ratio"] = coding.model->variable_length;
    r.numbers["network_compression_ratio_fixed"] = coding.model->fixed_length;
  }
  r.numbers["time_s"] = median(q.times);
  r.numbers["iterations"] = static_cast<double>(result.iterations);
  r.numbers["converged"] = result.converged ? 1 : 0;
  r.numbers["groups"] = static_cast<double>(g.groups.size());
  r.numbers["clamped_groups"] = static_cast<double>(result.clamped_groups);
  for (const auto& [key, value] : result.scalars) r.numbers["alg_" + key] = value;
  for (const auto& [key, values] : result.per_group) r.vectors["alg_" + key] = values;
  r.vectors["time_s"] = q.times;
  r.vectors["cluster_sizes"] = result.cluster_sizes;
  r.vectors["codebook"] = result.codebook;
  if (g.groups.size() > 1) r.vectors["group_levels"] = result.group_levels;
  auto record_histogram = [&](const std::string& key, const std::vector<double>& value) {
    const Histogram h = histogram(value, diagnostic_histogram_bins);
    r.vectors["hist_" + key] = h.counts;
    r.vectors["hist_" + key + "_edges"] = h.edges;
  };
  for (const auto& [key, value] : result.diagnostics) {
    r.vectors["diag_" + key] = value;
    record_histogram(key, value);
  }
  for (const auto& [key, value] : result.histograms) record_histogram(key, value);
  if (q.trained) {
    const TrainedCompression& t = *q.trained;
    r.numbers["training_s"] = t.training_s;
    r.numbers["direct_test_accuracy"] = t.direct.accuracy;
    r.vectors["lc_mu"] = t.mu;
    r.vectors["lc_train_loss"] = t.train_loss;
    r.vectors["lc_test_loss"] = t.test_loss;
    r.vectors["lc_test_accuracy"] = t.test_accuracy;
    r.vectors["lc_distance"] = t.distance;
    r.vectors["fine_tune_test_accuracy"] = t.fine_tune_test_accuracy;
  }
  if (score) {
    r.numbers["test_accuracy"] = score->quantized.accuracy;
    r.numbers["test_loss"] = score->quantized.loss;
    r.numbers["reference_accuracy"] = score->reference.accuracy;
    r.numbers["accuracy_drop"] = score->reference.accuracy - score->quantized.accuracy;
    if (std::isfinite(score->quantized.validation_accuracy)) {
      r.numbers["validation_accuracy"] = score->quantized.validation_accuracy;
      r.numbers["validation_loss"] = score->quantized.validation_loss;
      r.numbers["reference_validation_accuracy"] = score->reference.validation_accuracy;
    }
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.numbers["sse_optimal"] = optimum && optimum->error.empty() ? optimum->sse_optimal : nan;
  r.numbers["mse_optimal"] = optimum && optimum->error.empty() ? optimum->mse_optimal : nan;
  r.numbers["gap_to_optimal"] = optimum && optimum->error.empty() ? optimum->gap_to_optimal : nan;
  if (optimum && !optimum->error.empty()) r.text["optimum_error"] = optimum->error;
}

}  // namespace

double OptimumCache::sse(const std::string& key, const std::function<double()>& compute) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    auto future = it->second;
    lock.unlock();
    return future.get();
  }
  std::promise<double> promise;
  auto future = promise.get_future().share();
  entries_.emplace(key, future);
  lock.unlock();
  try {
    promise.set_value(compute());
  } catch (...) {
    promise.set_exception(std::current_exception());
  }
  return future.get();
}

void OptimumCache::offer(const std::string& key, double sse) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.count(key)) return;
  std::promise<double> promise;
  promise.set_value(sse);
  entries_.emplace(key, promise.get_future().share());
}

RunRecord identity_record(const Plan& plan, const PlannedRun& run) {
  const PlannedTensor& t = plan.tensors[run.tensor];
  RunRecord r;
  r.text = {{"run_id", run.id},
            {"identity", run.identity()},
            {"sweep", plan.config.name},
            {"dataset", t.dataset},
            {"source", t.source},
            {"tensor", t.tensor.name},
            {"tensor_checksum", t.checksum},
            {"shape", t.tensor.shape_text()},
            {"granularity", run.granularity.text()},
            {"weights", run.weights},
            {"algorithm", run.algorithm},
            {"label", run.label},
            {"parameters", run.parameters.canonical()}};
  r.numbers = {{"levels_requested", static_cast<double>(run.levels)},
               {"bits", static_cast<double>(bits_for_levels(run.levels))},
               {"seed", run.seed ? static_cast<double>(*run.seed) : -1.0},
               {"n", static_cast<double>(t.tensor.size())}};
  if (auto g = t.tensor.attributes.find("generator"); g != t.tensor.attributes.end())
    r.text["data_generator"] = g->second;
  if (t.network)  // the network: block's settings, resolved ("" when the run quantizes once)
    r.text["network_training"] =
        alters_network(run.training) ? network_training_text(run.training) : "";
  const arma::vec& x = t.tensor.values;
  const double mean = arma::mean(x);
  r.numbers["data_mean"] = mean;
  r.numbers["data_var"] = variance_about(x, mean);
  return r;
}

RunGroups run_groups(const PlannedTensor& t, const PlannedRun& run) {
  RunGroups g;
  g.groups = t.target().groups(t.tensor, run.granularity);
  g.matrices = t.kept_matrices(g.groups, run.granularity);
  // A pruned tensor (attribute pruned = zeros): its zeros are pruned positions, left out of
  // quantization, and the positions of the kept values are coded as Huffman-coded gaps.
  g.pruned = t.zeros_pruned();
  if (g.pruned) {
    for (arma::uword i = 0; i < t.tensor.size(); ++i)
      if (t.tensor.values[i] != 0) g.kept.push_back(i);
    if (g.kept.empty()) throw std::invalid_argument("every value of the pruned tensor is pruned");
    std::vector<TensorGroup> nonempty;
    std::vector<MatrixShape> matrices;  // those of the groups left
    for (std::size_t i = 0; i < g.groups.size(); ++i) {
      const TensorGroup& group = g.groups[i];
      arma::uvec kept = group.indices().elem(arma::find(group.values_of(t.tensor.values) != 0));
      if (kept.is_empty()) continue;
      if (!g.matrices.empty()) matrices.push_back(g.matrices[i]);
      nonempty.emplace_back(std::move(kept));
    }
    g.groups = std::move(nonempty);
    g.matrices = std::move(matrices);
  }
  g.distinct = distinct_counts(t.tensor.values, g.groups, run.levels);
  return g;
}

RunQuantization quantize_run(const PlannedTensor& t, const PlannedRun& run, const RunGroups& g,
                             std::size_t repeat, std::size_t threads) {
  const AlgorithmInfo& info = *find_algorithm(run.algorithm);
  const auto quantizer = info.make(run.parameters);
  const arma::vec& weights = run_weights(t, run);
  RunQuantization q;
  for (std::size_t rep = 0; rep < repeat; ++rep) {
    Generator generator(run.seed.value_or(0));  // every repetition makes the same draws
    const auto start = Clock::now();
    q.result = quantize_groups(*quantizer, info.outputs, t.tensor.values, weights, g.groups,
                               g.distinct, run.levels, generator, g.matrices, {}, threads);
    q.times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (t.target().trains(run.training))
    q.trained = train_target(t, run, info, *quantizer, g, q.result);
  return q;
}

RunCoding coding_costs(const PlannedTensor& t, const RunGroups& g, GroupedResult& result) {
  add_coding_statistics(result, g.groups);
  RunCoding c;
  c.n = static_cast<double>(t.tensor.size());
  c.variable_bits = result.variable_length_bits;
  c.fixed_bits = result.fixed_length_bits;
  if (g.pruned) {
    const PositionBits positions =
        position_bits(g.kept, t.target().position_parts(t.tensor.size()));
    c.pruned_fraction = 1 - static_cast<double>(g.kept.size()) / c.n;
    c.position_bits = positions.huffman;
    c.position_bits_arithmetic = positions.arithmetic;
    c.variable_bits += positions.huffman;
    c.fixed_bits += positions.fixed;
    const double arithmetic_bits = c.variable_bits - positions.huffman + positions.arithmetic;
    c.ratio_arithmetic_positions = 32 * c.n / arithmetic_bits;
    if (auto model = t.target().model_ratios(c.n, arithmetic_bits, c.fixed_bits))
      c.model_ratio_arithmetic_positions = model->variable_length;
  }
  c.model = t.target().model_ratios(c.n, c.variable_bits, c.fixed_bits);
  return c;
}

std::optional<RunNetworkScore> network_score(const PlannedTensor& t, const PlannedRun& run,
                                             const RunQuantization& q) {
  const RunTarget& target = t.target();
  const std::optional<NetworkScore> reference = target.reference_score(t.tensor.values);
  if (!reference) return std::nullopt;
  return RunNetworkScore{
      q.trained ? q.trained->score : *target.score(q.result.reconstruction, run.training),
      *reference};
}

std::string optimum_key(const PlannedTensor& t, const PlannedRun& run) {
  const auto pruned = t.tensor.attributes.find("pruned");
  return t.checksum + "|" + t.tensor.shape_text() + "|" + run.granularity.text() + "|" +
         std::to_string(run.levels) + "|" + run.weights + "|" +
         (pruned == t.tensor.attributes.end() ? "" : pruned->second);
}

std::optional<OptimumReference> optimum_reference(const PlannedTensor& t, const PlannedRun& run,
                                                  const RunGroups& g, const RunQuantization& q,
                                                  double sse, OptimumCache& optima,
                                                  std::size_t threads) {
  if (q.trained) return std::nullopt;
  const arma::vec& weights = run_weights(t, run);
  const std::string key = optimum_key(t, run);
  // An `optimal` run is its own reference (its parameters bound memory, not the result).
  if (run.algorithm == "optimal") optima.offer(key, sse);
  OptimumReference o;
  try {
    const double optimum = optima.sse(key, [&] {
      // K at least every group's distinct values: the optimum gives each value its own level,
      // exactly (algorithms/optimal.cpp), so its error is exactly zero without a partition.
      bool every_value_a_level = !g.pruned;
      for (std::size_t i = 0; i < g.groups.size() && every_value_a_level; ++i)
        every_value_a_level = g.distinct[i] < run.levels || g.groups[i].size() <= run.levels;
      if (every_value_a_level) return 0.0;
      const AlgorithmInfo& exact = *find_algorithm("optimal");
      const auto optimal = exact.make(Parameters(exact.parameters, {}));
      Generator unused(0);
      const GroupedResult r =
          quantize_groups(*optimal, exact.outputs, t.tensor.values, weights, g.groups, g.distinct,
                          run.levels, unused, {}, {}, threads);
      return error_metrics(t.tensor.values, weights, r.reconstruction).at("sse");
    });
    const double total_weight =
        weights.is_empty() ? static_cast<double>(t.tensor.size()) : arma::accu(weights);
    o.sse_optimal = optimum;
    o.mse_optimal = optimum / total_weight;
    // gap_to_optimal = mse / mse_optimal - 1 against the exact optimum, same data and K.
    o.gap_to_optimal =
        optimum > 0 ? sse / optimum - 1 : (sse > 0 ? std::numeric_limits<double>::infinity() : 0);
  } catch (const std::exception& e) {
    o.error = e.what();
  }
  return o;
}

void measure_run(const Plan& plan, const PlannedRun& run, OptimumCache& optima, RunRecord& r,
                 const MeasureOptions& options) {
  const auto started = Clock::now();
  const PlannedTensor& t = plan.tensors[run.tensor];
  RunGroups groups = run_groups(t, run);
  RunQuantization quantization = quantize_run(t, run, groups, plan.config.repeat, options.threads);
  const RunCoding coding = coding_costs(t, groups, quantization.result);
  const auto errors =
      error_metrics(t.tensor.values, run_weights(t, run), quantization.result.reconstruction);
  // An error that is not a finite number is no result (never an mse of inf beside a gap of 0).
  for (const char* key : {"sse", "mse", "max_abs_err"})
    if (!std::isfinite(errors.at(key)))
      throw std::runtime_error(std::string("the ") + key + " is not finite (" +
                               std::to_string(errors.at(key)) + ")");
  const auto score = network_score(t, run, quantization);
  const auto measured = Clock::now();
  const auto optimum = options.optimum
                           ? optimum_reference(t, run, groups, quantization, errors.at("sse"),
                                               optima, options.threads)
                           : std::nullopt;
  if (options.seconds) {
    options.seconds->measure += std::chrono::duration<double>(measured - started).count();
    options.seconds->optimum += std::chrono::duration<double>(Clock::now() - measured).count();
  }
  record_columns(groups, quantization, coding, errors, score, optimum, r);
  if (options.result) *options.result = std::move(quantization.result);
  if (options.groups) *options.groups = std::move(groups);
}

}  // namespace quantlab
