#pragma once
// Gathers a sweep's run records into <out>/<sweep>.h5: one tidy table in plan order, its
// columns in the result schema's order. Works from the saved plan and the records alone.
#include <string>
#include <vector>

#include "experiments/plan_file.hpp"

namespace quantlab {

struct MergeSummary {
  std::string path;  ///< empty when no table was written
  std::size_t runs = 0, failed = 0, missing = 0;
  std::vector<std::string> bad;  ///< records that do not verify: each one's problem
};

/// Reads every record of `plan` (all of them, so that every bad one is reported at once).
/// With bad records it writes no table unless `skip_bad`, then a table without them.
MergeSummary merge_plan(const SavedPlan& plan, const std::string& out, bool skip_bad);

}  // namespace quantlab
