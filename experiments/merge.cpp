#include "experiments/merge.hpp"

#include <filesystem>
#include <limits>
#include <set>
#include <thread>

#include "datasets/temporary_files.hpp"
#include "experiments/record_log.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/results_table.hpp"
#include "experiments/runner.hpp"

namespace quantlab {

MergeSummary merge_plan(const SavedPlan& plan, const std::string& out, bool skip_bad) {
  MergeSummary summary;
  const RecordIndex index = index_records(runs_folder(out, plan.sweep), plan.sweep);
  summary.bad = index.bad;
  std::vector<std::string> ids;
  for (const auto& run : plan.runs) {
    if (index.state(run.run_id) == RunState::missing)
      ++summary.missing;
    else
      ids.push_back(run.run_id);
  }
  summary.orphans = index.runs.size() - ids.size();
  if (!summary.bad.empty() && !skip_bad) return summary;
  const std::vector<RunRecord> records =
      index.read(ids, std::max(1u, std::thread::hardware_concurrency()));
  summary.runs = records.size();
  for (const auto& r : records) summary.failed += r.text.at("status") != "ok";

  ResultsTable table;
  table.sweep = plan.sweep;
  table.config = plan.config;
  table.rows = records.size();
  std::set<std::string> text_columns, number_columns;
  for (const auto& r : records) {
    for (const auto& [k, v] : r.text) text_columns.insert(k);
    for (const auto& [k, v] : r.provenance) text_columns.insert(k);
    for (const auto& [k, v] : r.numbers) number_columns.insert(k);
  }
  for (const auto& c : text_columns) table.text[c].reserve(records.size());
  for (const auto& c : number_columns) table.numbers[c].reserve(records.size());
  for (const auto& r : records) {
    for (const auto& c : text_columns) {
      auto text = r.text.find(c);
      auto provenance = r.provenance.find(c);
      table.text[c].push_back(text != r.text.end()               ? text->second
                              : provenance != r.provenance.end() ? provenance->second
                                                                 : "");
    }
    for (const auto& c : number_columns) {
      auto it = r.numbers.find(c);
      table.numbers[c].push_back(it == r.numbers.end() ? std::numeric_limits<double>::quiet_NaN()
                                                       : it->second);
    }
  }
  // The schema's order: the core columns, then the algorithms' (sorted by name).
  for (const auto& c : core_columns())
    if (c.type != ColumnType::vector && table.has(c.name)) table.columns.push_back(c.name);
  std::set<std::string> placed(table.columns.begin(), table.columns.end());
  for (const auto* names : {&number_columns, &text_columns})
    for (const auto& c : *names)
      if (placed.insert(c).second) table.columns.push_back(c);

  Distributions distributions;
  for (const auto& r : records) distributions[r.text.at("run_id")] = r.vectors;
  summary.path = (std::filesystem::path(out) / (plan.sweep + ".h5")).string();
  remove_dead_temporaries(out);  // a killed merge's
  write_results(summary.path, table, distributions);
  return summary;
}

}  // namespace quantlab
