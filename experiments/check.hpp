#pragma once
// Regression checks of results against a stored reference: runs matched by run id, every
// quality metric compared within a tolerance, missing and extra runs reported.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "experiments/results_table.hpp"

namespace quantlab {

struct Tolerance {
  double rtol = 1e-9;   ///< relative to the reference value
  double atol = 1e-12;  ///< absolute floor: |a - b| <= atol + rtol |reference|
};

struct CheckOptions {
  Tolerance tolerance;  ///< for every metric not named below
  std::map<std::string, Tolerance> per_metric;
  std::set<std::string> ignore{"timing"};  ///< columns, or groups: timing
};

struct Difference {
  std::string run_id, label, column, reference, result;
};

struct CheckReport {
  std::vector<Difference> differences;
  std::vector<std::string> missing;  ///< in the reference, not in the results
  std::vector<std::string> extra;    ///< in the results, not in the reference
  std::size_t compared_runs = 0, compared_values = 0;
  bool passed() const { return differences.empty() && missing.empty() && extra.empty(); }
};

/// Columns compared: every numeric column but the timing group, and the run's status.
CheckReport check_results(const ResultsTable& results, const ResultsTable& reference,
                          const CheckOptions& options);

/// The report as text: a Markdown table of differences, the missing and extra runs, and a
/// last line "check passed: ..." or "check FAILED: ...".
std::string format_check(const CheckReport& report);

}  // namespace quantlab
