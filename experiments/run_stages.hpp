#pragma once
// One run, as stages that return values: its groups → quantize and time (and train, for a
// network block) → coding statistics → error metrics → network score → optimum reference.
// measure_run composes them and record_columns turns their values into the run's declared
// columns (experiments/result_schema.hpp); nothing else writes a column.
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "experiments/grouped_quantization.hpp"
#include "experiments/plan.hpp"
#include "experiments/run_record.hpp"

namespace quantlab {

/// The SSE of the exact optimum for one tensor, granularity, weights and K, computed once
/// and shared by every run that needs it (and by every thread).
class OptimumCache {
 public:
  double sse(const std::string& key, const std::function<double()>& compute);
  /// Records an optimum already computed (an `optimal` run's own SSE).
  void offer(const std::string& key, double sse);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_future<double>> entries_;
};

/// What is quantized: the groups (a codebook each) and, for a pruned tensor, the kept
/// positions (its zeros are left out and their positions coded).
struct RunGroups {
  std::vector<TensorGroup> groups;
  std::vector<MatrixShape> matrices;  ///< each group's matrix form (none: all flat)
  std::vector<std::size_t> distinct;  ///< distinct values per group, counted up to K
  std::vector<std::size_t> kept;      ///< pruned tensors: flat indices of the kept values
  bool pruned = false;
};
RunGroups run_groups(const PlannedTensor& tensor, const PlannedRun& run);

/// The quantization (of the final weights, for a trained network), its timing repetitions,
/// and the training, if the run's network block trains.
struct RunQuantization {
  GroupedResult result;
  std::vector<double> times;
  std::optional<TrainedCompression> trained;
};
RunQuantization quantize_run(const PlannedTensor& tensor, const PlannedRun& run,
                             const RunGroups& groups, std::size_t repeat, std::size_t threads = 1);

/// The coding costs (paper 5, eq. (1) and (2)), the kept positions included.
struct RunCoding {
  double n = 0, variable_bits = 0, fixed_bits = 0;
  std::optional<double> pruned_fraction, position_bits;
  /// Pruned: the positions arithmetic-coded, and the variable-length ratios with them so.
  std::optional<double> position_bits_arithmetic, ratio_arithmetic_positions;
  std::optional<ModelRatios> model;  ///< the whole model (a network target)
  std::optional<double> model_ratio_arithmetic_positions;
};
RunCoding coding_costs(const PlannedTensor& tensor, const RunGroups& groups, GroupedResult& result);

/// The network with the reconstruction on its test images, beside the unquantized network.
struct RunNetworkScore {
  NetworkScore quantized, reference;
};
std::optional<RunNetworkScore> network_score(const PlannedTensor& tensor, const PlannedRun& run,
                                             const RunQuantization& quantization);

/// What the optimum reference depends on: the data (its checksum), granularity, K, weights.
std::string optimum_key(const PlannedTensor& tensor, const PlannedRun& run);

/// The exact optimum's mse and the run's gap to it (none for trained networks, whose weights
/// moved away from the data the optimum quantizes).
struct OptimumReference {
  double sse_optimal = 0, mse_optimal = 0, gap_to_optimal = 0;
  std::string error;  ///< why it could not be computed
};
std::optional<OptimumReference> optimum_reference(const PlannedTensor& tensor,
                                                  const PlannedRun& run, const RunGroups& groups,
                                                  const RunQuantization& quantization, double sse,
                                                  OptimumCache& optima, std::size_t threads = 1);

/// The run's identity columns (what was run), before it runs.
RunRecord identity_record(const Plan& plan, const PlannedRun& run);

/// Beyond the columns: the optimum reference can be left out (its columns are then NaN), the
/// quantization itself handed back (the Python module returns the reconstruction), and the
/// groups quantized on several threads (a sweep runs its runs at once instead).
/// Where a run's time went, in seconds: its stages up to the optimum (quantization with its
/// repetitions, training, coding, metrics, score), and the optimum reference.
struct StageSeconds {
  double measure = 0, optimum = 0;
};

struct MeasureOptions {
  bool optimum = true;
  GroupedResult* result = nullptr;
  RunGroups* groups = nullptr;
  std::size_t threads = 1;
  StageSeconds* seconds = nullptr;
};

/// Runs the stages and adds their columns to `record`. Throws what a stage throws (the run
/// then fails).
void measure_run(const Plan& plan, const PlannedRun& run, OptimumCache& optima, RunRecord& record,
                 const MeasureOptions& options = {});

}  // namespace quantlab
