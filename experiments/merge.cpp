#include "experiments/merge.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <limits>
#include <set>
#include <thread>

#include "datasets/temporary_files.hpp"
#include "experiments/parallel_for.hpp"
#include "experiments/record_log.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/results_table.hpp"
#include "experiments/runner.hpp"

namespace quantlab {
namespace {

// Appends records' fields to the table's columns. The records of a sweep mostly hold the
// same fields in the same order, so the column of a record's i-th field is looked up by name
// only when it is not the last record's i-th.
template <class Columns>
class ColumnAppender {
 public:
  using Column = typename Columns::mapped_type;
  explicit ColumnAppender(Columns& columns) : columns_(columns) {}

  Column& column(std::size_t i, std::string_view name) {
    if (i < last_.size() && last_[i].first == name) return *last_[i].second;
    Column& c = columns_[std::string(name)];
    if (i >= last_.size()) last_.resize(i + 1);
    last_[i] = {std::string(name), &c};
    return c;
  }
  /// `fields` as row `row`: a column that the last rows lacked is padded with `empty` first.
  template <class Fields, class Cell>
  void append(const Fields& fields, std::size_t row, const Cell& empty) {
    std::size_t i = 0;
    for (const auto& [name, value] : fields) {
      Column& c = column(i++, name);
      c.resize(row, empty);
      c.push_back(value);
    }
  }

 private:
  Columns& columns_;
  std::vector<std::pair<std::string, Column*>> last_;  ///< by field position
};

// The provenance cells of a record: its own, and its log's shared ones it lacks, by name.
// (No provenance column is a text column, so none of these is among its text fields.)
using Cells = std::vector<std::pair<std::string_view, std::string_view>>;
void provenance_cells(const RecordView& r, const std::map<std::string, std::string>& shared,
                      Cells& out) {
  out.clear();
  auto own = r.provenance.begin();
  auto common = shared.begin();
  while (own != r.provenance.end() || common != shared.end()) {
    if (common == shared.end() || (own != r.provenance.end() && own->first <= common->first)) {
      if (common != shared.end() && own->first == common->first) ++common;  // its own wins
      out.push_back(*own++);
    } else {
      out.emplace_back(common->first, common->second);
      ++common;
    }
  }
}

}  // namespace

MergeSummary merge_plan(const SavedPlan& plan, const std::string& out, bool skip_bad) {
  return merge_plan(plan, index_records(runs_folder(out, plan.sweep), plan.sweep), out, skip_bad);
}

MergeSummary merge_plan(const SavedPlan& plan, const RecordIndex& index, const std::string& out,
                        bool skip_bad) {
  MergeSummary summary;
  summary.bad = index.bad;
  summary.notes = index.notes;
  std::vector<const RecordLocation*> recorded;  // the planned runs' records, in plan order
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const auto it = index.runs.find(plan.runs.run_id(i));
    if (it == index.runs.end())
      ++summary.missing;
    else
      recorded.push_back(&it->second);
  }
  summary.orphans = index.runs.size() - recorded.size();
  if (!summary.bad.empty() && !skip_bad) return summary;
  // Records viewed a chunk at a time (in parallel) and appended straight from their bytes
  // into the table's columns: no record is decoded into maps and no cell is a string of its
  // own. A column is padded with empty cells up to the row it is next given
  // (and to the last row at the end).
  ResultsTable table;
  table.sweep = plan.sweep;
  table.config = plan.config;
  VectorColumns vectors;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::size_t row = 0;
  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  constexpr std::size_t chunk = 4096;
  std::vector<RecordView> views(std::min(chunk, recorded.size()));
  std::vector<char> bytes;  // the chunk's records, read again from their logs
  Cells provenance;
  std::size_t failed = 0;
  ColumnAppender text(table.text), provenance_text(table.text);
  ColumnAppender numbers(table.numbers);
  ColumnAppender vector_columns(vectors);
  for (std::size_t first = 0; first < recorded.size(); first += chunk) {
    const std::size_t count = std::min(chunk, recorded.size() - first);
    index.view({recorded.begin() + static_cast<std::ptrdiff_t>(first),
                recorded.begin() + static_cast<std::ptrdiff_t>(first + count)},
               views, bytes, threads);
    // The text cells go to table.text, the numbers and vectors to columns of their own: the
    // two parts fill disjoint columns, at once.
    parallel_for(2, threads, [&](std::size_t part) {
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t at_row = row + i;
        const RecordLocation& at = *recorded[first + i];
        if (at.hdf5) {  // a format-2 record, read whole when indexed
          const RunRecord& r = index.hdf5_records[at.log];
          if (part == 1) {
            numbers.append(r.numbers, at_row, nan);
            for (const auto& [k, v] : r.vectors) vectors[k].set(at_row, v);
            continue;
          }
          std::map<std::string, std::string> provenance_only;  // text wins over provenance
          for (const auto& [k, v] : r.provenance)
            if (!r.text.count(k)) provenance_only.emplace(k, v);
          failed += r.text.at("status") != "ok";
          text.append(r.text, at_row, std::string_view());
          provenance_text.append(provenance_only, at_row, std::string_view());
          continue;
        }
        const RecordView& r = views[i];
        if (part == 1) {
          numbers.append(r.numbers, at_row, nan);
          std::size_t field = 0;
          for (const auto& [k, v] : r.vectors)
            vector_columns.column(field++, k).set(at_row, v.data, v.size);
          continue;
        }
        failed += r.status != "ok";
        provenance_cells(r, index.shared[at.log], provenance);
        text.append(r.text, at_row, std::string_view());
        provenance_text.append(provenance, at_row, std::string_view());
      }
    });
    row += count;
  }
  summary.failed = failed;
  table.text["run_id"];  // a table of no runs is still a table
  table.text["status"];
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
