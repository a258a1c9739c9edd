#pragma once
// Two results files side by side (two sweeps, or two commits of one sweep): the runs of each
// grouped into cells by identity columns as a report groups them (a column that varies inside
// a cell joins the keys), the ratio B / A of each metric's mean per cell, and a mark only where
// the change is beyond the noise: the ratio outside [1/factor, factor] and the two cells'
// mean ± std ranges apart (asv compare's rule). Better or worse as the metric's schema entry
// declares; "changed" for a metric that declares neither.
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
  std::string format = "md";  ///< md or csv
};

enum class Change { same, better, worse, changed, only_a, only_b };
const char* change_name(Change change);

struct ComparedCell {
  std::vector<std::string> key;
  std::string metric;
  Summary a, b;  ///< count 0: no run on that side
  double ratio = 0;
  Change change = Change::same;
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

/// Markdown (a table per metric, then a line of counts per metric) or CSV (long format).
std::string format_comparison(const Comparison& comparison, const CompareOptions& options,
                              const std::string& name_a, const std::string& name_b);

}  // namespace quantlab
