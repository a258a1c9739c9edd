#pragma once
// Comparison tables from a results file: one table per metric, rows and columns keyed by
// identity columns, each cell the mean ± sample standard deviation over the runs that share
// the key (the seeds, typically). Markdown, CSV or LaTeX.
#include <string>
#include <vector>

#include "experiments/results_table.hpp"

namespace quantlab {

struct ReportOptions {
  std::vector<std::string> metrics{"mse"};
  std::vector<std::string> rows{"dataset", "label"};
  std::vector<std::string> cols{"bits"};
  std::string format = "md";  ///< md, csv or latex
};

/// Throws std::invalid_argument naming an unknown column or format.
std::string report(const ResultsTable& table, const ReportOptions& options);

}  // namespace quantlab
