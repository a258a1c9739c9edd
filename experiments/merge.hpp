#pragma once
// Gathers a sweep's run records into <out>/<sweep>.h5: one tidy table in plan order, its
// columns in the result schema's order. Works from the saved plan and the records alone.
#include <string>
#include <vector>

#include "experiments/plan_file.hpp"
#include "experiments/record_log.hpp"

namespace quantlab {

struct MergeSummary {
  std::string path;  ///< empty when no table was written
  std::size_t runs = 0, failed = 0, missing = 0;
  std::size_t orphans = 0;         ///< records of runs the plan no longer has (left out)
  std::vector<std::string> bad;    ///< records that do not verify: each one's problem
  std::vector<std::string> notes;  ///< files in the runs folder that are not read
};

/// Reads every record of the sweep's logs (all of them, so that every bad one is reported at
/// once), in parallel, and tables the plan's runs.
/// With bad records it writes no table unless `skip_bad`, then a table without them.
MergeSummary merge_plan(const SavedPlan& plan, const std::string& out, bool skip_bad);
/// The same from records already indexed (index_records of the sweep's runs folder), so that
/// a caller can index them while it reads the plan.
MergeSummary merge_plan(const SavedPlan& plan, const RecordIndex& index, const std::string& out,
                        bool skip_bad);

}  // namespace quantlab
