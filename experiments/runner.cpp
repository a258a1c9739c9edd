#include "experiments/runner.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "algorithms/position_coding.hpp"
#include "algorithms/registry.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/metrics.hpp"
#include "experiments/network_training.hpp"
#include "experiments/provenance.hpp"
#include "experiments/run_record.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Every diagnostic vector (e.g. the sparse vector's non-zeros) is also kept as a histogram.
constexpr std::size_t diagnostic_histogram_bins = 32;

// The SSE of the exact optimum for one tensor, granularity and K, computed once and shared
// by every run that needs it (and by every thread).
class OptimumCache {
 public:
  double sse(const std::string& key, const std::function<double()>& compute) {
    std::unique_lock<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      auto future = it->second;
      lock.unlock();
      return future.get();
    }
    std::promise<double> promise;
    entries_.emplace(key, promise.get_future().share());
    lock.unlock();
    try {
      promise.set_value(compute());
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
    return entries_.at(key).get();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_future<double>> entries_;
};

RunRecord identity_record(const Plan& plan, const PlannedRun& run) {
  const PlannedTensor& t = plan.tensors[run.tensor];
  RunRecord r;
  r.text = {{"run_id", run.id},
            {"identity", run.identity},
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
    r.text["network_training"] = trains_network(run.training) ? run.training.canonical() : "";
  const arma::vec& x = t.tensor.values;
  r.numbers["data_mean"] = arma::mean(x);
  r.numbers["data_var"] = x.n_elem > 1 ? arma::var(x, 1) : 0.0;
  r.config = plan.config.text;
  return r;
}

// A network trained with its quantization (LC, iDC) or fine-tuned afterwards, the run's
// quantizer as the compression step. `result` becomes the last quantization, holding the
// final weights (and codewords, if fine-tuned).
TrainedCompression train_network(const PlannedTensor& t, const PlannedRun& run,
                                 const Quantizer& quantizer, const arma::vec& weights,
                                 const std::vector<arma::uvec>& groups, GroupedResult& result) {
  GroupedResult last;
  const bool warm_start = run.training.boolean("warm_start");
  const NetworkCompressor compress = [&](const arma::vec& v) {
    Generator generator(run.seed.value_or(0));
    // The first call (direct compression) starts afresh; the C steps after it may warm-start.
    const std::vector<arma::vec> previous =
        warm_start && !last.codebook.empty() ? group_codebooks(last) : std::vector<arma::vec>();
    last = quantize_groups(quantizer, v, weights, groups, distinct_counts(v, groups), run.levels,
                           generator, t.tensor.shape, previous);
    CompressionOutcome outcome{last.reconstruction, codeword_members(last.reconstruction, groups)};
    if (outcome.clusters.size() != last.codebook.size() &&
        run.training.integer("fine_tune_epochs") > 0)
      throw std::invalid_argument(run.algorithm +
                                  "'s codewords are not scalar levels: they cannot be fine-tuned");
    return outcome;
  };
  TrainedCompression trained =
      train_compressed(*t.network, run.training, compress, run.seed.value_or(0));
  const std::vector<arma::uvec> members = codeword_members(last.reconstruction, groups);
  result = std::move(last);
  if (members.size() ==
      result.codebook.size())  // the same indices; fine-tuning moved the codewords
    for (std::size_t c = 0; c < members.size(); ++c)
      result.codebook[c] = trained.reconstruction[members[c][0]];
  result.reconstruction = trained.reconstruction;
  return trained;
}

void measure(const Plan& plan, const PlannedRun& run, OptimumCache& optima, RunRecord& r) {
  const PlannedTensor& t = plan.tensors[run.tensor];
  const AlgorithmInfo& info = *find_algorithm(run.algorithm);
  const auto quantizer = info.make(run.parameters);
  std::vector<arma::uvec> groups =
      t.network ? t.network->groups() : groups_of(t.tensor, run.granularity);
  // A pruned tensor (attribute pruned = zeros): its zeros are pruned positions, left out of
  // quantization, and the positions of the kept values are coded as Huffman-coded gaps.
  const auto pruned_attribute = t.tensor.attributes.find("pruned");
  const bool pruned =
      pruned_attribute != t.tensor.attributes.end() && pruned_attribute->second == "zeros";
  std::vector<std::size_t> kept;
  if (pruned) {
    for (auto& g : groups) g = g.elem(arma::find(t.tensor.values.elem(g) != 0));
    for (arma::uword i = 0; i < t.tensor.size(); ++i)
      if (t.tensor.values[i] != 0) kept.push_back(i);
    if (kept.empty()) throw std::invalid_argument("every value of the pruned tensor is pruned");
    std::vector<arma::uvec> nonempty;
    for (auto& g : groups)
      if (!g.is_empty()) nonempty.push_back(std::move(g));
    groups = std::move(nonempty);
  }
  const std::vector<std::size_t> distinct = distinct_counts(t.tensor.values, groups);
  static const arma::vec no_weights;
  const arma::vec& weights = run.weights == "none" ? no_weights : t.weights.at(run.weights).first;

  GroupedResult result;
  std::vector<double> times;
  for (std::size_t rep = 0; rep < plan.config.repeat; ++rep) {
    Generator generator(run.seed.value_or(0));  // every repetition makes the same draws
    const auto start = Clock::now();
    result = quantize_groups(*quantizer, t.tensor.values, weights, groups, distinct, run.levels,
                             generator, t.tensor.shape);
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  // The metrics below are then of the final weights.
  std::optional<TrainedCompression> trained;
  if (t.network && trains_network(run.training))
    trained = train_network(t, run, *quantizer, weights, groups, result);
  add_coding_statistics(result, groups);

  for (const auto& [key, value] : error_metrics(t.tensor.values, weights, result.reconstruction))
    r.numbers[key] = value;
  r.numbers["levels"] = static_cast<double>(result.max_levels);
  r.numbers["bits_fixed"] = bits_for_levels(result.max_levels);
  r.numbers["entropy_bits"] = result.entropy_bits;
  const double n = static_cast<double>(t.tensor.size());
  r.numbers["huffman_bits"] = result.huffman_bits / n;
  r.numbers["huffman_table_bits"] = result.huffman_table_bits;
  double variable_bits = result.variable_length_bits, fixed_bits = result.fixed_length_bits;
  if (pruned) {
    const PositionBits positions = position_bits(kept);
    r.numbers["pruned_fraction"] = 1 - static_cast<double>(kept.size()) / n;
    r.numbers["position_bits"] = positions.huffman;
    variable_bits += positions.huffman;
    fixed_bits += positions.fixed;
  }
  r.numbers["compression_ratio"] = 32 * n / variable_bits;
  r.numbers["compression_ratio_fixed"] = 32 * n / fixed_bits;
  if (t.network) {  // the whole network: the parameters left out (biases) stored as 32-bit floats
    const double whole = static_cast<double>(t.network->network_parameters);
    r.numbers["network_compression_ratio"] = 32 * whole / (variable_bits + 32 * (whole - n));
    r.numbers["network_compression_ratio_fixed"] = 32 * whole / (fixed_bits + 32 * (whole - n));
  }
  r.numbers["time_s"] = median(times);
  r.numbers["iterations"] = static_cast<double>(result.iterations);
  r.numbers["converged"] = result.converged ? 1 : 0;
  r.numbers["groups"] = static_cast<double>(groups.size());
  r.numbers["clamped_groups"] = static_cast<double>(result.clamped_groups);
  for (const auto& [key, value] : result.scalars) r.numbers["alg_" + key] = value;
  r.vectors["time_s"] = times;
  r.vectors["cluster_sizes"] = result.cluster_sizes;
  r.vectors["codebook"] = result.codebook;
  if (groups.size() > 1) r.vectors["group_levels"] = result.group_levels;
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

  // A network's weights: the network with the reconstruction, scored on its test images,
  // beside the unquantized network.
  if (trained) {
    r.numbers["training_s"] = trained->training_s;
    r.numbers["direct_test_accuracy"] = trained->direct.accuracy;
    r.vectors["lc_mu"] = trained->mu;
    r.vectors["lc_train_loss"] = trained->train_loss;
    r.vectors["lc_test_loss"] = trained->test_loss;
    r.vectors["lc_test_accuracy"] = trained->test_accuracy;
    r.vectors["lc_distance"] = trained->distance;
    r.vectors["fine_tune_test_accuracy"] = trained->fine_tune_test_accuracy;
  }
  if (t.network) {
    const NetworkScore quantized =
        trained ? trained->score : score_network(*t.network, result.reconstruction);
    const NetworkScore reference = reference_score(*t.network, t.tensor.values);
    r.numbers["test_accuracy"] = quantized.accuracy;
    r.numbers["test_loss"] = quantized.loss;
    r.numbers["reference_accuracy"] = reference.accuracy;
    r.numbers["accuracy_drop"] = reference.accuracy - quantized.accuracy;
  }

  // gap_to_optimal = mse / mse_optimal - 1 against the exact optimum, same data and K.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.numbers["mse_optimal"] = nan;
  r.numbers["gap_to_optimal"] = nan;
  // (Not for trained weights: they moved away from the data the optimum quantizes.)
  if (!trained) try {
      const std::string key = t.checksum + "|" + run.granularity.text() + "|" +
                              std::to_string(run.levels) + "|" + run.weights;
      const double optimum = optima.sse(key, [&] {
        const AlgorithmInfo& exact = *find_algorithm("optimal");
        const auto optimal = exact.make(Parameters(exact.parameters, {}));
        Generator unused(0);
        const GroupedResult o = quantize_groups(*optimal, t.tensor.values, weights, groups,
                                                distinct, run.levels, unused);
        return error_metrics(t.tensor.values, weights, o.reconstruction).at("sse");
      });
      const double sse = r.numbers["sse"];
      const double total_weight =
          weights.is_empty() ? static_cast<double>(t.tensor.size()) : arma::accu(weights);
      r.numbers["mse_optimal"] = optimum / total_weight;
      r.numbers["gap_to_optimal"] =
          optimum > 0 ? sse / optimum - 1 : (sse > 0 ? std::numeric_limits<double>::infinity() : 0);
    } catch (const std::exception& e) {
      r.text["optimum_error"] = e.what();
    }
}

// A killed process whose parent has not reaped it is a zombie: it exists but writes nothing.
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: assume it runs
  const auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

std::string format_seconds(double s) {
  char buffer[32];
  if (s < 60)
    std::snprintf(buffer, sizeof buffer, "%.1fs", s);
  else
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(s) / 60,
                  static_cast<int>(s) % 60);
  return buffer;
}

}  // namespace

RunState run_state(const std::string& record) {
  if (!fs::exists(record)) return RunState::missing;
  try {
    return read_run_record(record).text.at("status") == "ok" ? RunState::done : RunState::failed;
  } catch (const std::exception&) {
    return RunState::missing;
  }
}

std::string runs_folder(const std::string& out, const std::string& sweep) {
  return (fs::path(out) / sweep / "runs").string();
}

std::string record_path(const std::string& out, const std::string& sweep, const std::string& id) {
  return (fs::path(runs_folder(out, sweep)) / (id + ".h5")).string();
}

void prepare_output(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || ::access(folder.c_str(), W_OK) != 0)
    throw std::runtime_error("the results folder " + folder + " is not writable" +
                             (error ? " (" + error.message() + ")" : ""));
  // Temporary files of processes on this host that were killed before their rename: they are
  // never read (records appear only by rename), so remove them. Other hosts' are left alone.
  const std::string ours = hdf5::temporary_suffix();
  const std::string host_part =
      ours.substr(0, ours.rfind('.', ours.size() - 2) + 1);  // ".tmp.<host>."
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    const auto at = name.find(host_part);
    if (at == std::string::npos) continue;
    const std::string rest = name.substr(at + host_part.size());  // "<pid>.<n>"
    const pid_t pid = static_cast<pid_t>(std::strtol(rest.c_str(), nullptr, 10));
    if (pid > 0 && !process_alive(pid)) fs::remove(entry.path(), error);
  }
}

