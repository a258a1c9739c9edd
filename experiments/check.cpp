#include "experiments/check.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace quantlab {
namespace {

const std::set<std::string> kTiming = {"time_s"};

bool ignored(const std::string& column, const std::set<std::string>& ignore) {
  return ignore.count(column) || (ignore.count("timing") && kTiming.count(column));
}

std::string number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.12g", x);
  return buffer;
}

std::map<std::string, std::size_t> rows_by_id(const ResultsTable& t) {
  std::map<std::string, std::size_t> rows;
  for (std::size_t r = 0; r < t.rows; ++r) rows[t.text.at("run_id")[r]] = r;
  return rows;
}

}  // namespace

CheckReport check_results(const ResultsTable& results, const ResultsTable& reference,
                          const CheckOptions& options) {
  CheckReport report;
  const auto ours = rows_by_id(results), theirs = rows_by_id(reference);
  for (const auto& [id, row] : ours)
    if (!theirs.count(id)) report.extra.push_back(id + " (" + results.cell("label", row) + ")");
  for (const auto& [id, ref_row] : theirs) {
    auto it = ours.find(id);
    if (it == ours.end()) {
      report.missing.push_back(id + " (" + reference.cell("label", ref_row) + ")");
      continue;
    }
    const std::size_t row = it->second;
    ++report.compared_runs;
    const std::string label = reference.cell("label", ref_row);
    if (results.text.at("status")[row] != reference.text.at("status")[ref_row])
      report.differences.push_back({id, label, "status", reference.text.at("status")[ref_row],
                                    results.text.at("status")[row]});
    for (const auto& [column, values] : reference.numbers) {
      if (ignored(column, options.ignore)) continue;
      auto mine = results.numbers.find(column);
      const double expected = values[ref_row];
      if (mine == results.numbers.end()) {
        if (!std::isnan(expected))
          report.differences.push_back({id, label, column, number(expected), "(no column)"});
        continue;
      }
      const double actual = mine->second[row];
      ++report.compared_values;
      auto t = options.per_metric.find(column);
      const Tolerance& tol = t == options.per_metric.end() ? options.tolerance : t->second;
      const bool same = (std::isnan(expected) && std::isnan(actual)) || expected == actual ||
                        std::abs(actual - expected) <= tol.atol + tol.rtol * std::abs(expected);
      if (!same)
        report.differences.push_back({id, label, column, number(expected), number(actual)});
    }
  }
  return report;
}

std::string format_check(const CheckReport& r) {
  std::ostringstream out;
  if (!r.differences.empty()) {
    out << "| run_id | label | column | reference | result |\n|---|---|---|---:|---:|\n";
    for (const auto& d : r.differences)
      out << "| " << d.run_id << " | " << d.label << " | " << d.column << " | " << d.reference
          << " | " << d.result << " |\n";
  }
  for (const auto& m : r.missing) out << "missing run: " << m << "\n";
  for (const auto& e : r.extra) out << "extra run (not in the reference): " << e << "\n";
  out << (r.passed() ? "check passed: " : "check FAILED: ") << r.compared_runs << " runs and "
      << r.compared_values << " values compared, " << r.differences.size() << " differ, "
      << r.missing.size() << " missing, " << r.extra.size() << " extra\n";
  return out.str();
}

}  // namespace quantlab
