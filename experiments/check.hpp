#pragma once
// Regression checks of results against a stored reference, by the result schema's groups:
// runs matched by run id; every identity text compared exactly; every quality, coding,
// algorithm and network number, and every stored vector, within a tolerance; timing and
// provenance ignored unless asked. A check that compares nothing, a column or vector on one
// side only, or a duplicate run id fails.
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
  std::set<std::string> ignore{"timing", "provenance"};  ///< groups (result_schema) or columns
};

struct Difference {
  std::string run_id, label, column, reference, result;
};

struct CheckReport {
  std::vector<Difference> differences;
  std::vector<std::string> missing;   ///< in the reference, not in the results
  std::vector<std::string> extra;     ///< in the results, not in the reference
  std::vector<std::string> problems;  ///< duplicate ids, one-sided columns, nothing compared
  std::size_t compared_runs = 0, compared_values = 0;
  bool passed() const {
    return differences.empty() && missing.empty() && extra.empty() && problems.empty();
  }
};

/// Throws std::invalid_argument for an --ignore entry that is neither a group nor a column of
/// either side.
CheckReport check_results(const ResultsTable& results, const Distributions& result_vectors,
                          const ResultsTable& reference, const Distributions& reference_vectors,
                          const CheckOptions& options);

/// The report as text: a Markdown table of differences, the missing and extra runs, the
/// problems, and a last line "check passed: ..." or "check FAILED: ...".
std::string format_check(const CheckReport& report);

}  // namespace quantlab
