#pragma once
// Runs a plan: every run not yet recorded is quantized (with its timing repetitions),
// measured, compared with the exact optimum for the same data and K, and appended to this
// process's record log in <out>/<sweep>/runs (experiments/record_log.hpp); the plan itself
// goes to <out>/<sweep>/plan.json (experiments/plan_file.hpp). Runs go to a pool of threads; a run
// that throws is recorded as failed and the sweep goes on.
#include <cstddef>
#include <string>
#include <vector>

#include "experiments/plan.hpp"
#include "experiments/record_log.hpp"
#include "experiments/run_stages.hpp"

namespace quantlab {

struct RunnerOptions {
  std::string out = "results";
  std::size_t threads = 1;
  /// Progress on stderr: a line rewritten in place after every run (a terminal), or, when
  /// `progress_every` > 0, a line every that many seconds (a batch log): runs done, failed,
  /// rate and ETA.
  bool progress = false;
  double progress_every = 0;
  /// SIGINT (Ctrl-C) stops the sweep after the runs in progress instead of killing it (a
  /// second one kills it); RunSummary::interrupted says so.
  bool stop_on_interrupt = false;
  std::size_t shard = 0;  ///< run only the runs whose plan index is shard mod shards
  std::size_t shards = 1;
  bool rerun_failed = false;  ///< run again the runs recorded as failed
};

struct FailedRun {
  std::size_t index;  ///< in the plan
  std::string id, label, message;
};

struct RunSummary {
  std::size_t total = 0, skipped = 0, succeeded = 0, failed = 0;
  std::vector<std::string> bad_records;  ///< run again: each record's problem
  std::vector<std::string> notes;        ///< files in the runs folder that are not read
  std::size_t repaired_logs = 0;         ///< logs rewritten without their damaged bytes
  std::vector<FailedRun> failures;       ///< the runs that failed now, in plan order
  bool interrupted = false;              ///< stopped by SIGINT; the rest is still to run
  /// Where the time went: seconds summed over the workers (quantize and measure, optimum
  /// reference, record encoding and writing), and the runs' wall time from first to last.
  StageSeconds seconds;
  double record_seconds = 0, wall_seconds = 0;
};

/// Whether plan index `index` belongs to shard `shard` of `shards` (round robin, so every
/// shard gets a similar mix of datasets and algorithms).
inline bool in_shard(std::size_t index, std::size_t shard, std::size_t shards) {
  return index % shards == shard;
}

/// <out>/<sweep>/runs: the sweep's record logs (experiments/record_log.hpp).
std::string runs_folder(const std::string& out, const std::string& sweep);

/// Creates the runs folder and checks it is writable; throws std::runtime_error (one line).
void prepare_output(const std::string& folder);

/// Throws std::runtime_error when a record cannot be written (the sweep stops: a full disk
/// or a vanished folder would fail every later run too).
RunSummary run_plan(const Plan& plan, const RunnerOptions& options);

}  // namespace quantlab
