#include "experiments/compare.hpp"

#include <cmath>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

bool in_decibels(const std::string& metric) {
  const ColumnSpec* spec = find_column(metric, false);
  return spec && spec->unit == "dB";
}

Change mark_of(const std::string& metric, const Summary& a, const Summary& b, double change,
               const CompareOptions& o) {
  const ColumnSpec* spec = find_column(metric, false);
  const Better better = spec ? spec->better : Better::unknown;
  auto direction = [&](bool b_lower) {
    if (better == Better::unknown) return Change::changed;
    return b_lower == (better == Better::lower) ? Change::better : Change::worse;
  };
  // A value turned infinite (or back) is a change whatever the noise.
  if (std::isfinite(a.mean) != std::isfinite(b.mean)) {
    if (!std::isfinite(b.mean)) return direction(b.mean < 0);
    return direction(a.mean > 0);
  }
  if (!std::isfinite(a.mean)) return a.mean == b.mean ? Change::same : Change::changed;
  const double difference = std::fabs(b.mean - a.mean);
  const bool beyond =
      difference > o.atol &&
      (in_decibels(metric) ? difference > 10 * std::log10(o.factor)
                           : !(change <= o.factor && change >= 1 / o.factor));  // NaN: A = 0
  const double spread_a = std::isfinite(a.std) ? a.std : 0,
               spread_b = std::isfinite(b.std) ? b.std : 0;
  const bool apart = a.mean + spread_a < b.mean - spread_b || b.mean + spread_b < a.mean - spread_a;
  return beyond && apart ? direction(b.mean < a.mean) : Change::same;
}

std::string side(const Summary& s) {
  if (s.count == 0) return "–";
  std::string text = formatted("%.4g", s.mean);
  if (s.count > 1 && std::isfinite(s.std)) text += " ± " + formatted("%.2g", s.std);
  return text + " (n=" + std::to_string(s.count) + ")";
}

}  // namespace

const char* change_name(Change change) {
  switch (change) {
    case Change::same:
      return "same";
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
  if (!(o.factor >= 1) || !std::isfinite(o.factor))
    throw std::invalid_argument("--factor must be a number of 1 or more");
  if (!(o.atol >= 0) || !std::isfinite(o.atol))
    throw std::invalid_argument("--atol must be a number of 0 or more");
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
        x.mark = x.a.count ? Change::only_a : Change::only_b;
        x.change = std::nan("");
      } else {
        x.change = in_decibels(metric) ? x.b.mean - x.a.mean : x.b.mean / x.a.mean;
        x.mark = mark_of(metric, x.a, x.b, x.change, o);
      }
      c.cells.push_back(std::move(x));
    }
  }
  return c;
}

std::vector<std::string> comparison_notes(const Comparison& c) {
  std::vector<std::string> notes;
  if (!c.added.empty())
    notes.push_back("keys also split by " + joined(c.added, ", ") + ": " +
                    (c.added.size() > 1 ? "they vary" : "it varies") +
                    " between runs of one cell (--average-over averages over " +
                    (c.added.size() > 1 ? "them" : "it") + ")");
  if (c.failed)
    notes.push_back(std::to_string(c.failed) + " failed run" + (c.failed > 1 ? "s" : "") +
                    " left out");
  return notes;
}

std::string format_comparison(const Comparison& c, const CompareOptions& o,
                              const std::string& name_a, const std::string& name_b) {
  std::ostringstream out;
  if (o.format == "csv") {
    std::vector<std::string> header;
    for (const auto& k : c.keys) header.push_back(csv_field(k));
    for (const char* h :
         {"metric", "a_mean", "a_std", "a_count", "b_mean", "b_std", "b_count", "change", "mark"})
      header.push_back(h);
    out << joined(header, ",") << "\n";
    for (const auto& x : c.cells) {
      std::vector<std::string> line;
      for (const auto& part : x.key) line.push_back(csv_field(part));
      line.push_back(csv_field(x.metric));
      for (const Summary* s : {&x.a, &x.b}) {
        line.push_back(s->count ? formatted("%.17g", s->mean) : "");
        line.push_back(s->count > 1 ? formatted("%.17g", s->std) : "");
        line.push_back(std::to_string(s->count));
      }
      line.push_back(std::isnan(x.change) ? "" : formatted("%.17g", x.change));
      line.push_back(csv_field(change_name(x.mark)));
      out << joined(line, ",") << "\n";
    }
    return out.str();
  }
  out << "A: " << markdown_escaped(name_a) << "  \nB: " << markdown_escaped(name_b) << "\n\n";
  for (const auto& metric : o.metrics) {
    std::map<Change, std::size_t> counts;
    const bool db = in_decibels(metric);
    out << "### " << metric << ": " << (db ? "B − A (dB)" : "B / A") << " of the means over seeds"
        << " (marked beyond ×" << o.factor << " and outside mean ± std)\n\n|";
    for (const auto& k : c.keys) out << " " << markdown_escaped(k) << " |";
    out << " A | B | " << (db ? "B − A" : "B / A") << " | |\n|";
    for (std::size_t i = 0; i < c.keys.size(); ++i) out << "---|";
    out << "---:|---:|---:|---|\n";
    for (const auto& x : c.cells) {
      if (x.metric != metric) continue;
      ++counts[x.mark];
      out << "|";
      for (const auto& part : x.key) out << " " << markdown_escaped(part) << " |";
      out << " " << side(x.a) << " | " << side(x.b) << " | "
          << (std::isnan(x.change) ? "–" : formatted("%.4g", x.change)) << " | "
          << (x.mark == Change::same ? "" : change_name(x.mark)) << " |\n";
    }
    out << "\n"
        << metric << ": " << counts[Change::worse] << " worse, " << counts[Change::better]
        << " better, " << counts[Change::changed] << " changed, " << counts[Change::same]
        << " within noise, " << counts[Change::only_a] << " only in A, " << counts[Change::only_b]
        << " only in B\n\n";
  }
  for (const auto& note : comparison_notes(c)) out << "(" << note << ")\n";
  return out.str();
}

}  // namespace quantlab
