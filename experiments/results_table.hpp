#pragma once
// The merged results of a sweep: one tidy table, one row per run and one column per identity
// field, metric and provenance field (layout in results/README.md), plus each run's vectors.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "experiments/text_column.hpp"

namespace quantlab {

struct ResultsTable {
  std::string sweep;
  std::string config;                                  ///< the sweep config's text
  std::vector<std::string> columns;                    ///< in display order
  std::map<std::string, TextColumn> text;              ///< string columns
  std::map<std::string, std::vector<double>> numbers;  ///< numeric columns (NaN = missing)
  std::size_t rows = 0;

  bool has(const std::string& column) const { return text.count(column) || numbers.count(column); }
  /// A cell as text (numbers in %.10g).
  std::string cell(const std::string& column, std::size_t row) const;
};

/// The rows of several results files as one table, with a first column `results` naming each
/// row's file (`names[i]` for tables[i]); a column a file lacks is NaN or empty in its rows.
/// One table is returned as it is. Throws std::invalid_argument when a column is text in one
/// file and numeric in another.
ResultsTable stack_results(const std::vector<ResultsTable>& tables,
                           const std::vector<std::string>& names);

/// `distributions[run_id][name]`: the vectors of each run (timings, cluster sizes, ...).
using Distributions = std::map<std::string, std::map<std::string, std::vector<double>>>;

/// The same vectors as stored: for each name, every row's vector one after the other, row r's
/// being values[offsets[r], offsets[r + 1]) (empty where the run has none). One dataset pair
/// a name, not one a run: a merge of 10^5 runs writes a few dozen datasets, not 10^5 groups.
struct VectorColumn {
  std::vector<double> values;
  std::vector<std::int64_t> offsets{0};  ///< rows + 1 entries

  /// Row `row`'s vector, after every row set so far (the rows between get empty ranges).
  void set(std::size_t row, const std::vector<double>& vector);
  /// The same, from `size` doubles at `data` (not necessarily aligned).
  void set(std::size_t row, const char* data, std::size_t size);
  /// Empty ranges for the rows after the last one set, up to `rows`.
  void end_at(std::size_t rows);
};
using VectorColumns = std::map<std::string, VectorColumn, std::less<>>;

void write_results(const std::string& path, const ResultsTable& table,
                   const VectorColumns& vectors);
void write_results(const std::string& path, const ResultsTable& table,
                   const Distributions& distributions);
/// Throws std::runtime_error (one line) when the file is missing, corrupt (its checksum),
/// of another format version, or not a well-formed table (columns of unequal length, no
/// run_id, a text code out of range). `distributions`, when given, receives every run's
/// vectors (check compares them) from the same read of the file. Reads format 4, format 3
/// (text cells as strings) and the per-run groups of format 2.
ResultsTable read_results(const std::string& path, Distributions* distributions = nullptr);

}  // namespace quantlab