RunSummary run_plan(const Plan& plan, const RunnerOptions& options) {
  const std::string folder = runs_folder(options.out, plan.config.name);
  prepare_output(folder);
  const int blas_threads = pin_blas_to_one_thread();

  RunSummary summary;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (!in_shard(i, options.shard, options.shards)) continue;
    ++summary.total;
    const RunState state = run_state(record_path(options.out, plan.config.name, plan.runs[i].id));
    if (state == RunState::done || (state == RunState::failed && !options.rerun_failed))
      ++summary.skipped;
    else
      todo.push_back(i);
  }

  OptimumCache optima;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards summary, fatal and the progress line
  std::string fatal;
  const auto started = Clock::now();
  const std::size_t threads = std::max<std::size_t>(1, std::min(options.threads, todo.size()));

  auto worker = [&] {
    for (;;) {
      const std::size_t k = next++;
      if (k >= todo.size()) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!fatal.empty()) return;
      }
      const PlannedRun& run = plan.runs[todo[k]];
      RunRecord record = identity_record(plan, run);
      record.provenance = static_provenance();
      record.provenance["threads"] = std::to_string(threads);
      record.provenance["blas_threads"] = std::to_string(blas_threads);
      record.provenance["start_time"] = utc_now();
      try {
        measure(plan, run, optima, record);
        record.text["status"] = "ok";
        record.text["error"] = "";
      } catch (const std::exception& e) {
        record.text["status"] = "failed";
        record.text["error"] = e.what();
      }
      record.provenance["end_time"] = utc_now();
      try {
        write_run_record(record_path(options.out, plan.config.name, run.id), record);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (fatal.empty()) fatal = e.what();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      (record.text["status"] == "ok" ? summary.succeeded : summary.failed)++;
      if (options.progress) {
        const std::size_t done = summary.succeeded + summary.failed;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        const double eta =
            elapsed / static_cast<double>(done) * static_cast<double>(todo.size() - done);
        std::fprintf(stderr, "\r%zu/%zu runs  elapsed %s  eta %s   ", done, todo.size(),
                     format_seconds(elapsed).c_str(), format_seconds(eta).c_str());
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (options.progress && !todo.empty()) std::fprintf(stderr, "\n");
  if (!fatal.empty()) throw std::runtime_error(fatal);
  return summary;
}

}  // namespace quantlab
