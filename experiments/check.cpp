#include "experiments/check.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

std::string number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.12g", x);
  return buffer;
}

// Columns the schema does not know (a file from elsewhere) are compared like quality.
ColumnGroup group_of(const std::string& column, bool vector) {
  const ColumnSpec* c = find_column(column, vector);
  return c ? c->group : ColumnGroup::quality;
}

bool ignored(const std::string& column, bool vector, const std::set<std::string>& ignore) {
  return ignore.count(column) || ignore.count(group_name(group_of(column, vector)));
}

// Each run id's row; a duplicate is a problem (which copy would be the run?).
std::map<std::string, std::size_t> rows_by_id(const ResultsTable& t, const std::string& side,
                                              std::vector<std::string>& problems) {
  std::map<std::string, std::size_t> rows;
  for (std::size_t r = 0; r < t.rows; ++r)
    if (!rows.emplace(t.text.at("run_id")[r], r).second)
      problems.push_back(side + " holds run " + t.text.at("run_id")[r] + " more than once");
  return rows;
}

std::string label_of(const ResultsTable& t, std::size_t row) {
  auto label = t.text.find("label");
  return label == t.text.end() ? "" : label->second[row];
}

bool same(double expected, double actual, const Tolerance& tol) {
  return (std::isnan(expected) && std::isnan(actual)) || expected == actual ||
         std::abs(actual - expected) <= tol.atol + tol.rtol * std::abs(expected);
}

}  // namespace

CheckReport check_results(const ResultsTable& results, const Distributions& result_vectors,
                          const ResultsTable& reference, const Distributions& reference_vectors,
                          const CheckOptions& options) {
  for (const auto& name : options.ignore)
    if (!parse_group(name) && !results.has(name) && !reference.has(name) &&
        !find_column(name, true))
      throw std::invalid_argument("--ignore " + name + ": neither a group (" + group_names() +
                                  ") nor a column");
  CheckReport report;
  const auto ours = rows_by_id(results, "the results", report.problems);
  const auto theirs = rows_by_id(reference, "the reference", report.problems);

  // Columns on one side only: a reference lacking a column never compares it.
  for (const auto& c : results.columns)
    if (!reference.has(c) && !ignored(c, false, options.ignore))
      report.problems.push_back("column " + c + " is in the results only");
  for (const auto& c : reference.columns)
    if (!results.has(c) && !ignored(c, false, options.ignore))
      report.problems.push_back("column " + c + " is in the reference only");

  auto tolerance = [&](const std::string& column) -> const Tolerance& {
    auto t = options.per_metric.find(column);
    return t == options.per_metric.end() ? options.tolerance : t->second;
  };
  for (const auto& [id, row] : ours)
    if (!theirs.count(id)) report.extra.push_back(id + " (" + label_of(results, row) + ")");
  for (const auto& [id, ref_row] : theirs) {
    auto it = ours.find(id);
    if (it == ours.end()) {
      report.missing.push_back(id + " (" + label_of(reference, ref_row) + ")");
      continue;
    }
    const std::size_t row = it->second;
    ++report.compared_runs;
    const std::string label = label_of(reference, ref_row);
    for (const auto& [column, values] : reference.text) {
      auto mine = results.text.find(column);
      if (column == "run_id" || mine == results.text.end() ||
          ignored(column, false, options.ignore))
        continue;
      ++report.compared_values;
      if (mine->second[row] != values[ref_row])
        report.differences.push_back({id, label, column, values[ref_row], mine->second[row]});
    }
    for (const auto& [column, values] : reference.numbers) {
      auto mine = results.numbers.find(column);
      if (mine == results.numbers.end() || ignored(column, false, options.ignore)) continue;
      ++report.compared_values;
      if (!same(values[ref_row], mine->second[row], tolerance(column)))
        report.differences.push_back(
            {id, label, column, number(values[ref_row]), number(mine->second[row])});
    }
    // The stored vectors (codebooks, cluster sizes, curves), element by element.
    static const std::map<std::string, std::vector<double>> none;
    auto of = [&](const Distributions& d) -> const std::map<std::string, std::vector<double>>& {
      auto v = d.find(id);
      return v == d.end() ? none : v->second;
    };
    const auto& mine = of(result_vectors);
    const auto& expected = of(reference_vectors);
    for (const auto& [name, v] : expected) {
      if (ignored(name, true, options.ignore)) continue;
      auto m = mine.find(name);
      if (m == mine.end()) {
        report.differences.push_back({id, label, name + " (vector)", "present", "(none)"});
        continue;
      }
      ++report.compared_values;
      if (m->second.size() != v.size()) {
        report.differences.push_back({id, label, name + " (vector)",
                                      std::to_string(v.size()) + " values",
                                      std::to_string(m->second.size()) + " values"});
        continue;
      }
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!same(v[i], m->second[i], tolerance(name))) {
          report.differences.push_back({id, label, name + "[" + std::to_string(i) + "]",
                                        number(v[i]), number(m->second[i])});
          break;
        }
    }
    for (const auto& [name, v] : mine)
      if (!expected.count(name) && !ignored(name, true, options.ignore))
        report.differences.push_back({id, label, name + " (vector)", "(none)", "present"});
  }
  if (report.compared_values == 0)
    report.problems.push_back(
        "no value was compared (an empty or id-only reference proves nothing)");
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
  for (const auto& p : r.problems) out << "problem: " << p << "\n";
  out << (r.passed() ? "check passed: " : "check FAILED: ") << r.compared_runs << " runs and "
      << r.compared_values << " values compared, " << r.differences.size() << " differ, "
      << r.missing.size() << " missing, " << r.extra.size() << " extra";
  if (!r.problems.empty()) out << ", " << r.problems.size() << " problems";
  out << "\n";
  return out.str();
}

}  // namespace quantlab
