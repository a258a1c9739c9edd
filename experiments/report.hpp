#pragma once
// Comparison tables from one or more results files: one table per metric, rows and columns
// keyed by identity columns, each cell the mean ± sample standard deviation over the runs
// that share the key (the seeds). Nothing is averaged silently: an identity column that varies
// inside a cell is added to the row keys, and said so, unless `average_over` names it.
// Markdown, tidy CSV, LaTeX (booktabs) or HTML; every label is escaped for its format.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "experiments/results_table.hpp"

namespace quantlab {

struct ReportOptions {
  std::vector<std::string> metrics{"mse"};
  std::vector<std::string> rows{"dataset", "label"};
  std::vector<std::string> cols{"bits"};
  std::vector<std::string> where;         ///< COLUMN=VALUE[,VALUE...]: runs matching each
  std::vector<std::string> average_over;  ///< identity columns averaged over, besides the seed
  std::string format = "md";              ///< md, csv, latex or html
};

/// The ok runs of a report, grouped into cells.
struct CellGrid {
  std::vector<std::string> rows, cols;  ///< the key columns (rows: with those added)
  std::vector<std::string> added;       ///< added to the rows: they vary inside a cell
  std::vector<std::vector<std::string>> row_keys, col_keys;  ///< in display order
  /// values[metric][{row key, column key}]: the cell's values (runs without one left out).
  std::map<std::string, std::map<std::pair<std::size_t, std::size_t>, std::vector<double>>> values;
  std::size_t failed = 0;  ///< failed runs among those selected
};

/// Mean and sample standard deviation (0 for one value) of a cell.
struct Summary {
  double mean = 0, std = 0;
  std::size_t count = 0;
};
Summary summarise(const std::vector<double>& values);

/// Throws std::invalid_argument naming an unknown column, a bad --where, or a filter that
/// leaves no run.
CellGrid tabulate(const ResultsTable& table, const ReportOptions& options);

/// What a reader of the tables must know: columns added to the rows, failed runs left out.
std::vector<std::string> report_notes(const CellGrid& grid, const ReportOptions& options);

/// The tables of `grid` in options.format (the notes inside, except in CSV).
std::string format_report(const CellGrid& grid, const ReportOptions& options);

/// tabulate, then format_report. Throws std::invalid_argument as tabulate does, or naming an
/// unknown format.
std::string report(const ResultsTable& table, const ReportOptions& options);

/// The rows matching every COLUMN=VALUE[,VALUE...] of `where` (commas inside brackets belong
/// to the value: kmeans(init=quantile,n_init=3) is one). Throws std::invalid_argument as
/// tabulate does.
ResultsTable select_rows(const ResultsTable& table, const std::vector<std::string>& where);

std::string joined(const std::vector<std::string>& parts, const std::string& separator);
/// snprintf of one number.
std::string formatted(const char* format, double x);

/// Labels escaped for a format.
std::string markdown_escaped(const std::string& text);
std::string csv_field(const std::string& text);
std::string latex_escaped(const std::string& text);
std::string html_escaped(const std::string& text);

}  // namespace quantlab
