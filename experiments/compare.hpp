#pragma once
// Two results files side by side (two sweeps, or two commits of one sweep): the runs of each
// grouped into cells by identity columns as a report groups them (a column that varies inside
// a cell joins the keys), B / A of each metric's mean per cell (B − A for a metric in dB),
// and a mark only where the change is beyond the noise: B / A outside [1/factor, factor]
// (in dB: |B − A| above 10 log10 factor), |B − A| above `atol`, and the two cells' mean ± std
// ranges apart (asv compare's rule). Better or worse as the metric's schema entry declares
// ("changed" for a metric that declares neither); a value turned infinite counts as a change.
#include <string>
#include <vector>

#include "experiments/report.hpp"
#include "experiments/results_table.hpp"

namespace quantlab {

struct CompareOptions {
  std::vector<std::string> metrics{"mse"};
  std::vector<std::string> keys{"dataset", "label", "bits"};
  std::vector<std::string> where;
  std::vector<std::string> average_over;
  double factor = 1.01;
  double atol = 1e-12;        ///< changes this small are rounding (a gap of 0 against 2e-16)
  std::string format = "md";  ///< md or csv
};

enum class Change { same, better, worse, changed, only_a, only_b };
/// "same", "better", ...: the CSV's words (Markdown leaves "same" blank).
const char* change_name(Change change);

struct ComparedCell {
  std::vector<std::string> key;
  std::string metric;
  Summary a, b;       ///< count 0: no run on that side
  double change = 0;  ///< B / A, or B − A for a metric in dB (NaN: one side has none)
  Change mark = Change::same;
};

struct Comparison {
  std::vector<std::string> keys;   ///< with the columns added because they vary in a cell
  std::vector<std::string> added;  ///< those
  std::vector<ComparedCell> cells;
  std::size_t failed = 0;  ///< failed runs left out, both sides
};

/// Throws std::invalid_argument naming an unknown column or a bad --where.
Comparison compare_results(const ResultsTable& a, const ResultsTable& b,
                           const CompareOptions& options);

/// What a reader must know: keys added, failed runs left out.
std::vector<std::string> comparison_notes(const Comparison& comparison);

/// Markdown (a table per metric, a line of counts per metric, then the notes) or CSV (long
/// format; the notes are for stderr).
std::string format_comparison(const Comparison& comparison, const CompareOptions& options,
                              const std::string& name_a, const std::string& name_b);

}  // namespace quantlab
