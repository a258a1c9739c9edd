#include "experiments/merge.hpp"

#include <filesystem>
#include <limits>
#include <set>

#include "experiments/results_table.hpp"
#include "experiments/run_record.hpp"
#include "experiments/runner.hpp"

namespace quantlab {
namespace {

// Identity first, then the common metrics, in the order a reader scans them.
const std::vector<std::string> kLeadingColumns = {"run_id",
                                                  "status",
                                                  "error",
                                                  "sweep",
                                                  "dataset",
                                                  "source",
                                                  "tensor",
                                                  "shape",
                                                  "granularity",
                                                  "algorithm",
                                                  "label",
                                                  "parameters",
                                                  "levels_requested",
                                                  "bits",
                                                  "seed",
                                                  "n",
                                                  "data_mean",
                                                  "data_var",
                                                  "sse",
                                                  "mse",
                                                  "rel_sse",
                                                  "sqnr_db",
                                                  "max_abs_err",
                                                  "levels",
                                                  "bits_fixed",
                                                  "entropy_bits",
                                                  "huffman_bits",
                                                  "compression_ratio",
                                                  "compression_ratio_fixed",
                                                  "huffman_table_bits",
                                                  "mse_optimal",
                                                  "gap_to_optimal",
                                                  "time_s",
                                                  "iterations",
                                                  "converged",
                                                  "groups",
                                                  "clamped_groups"};

}  // namespace

MergeSummary merge_plan(const Plan& plan, const std::string& out) {
  MergeSummary summary;
  std::vector<RunRecord> records;
  for (const auto& run : plan.runs) {
    const std::string path = record_path(out, plan.config.name, run.id);
    if (!std::filesystem::exists(path)) {
      ++summary.missing;
      continue;
    }
    records.push_back(read_run_record(path));
    if (records.back().text["status"] != "ok") ++summary.failed;
  }
  summary.runs = records.size();

  ResultsTable table;
  table.sweep = plan.config.name;
  table.config = plan.config.text;
  table.rows = records.size();
  std::set<std::string> text_columns, number_columns, provenance_columns;
  for (const auto& r : records) {
    for (const auto& [k, v] : r.text) text_columns.insert(k);
    for (const auto& [k, v] : r.numbers) number_columns.insert(k);
    for (const auto& [k, v] : r.provenance) provenance_columns.insert(k);
  }
  for (const auto& c : text_columns) table.text[c].reserve(records.size());
  for (const auto& c : provenance_columns) table.text[c].reserve(records.size());
  for (const auto& r : records) {
    for (const auto& c : text_columns) {
      auto it = r.text.find(c);
      table.text[c].push_back(it == r.text.end() ? "" : it->second);
    }
    for (const auto& c : provenance_columns) {
      auto it = r.provenance.find(c);
      table.text[c].push_back(it == r.provenance.end() ? "" : it->second);
    }
    for (const auto& c : number_columns) {
      auto it = r.numbers.find(c);
      table.numbers[c].push_back(it == r.numbers.end() ? std::numeric_limits<double>::quiet_NaN()
                                                       : it->second);
    }
  }
  std::set<std::string> placed;
  for (const auto& c : kLeadingColumns)
    if (table.has(c) && placed.insert(c).second) table.columns.push_back(c);
  for (const auto* group : {&number_columns, &text_columns, &provenance_columns})
    for (const auto& c : *group)
      if (placed.insert(c).second) table.columns.push_back(c);

  Distributions distributions;
  for (const auto& r : records) distributions[r.text.at("run_id")] = r.vectors;
  summary.path = (std::filesystem::path(out) / (plan.config.name + ".h5")).string();
  write_results(summary.path, table, distributions);
  return summary;
}

}  // namespace quantlab
