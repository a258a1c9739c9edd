#pragma once
// A static page for one or more results files (`quantlab report --html DIR`): each file's
// summary and config, its failed runs, the report's tables (sortable by a small inline
// script), the plots (SVG files beside the page) and the provenance of the runs. One file,
// no server, nothing fetched from elsewhere.
#include <string>
#include <vector>

#include "experiments/report.hpp"
#include "experiments/results_table.hpp"

namespace quantlab {

struct Figure {
  std::string file;     ///< beside the page
  std::string caption;  ///< what it shows
  std::string missing;  ///< why it was not drawn (empty: it was)
};

/// `tables[i]` was read from `paths[i]`; `stacked` is them as one table (stack_results).
/// Throws std::invalid_argument as report does.
std::string html_page(const std::vector<std::string>& paths,
                      const std::vector<ResultsTable>& tables, const ResultsTable& stacked,
                      const ReportOptions& options, const std::vector<Figure>& figures);

}  // namespace quantlab
