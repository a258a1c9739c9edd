#include "experiments/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>

namespace quantlab {
namespace {

struct Cell {
  std::vector<double> values;
  double mean() const {
    double s = 0;
    for (double v : values) s += v;
    return s / static_cast<double>(values.size());
  }
  double std() const {
    if (values.size() < 2) return 0;
    const double m = mean();
    double s = 0;
    for (double v : values) s += (v - m) * (v - m);
    return std::sqrt(s / static_cast<double>(values.size() - 1));
  }
};

std::string number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

std::string key_of(const ResultsTable& t, const std::vector<std::string>& columns, std::size_t row,
                   const char* separator) {
  std::string key;
  for (const auto& c : columns) key += (key.empty() ? "" : separator) + t.cell(c, row);
  return key;
}

std::string latex_escaped(const std::string& text) {
  std::string out;
  for (char c : text)
    out +=
        (c == '_' || c == '&' || c == '%' || c == '#') ? std::string("\\") + c : std::string(1, c);
  return out;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

// Numeric column keys sort as numbers, others keep their first appearance.
void order_columns(const ResultsTable& t, const std::vector<std::string>& cols,
                   std::vector<std::string>& keys) {
  if (cols.size() != 1 || !t.numbers.count(cols[0])) return;
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return std::stod(a) < std::stod(b);
  });
}

}  // namespace

std::string report(const ResultsTable& t, const ReportOptions& o) {
  if (o.format != "md" && o.format != "csv" && o.format != "latex")
    throw std::invalid_argument("unknown format '" + o.format + "' (md, csv or latex)");
  for (const auto* list : {&o.rows, &o.cols, &o.metrics})
    for (const auto& c : *list)
      if (!t.has(c)) {
        std::string known;
        for (const auto& k : t.columns) known += (known.empty() ? "" : ", ") + k;
        throw std::invalid_argument("no column '" + c + "' in the results (columns: " + known +
                                    ")");
      }
  for (const auto& m : o.metrics)
    if (!t.numbers.count(m)) throw std::invalid_argument("'" + m + "' is not a numeric column");

  std::vector<std::size_t> ok_rows;
  for (std::size_t r = 0; r < t.rows; ++r)
    if (!t.text.count("status") || t.text.at("status")[r] == "ok") ok_rows.push_back(r);
  const std::size_t failed = t.rows - ok_rows.size();

  std::vector<std::string> row_keys, col_keys;
  for (std::size_t r : ok_rows) {
    const std::string rk = key_of(t, o.rows, r, " / "), ck = key_of(t, o.cols, r, " / ");
    if (std::find(row_keys.begin(), row_keys.end(), rk) == row_keys.end()) row_keys.push_back(rk);
    if (std::find(col_keys.begin(), col_keys.end(), ck) == col_keys.end()) col_keys.push_back(ck);
  }
  order_columns(t, o.cols, col_keys);

  std::ostringstream out;
  const std::string row_title = join(o.rows, " / "), col_title = join(o.cols, " / ");
  for (const auto& metric : o.metrics) {
    std::map<std::pair<std::string, std::string>, Cell> cells;
    for (std::size_t r : ok_rows) {
      const double v = t.numbers.at(metric)[r];
      if (std::isnan(v)) continue;
      cells[{key_of(t, o.rows, r, " / "), key_of(t, o.cols, r, " / ")}].values.push_back(v);
    }
    auto text_of = [&](const std::string& rk, const std::string& ck, const char* pm) {
      auto it = cells.find({rk, ck});
      if (it == cells.end()) return std::string("–");
      const Cell& c = it->second;
      return c.values.size() > 1 ? number(c.mean()) + pm + number(c.std()) : number(c.mean());
    };
    if (o.format == "md") {
      out << "### " << metric << " (mean ± std over "
          << "runs sharing a cell)\n\n| " << row_title << " \\ " << col_title;
      for (const auto& ck : col_keys) out << " | " << ck;
      out << " |\n|---";
      for (std::size_t i = 0; i < col_keys.size(); ++i) out << "|---:";
      out << "|\n";
      for (const auto& rk : row_keys) {
        out << "| " << rk;
        for (const auto& ck : col_keys) out << " | " << text_of(rk, ck, " ± ");
        out << " |\n";
      }
      out << "\n";
    } else if (o.format == "csv") {
      out << "metric," << join(o.rows, ",");
      for (const auto& ck : col_keys)
        out << "," << col_title << "=" << ck << " mean," << col_title << "=" << ck << " std";
      out << "\n";
      for (const auto& rk : row_keys) {
        out << metric;
        for (std::size_t r : ok_rows)
          if (key_of(t, o.rows, r, " / ") == rk) {
            for (const auto& c : o.rows) out << ",\"" << t.cell(c, r) << "\"";
            break;
          }
        for (const auto& ck : col_keys) {
          auto it = cells.find({rk, ck});
          if (it == cells.end())
            out << ",,";
          else
            out << "," << number(it->second.mean()) << "," << number(it->second.std());
        }
        out << "\n";
      }
    } else {
      out << "% " << metric << ": mean $\\pm$ std\n\\begin{tabular}{l"
          << std::string(col_keys.size(), 'r') << "}\n\\hline\n"
          << latex_escaped(row_title) << " \\textbackslash{} " << latex_escaped(col_title);
      for (const auto& ck : col_keys) out << " & " << latex_escaped(ck);
      out << " \\\\\n\\hline\n";
      for (const auto& rk : row_keys) {
        out << latex_escaped(rk);
        for (const auto& ck : col_keys)
          out << " & " << (cells.count({rk, ck}) ? "$" + text_of(rk, ck, " \\pm ") + "$" : "--");
        out << " \\\\\n";
      }
      out << "\\hline\n\\end{tabular}\n\n";
    }
  }
  if (failed) out << "(" << failed << " failed run" << (failed > 1 ? "s" : "") << " not shown)\n";
  return out.str();
}

}  // namespace quantlab
