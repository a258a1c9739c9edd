#include "experiments/compare.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

std::string printed(const char* format, double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, x);
  return buffer;
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

Change change_of(const std::string& metric, const Summary& a, const Summary& b, double ratio,
                 double factor) {
  const bool beyond = std::isnan(ratio) ? a.mean != b.mean : ratio > factor || ratio < 1 / factor;
  const bool apart = a.mean + a.std < b.mean - b.std || b.mean + b.std < a.mean - a.std;
  if (!beyond || !apart) return Change::same;
  const ColumnSpec* spec = find_column(metric, false);
  const Better better = spec ? spec->better : Better::unknown;
  if (better == Better::unknown) return Change::changed;
  return (b.mean < a.mean) == (better == Better::lower) ? Change::better : Change::worse;
}

std::string side(const Summary& s) {
  if (s.count == 0) return "–";
  std::string text = printed("%.4g", s.mean);
  if (s.count > 1) text += " ± " + printed("%.2g", s.std);
  return text + " (n=" + std::to_string(s.count) + ")";
}

}  // namespace

const char* change_name(Change change) {
  switch (change) {
    case Change::same:
      return "";
    case Change::better:
      return "better";
    case Change::worse:
      return "worse";
    case Change::changed:
      return "changed";
    case Change::only_a:
      return "only in A";
    case Change::only_b:
      return "only in B";
  }
  return "";
}

Comparison compare_results(const ResultsTable& a, const ResultsTable& b, const CompareOptions& o) {
  if (!(o.factor >= 1)) throw std::invalid_argument("--factor must be 1 or more");
  const ResultsTable both = stack_results({a, b}, {"A", "B"});
  ReportOptions r;
  r.metrics = o.metrics;
  r.rows = o.keys;
  r.cols = {"results"};
  r.where = o.where;
  r.average_over = o.average_over;
  const CellGrid g = tabulate(both, r);

  Comparison c;
  c.keys = g.rows;
  c.added = g.added;
  c.failed = g.failed;
  std::optional<std::size_t> col_a, col_b;
  for (std::size_t i = 0; i < g.col_keys.size(); ++i) (g.col_keys[i][0] == "A" ? col_a : col_b) = i;
  for (const auto& metric : o.metrics) {
    const auto& cells = g.values.at(metric);
    for (std::size_t ri = 0; ri < g.row_keys.size(); ++ri) {
      auto cell = [&](const std::optional<std::size_t>& col) {
        if (!col) return Summary{};
        const auto it = cells.find({ri, *col});
        return it == cells.end() ? Summary{} : summarise(it->second);
      };
      ComparedCell x{g.row_keys[ri], metric, cell(col_a), cell(col_b)};
      if (x.a.count == 0 && x.b.count == 0) continue;  // no value on either side
      if (x.a.count == 0 || x.b.count == 0) {
        x.change = x.a.count ? Change::only_a : Change::only_b;
        x.ratio = std::nan("");
      } else {
        x.ratio = x.a.mean != 0 ? x.b.mean / x.a.mean : (x.b.mean == 0 ? 1.0 : std::nan(""));
        x.change = change_of(metric, x.a, x.b, x.ratio, o.factor);
      }
      c.cells.push_back(std::move(x));
    }
  }
  return c;
}

std::string format_comparison(const Comparison& c, const CompareOptions& o,
                              const std::string& name_a, const std::string& name_b) {
  std::ostringstream out;
  if (o.format == "csv") {
    std::vector<std::string> header;
    for (const auto& k : c.keys) header.push_back(csv_field(k));
    for (const char* h :
         {"metric", "a_mean", "a_std", "a_count", "b_mean", "b_std", "b_count", "ratio", "change"})
      header.push_back(h);
    out << join(header, ",") << "\n";
    for (const auto& x : c.cells) {
      std::vector<std::string> line;
      for (const auto& part : x.key) line.push_back(csv_field(part));
      line.push_back(csv_field(x.metric));
      for (const Summary* s : {&x.a, &x.b}) {
        line.push_back(s->count ? printed("%.17g", s->mean) : "");
        line.push_back(s->count > 1 ? printed("%.17g", s->std) : "");
        line.push_back(std::to_string(s->count));
      }
      line.push_back(std::isnan(x.ratio) ? "" : printed("%.17g", x.ratio));
      line.push_back(csv_field(change_name(x.change)));
      out << join(line, ",") << "\n";
    }
    return out.str();
  }
  out << "A: " << markdown_escaped(name_a) << "  \nB: " << markdown_escaped(name_b) << "\n\n";
  for (const auto& metric : o.metrics) {
    std::size_t counts[6] = {};
    out << "### " << metric << ": B / A of the means over seeds (marked beyond ×" << o.factor
        << " and outside mean ± std)\n\n|";
    for (const auto& k : c.keys) out << " " << markdown_escaped(k) << " |";
    out << " A | B | B / A | |\n|";
    for (std::size_t i = 0; i < c.keys.size(); ++i) out << "---|";
    out << "---:|---:|---:|---|\n";
    for (const auto& x : c.cells) {
      if (x.metric != metric) continue;
      ++counts[static_cast<int>(x.change)];
      out << "|";
      for (const auto& part : x.key) out << " " << markdown_escaped(part) << " |";
      out << " " << side(x.a) << " | " << side(x.b) << " | "
          << (std::isnan(x.ratio) ? "–" : printed("%.4g", x.ratio)) << " | "
          << change_name(x.change) << " |\n";
    }
    out << "\n"
        << metric << ": " << counts[2] << " worse, " << counts[1] << " better, " << counts[3]
        << " changed, " << counts[0] << " within noise, " << counts[4] << " only in A, "
        << counts[5] << " only in B\n\n";
  }
  if (!c.added.empty())
    out << "(keys also split by " << join(c.added, ", ")
        << ": they vary between runs of one cell; --average-over averages over them)\n";
  if (c.failed) out << "(" << c.failed << " failed runs left out)\n";
  return out.str();
}

}  // namespace quantlab
