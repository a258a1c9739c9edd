#pragma once
// The plan of a sweep as run, stored beside its records: <out>/<sweep>/plan.json (run ids in
// plan order, with what each run is) and the config text once, in
// <out>/<sweep>/configs/<sha256>.yaml (records hold only its hash). merge, status, report and
// check work from these and the records alone: no dataset is read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/plan.hpp"
#include "experiments/text_column.hpp"

namespace quantlab {

struct SavedRun {
  std::string run_id, dataset, tensor, granularity, algorithm, label;
  std::size_t levels = 0;
  std::optional<std::uint64_t> seed;
};

/// A saved plan's runs by column: the run ids side by side, the fields a sweep repeats over
/// its runs (dataset, tensor, granularity, algorithm, label) as codes into their distinct
/// values. About 60 bytes a run (a plan of 10^6 runs in 60 MB, not 250).
class SavedRuns {
 public:
  void push_back(const SavedRun& run);
  std::size_t size() const { return levels_.size(); }
  bool empty() const { return levels_.empty(); }
  std::string_view run_id(std::size_t i) const {
    const std::size_t start = i ? id_ends_[i - 1] : 0;
    return std::string_view(ids_).substr(start, id_ends_[i] - start);
  }
  /// Run i whole (its strings made).
  SavedRun operator[](std::size_t i) const;

 private:
  std::string ids_;
  std::vector<std::size_t> id_ends_;
  TextColumn datasets_, tensors_, granularities_, algorithms_, labels_;
  std::vector<std::size_t> levels_;
  std::vector<std::uint64_t> seeds_;
  std::vector<bool> seeded_;
};

struct SavedPlan {
  std::string sweep;
  std::string config_sha256;
  std::string config;  ///< the config text
  SavedRuns runs;
};

/// The plan's runs as they are stored (and printed by `plan --format json`).
SavedPlan saved_plan(const Plan& plan);

std::string plan_file_path(const std::string& out, const std::string& sweep);
std::string config_file_path(const std::string& out, const std::string& sweep,
                             const std::string& config_sha256);

/// Writes plan.json and the config text (if not there yet), atomically.
void write_plan_file(const std::string& out, const SavedPlan& plan);

/// The sweep's saved plan, or nothing when no run has written one. Throws
/// std::runtime_error (one line, naming the file) when it is unreadable.
std::optional<SavedPlan> read_plan_file(const std::string& out, const std::string& sweep);

/// The plan as JSON (stable keys: format, format_version, sweep, config_sha256, runs[]:
/// index, run_id, dataset, tensor, granularity, algorithm, label, levels, seed).
std::string plan_json(const SavedPlan& plan, bool with_config);

}  // namespace quantlab
