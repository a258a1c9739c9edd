#pragma once
// Runs a plan: every run not yet recorded is quantized (with its timing repetitions),
// measured, compared with the exact optimum for the same data and K, and written as its own
// record under <out>/<sweep>/runs/<run-id>.h5. Runs go to a pool of threads; a run that
// throws is recorded as failed and the sweep goes on.
#include <cstddef>
#include <string>

#include "experiments/plan.hpp"

namespace quantlab {

struct RunnerOptions {
  std::string out = "results";
  std::size_t threads = 1;
  bool progress = false;  ///< done/total, elapsed and ETA on stderr
};

struct RunSummary {
  std::size_t total = 0, skipped = 0, succeeded = 0, failed = 0;
};

/// <out>/<sweep>/runs
std::string runs_folder(const std::string& out, const std::string& sweep);
std::string record_path(const std::string& out, const std::string& sweep, const std::string& id);

/// Creates the runs folder and checks it is writable; throws std::runtime_error (one line).
void prepare_output(const std::string& folder);

/// Throws std::runtime_error when a record cannot be written (the sweep stops: a full disk
/// or a vanished folder would fail every later run too).
RunSummary run_plan(const Plan& plan, const RunnerOptions& options);

}  // namespace quantlab
