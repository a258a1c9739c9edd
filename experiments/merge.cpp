#include "experiments/merge.hpp"

#include <filesystem>
#include <iterator>
#include <limits>
#include <set>
#include <thread>

#include "datasets/temporary_files.hpp"
#include "experiments/record_log.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/results_table.hpp"
#include "experiments/runner.hpp"

namespace quantlab {
namespace {

// Appends one record's fields as row `row` of `columns`. Both are sorted by name, so one walk
// over the columns finds every field; a new column, or one the last rows lacked, is padded
// with `empty` first.
template <class Columns, class Fields, class Cell>
void append_row(Columns& columns, Fields& fields, std::size_t row, const Cell& empty) {
  auto column = columns.begin();
  for (auto& [name, value] : fields) {
    while (column != columns.end() && column->first < name) ++column;
    if (column == columns.end() || column->first != name)
      column = columns.emplace_hint(column, name, typename Columns::mapped_type());
    column->second.resize(row, empty);
    column->second.push_back(std::move(value));
  }
}

}  // namespace

MergeSummary merge_plan(const SavedPlan& plan, const std::string& out, bool skip_bad) {
  MergeSummary summary;
  const RecordIndex index = index_records(runs_folder(out, plan.sweep), plan.sweep);
  summary.bad = index.bad;
  summary.notes = index.notes;
  std::vector<std::string> ids;
  for (const auto& run : plan.runs) {
    if (index.state(run.run_id) == RunState::missing)
      ++summary.missing;
    else
      ids.push_back(run.run_id);
  }
  summary.orphans = index.runs.size() - ids.size();
  if (!summary.bad.empty() && !skip_bad) return summary;
  // Records decoded a chunk at a time (in parallel) straight into the table's columns: memory
  // holds the table, never every record at once. A column is padded with empty cells up to
  // the row it is next given (and to the last row at the end).
  ResultsTable table;
  table.sweep = plan.sweep;
  table.config = plan.config;
  VectorColumns vectors;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::size_t row = 0;
  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr std::size_t chunk = 4096;
  for (std::size_t first = 0; first < ids.size(); first += chunk) {
    const std::vector<std::string> some(
        ids.begin() + static_cast<long>(first),
        ids.begin() + static_cast<long>(std::min(first + chunk, ids.size())));
    for (RunRecord& r : index.read(some, threads)) {
      summary.failed += r.text.at("status") != "ok";
      for (auto it = r.provenance.begin(); it != r.provenance.end();)  // text wins over it
        it = r.text.count(it->first) ? r.provenance.erase(it) : std::next(it);
      append_row(table.text, r.text, row, std::string());
      append_row(table.text, r.provenance, row, std::string());
      append_row(table.numbers, r.numbers, row, nan);
      for (const auto& [k, v] : r.vectors) vectors[k].set(row, v);
      ++row;
    }
  }
  for (auto& [k, column] : table.text) column.resize(row);
  for (auto& [k, column] : table.numbers) column.resize(row, nan);
  for (auto& [k, c] : vectors) c.end_at(row);
  table.rows = summary.runs = row;

  // The schema's order: the core columns, then the algorithms' (sorted by name).
  for (const auto& c : core_columns())
    if (c.type != ColumnType::vector && table.has(c.name)) table.columns.push_back(c.name);
  std::set<std::string> placed(table.columns.begin(), table.columns.end());
  for (const auto& [c, values] : table.numbers)
    if (placed.insert(c).second) table.columns.push_back(c);
  for (const auto& [c, values] : table.text)
    if (placed.insert(c).second) table.columns.push_back(c);

  summary.path = (std::filesystem::path(out) / (plan.sweep + ".h5")).string();
  remove_dead_temporaries(out);  // a killed merge's
  write_results(summary.path, table, vectors);
  return summary;
}

}  // namespace quantlab
