#pragma once
// The result schema: every column a run record or a merged table can hold, declared once
// with its type, group, unit, how the values of a run's groups combine, and a one-line doc.
// The runner writes through it (an undeclared column is an error), merge orders the table by
// it, check compares by its groups, `quantlab columns` prints it and results/README.md's
// column table is generated from it. Algorithm-specific columns (alg_*, diag_*, hist_*) come
// from each algorithm's declared outputs (algorithms/outputs.hpp).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/outputs.hpp"
#include "algorithms/registry.hpp"

namespace quantlab {

enum class ColumnType { text, number, vector };

enum class ColumnGroup {
  identity,    ///< what was run: compared as text or exactly by check
  quality,     ///< how good the reconstruction is
  coding,      ///< what storing it costs
  algorithm,   ///< an algorithm's own outputs
  timing,      ///< wall times: differ between identical runs, ignored by check by default
  network,     ///< a network's accuracy and training curves
  provenance,  ///< versions, host, times: ignored by check by default
};

/// Which way a metric improves, for `quantlab compare`'s marks (unknown: it is only "changed").
enum class Better { unknown, lower, higher };

struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::number;
  ColumnGroup group = ColumnGroup::quality;
  std::string unit;
  Combine combine = Combine::none;
  std::string doc;
  Better better = Better::unknown;
};

const char* type_name(ColumnType type);
const char* group_name(ColumnGroup group);
std::optional<ColumnGroup> parse_group(const std::string& name);
/// "identity, quality, ...", for messages.
std::string group_names();

/// The columns every sweep can have, in the merged table's order (then the algorithms').
const std::vector<ColumnSpec>& core_columns();

/// An algorithm's columns: alg_<name> for each scalar output (and, for a per-group output of
/// a run with several groups, the vector alg_<name>), diag_<name> for each diagnostic,
/// hist_<name> and hist_<name>_edges for each diagnostic and histogram.
std::vector<ColumnSpec> algorithm_columns(const AlgorithmInfo& info);

/// The declaration of `name` as a scalar (text or number) or as a vector; for alg_*, diag_*
/// and hist_* the algorithm's (`algorithm` empty: any algorithm's). nullptr if undeclared.
const ColumnSpec* find_column(std::string_view name, bool vector, std::string_view algorithm = {});

/// The schema as Markdown: the core columns, then each algorithm's (`quantlab columns`).
std::string schema_markdown();

}  // namespace quantlab
