#include "experiments/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

// Identity columns that differ between the runs of one cell without making them different
// things: the seed (a cell's spread is over it), each run's own id and status, and what the
// data determine.
const std::set<std::string> kPerRun = {"run_id", "status",    "error",    "identity",
                                       "seed",   "data_mean", "data_var", "n"};

// The order in which columns that vary inside a cell join the row keys: the readable ones
// first, so that one following from them (a tensor's checksum) is rarely needed. `results`
// is the file a row came from, when a report reads several.
const std::vector<std::string> kSplitOrder = {
    "sweep", "results",   "dataset",        "tensor",           "granularity",      "weights",
    "label", "algorithm", "parameters",     "network_training", "levels_requested", "bits",
    "shape", "source",    "data_generator", "tensor_checksum"};

// Columns that name the data: averaging over one of them averages over all (a report over
// datasets is over their tensors, checksums and generators too).
const std::set<std::string> kDataColumns = {"dataset", "source",         "tensor",
                                            "shape",   "data_generator", "tensor_checksum"};

void require_column(const ResultsTable& t, const std::string& c) {
  if (t.has(c)) return;
  throw std::invalid_argument("no column '" + c +
                              "' in the results (columns: " + joined(t.columns, ", ") + ")");
}

// The values of --where's list: split at the commas outside brackets, so that a label such as
// kmeans(init=quantile,n_init=3) is one value; an empty list is the one empty value.
std::vector<std::string> where_values(const std::string& list) {
  std::vector<std::string> values(1);
  int depth = 0;
  for (char c : list) {
    depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
    if (c == ',' && depth == 0)
      values.emplace_back();
    else
      values.back() += c;
  }
  return values;
}

// The rows matching every COLUMN=VALUE[,VALUE...] of `where`.
std::vector<std::size_t> matching_rows(const ResultsTable& t,
                                       const std::vector<std::string>& where) {
  std::vector<char> keep(t.rows, 1);
  for (const auto& w : where) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--where takes COLUMN=VALUE[,VALUE...], not '" + w + "'");
    const std::string column = w.substr(0, eq);
    require_column(t, column);
    const std::vector<std::string> values = where_values(w.substr(eq + 1));
    if (auto it = t.numbers.find(column); it != t.numbers.end()) {
      std::vector<double> wanted;
      for (const auto& v : values) {
        char* end = nullptr;
        const double x = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !std::isfinite(x))
          throw std::invalid_argument("--where " + column + ": '" + v +
                                      "' is not a number, and the column is numeric");
        wanted.push_back(x);
      }
      for (std::size_t r = 0; r < t.rows; ++r)
        keep[r] &= std::find(wanted.begin(), wanted.end(), it->second[r]) != wanted.end();
    } else {
      const auto& cells = t.text.at(column);
      for (std::size_t r = 0; r < t.rows; ++r)
        keep[r] &= std::find(values.begin(), values.end(), cells[r]) != values.end();
    }
  }
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows; ++r)
    if (keep[r]) rows.push_back(r);
  if (rows.empty()) throw std::invalid_argument("no run matches --where " + joined(where, " and "));
  return rows;
}

// The identity columns that may split a cell: in kSplitOrder, then any other in table order.
std::vector<std::string> split_candidates(const ResultsTable& t, const ReportOptions& o) {
  std::vector<std::string> out;
  const bool over_data = std::any_of(o.average_over.begin(), o.average_over.end(),
                                     [](const std::string& c) { return kDataColumns.count(c); });
  auto chosen = [&](const std::string& c) {
    if (over_data && kDataColumns.count(c)) return true;
    for (const auto* list : {&o.rows, &o.cols, &o.average_over})
      if (std::find(list->begin(), list->end(), c) != list->end()) return true;
    return std::find(out.begin(), out.end(), c) != out.end();
  };
  for (const auto& c : kSplitOrder)
    if (t.has(c) && !chosen(c)) out.push_back(c);
  for (const auto& c : t.columns) {
    const ColumnSpec* spec = find_column(c, false);
    if (spec && spec->group == ColumnGroup::identity && !kPerRun.count(c) && !chosen(c))
      out.push_back(c);
  }
  return out;
}

// The first candidate that takes two values inside one cell of `keys` ("" if none).
std::string first_varying(const ResultsTable& t, const std::vector<std::size_t>& rows,
                          const std::vector<std::string>& keys,
                          const std::vector<std::string>& candidates) {
  std::vector<std::string> cell(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (const auto& k : keys) {  // each part length-prefixed: no two keys collide
      const std::string part = t.cell(k, rows[i]);
      cell[i] += std::to_string(part.size()) + ':' + part;
    }
  for (const auto& c : candidates) {
    std::unordered_map<std::string, std::string> seen;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto [it, fresh] = seen.emplace(cell[i], t.cell(c, rows[i]));
      if (!fresh && it->second != t.cell(c, rows[i])) return c;
    }
  }
  return "";
}

// The distinct keys of `columns` over `rows`, ordered column by column: numbers by value,
// text by first appearance (the plan's order).
std::vector<std::vector<std::string>> ordered_keys(const ResultsTable& t,
                                                   const std::vector<std::size_t>& rows,
                                                   const std::vector<std::string>& columns) {
  std::vector<std::map<std::string, double>> rank(columns.size());
  std::set<std::vector<std::string>> seen;
  std::vector<std::vector<std::string>> keys;
  for (std::size_t r : rows) {
    std::vector<std::string> key;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      key.push_back(t.cell(columns[c], r));
      const auto numbers = t.numbers.find(columns[c]);
      rank[c].emplace(key.back(), numbers != t.numbers.end() ? numbers->second[r]
                                                             : static_cast<double>(rank[c].size()));
    }
    if (seen.insert(key).second) keys.push_back(std::move(key));
  }
  std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const double ra = rank[c].at(a[c]), rb = rank[c].at(b[c]);
      if (std::isnan(ra) != std::isnan(rb)) return std::isnan(rb);  // NaN last
      if (ra != rb && !std::isnan(ra)) return ra < rb;
    }
    return false;
  });
  return keys;
}

std::string unit_of(const std::string& metric) {
  const ColumnSpec* spec = find_column(metric, false);
  return spec && !spec->unit.empty() ? " (" + spec->unit + ")" : "";
}

std::string averaged_over(const ReportOptions& o) {
  std::vector<std::string> over{"seeds"};
  for (const auto& c : o.average_over) over.push_back(c);
  const bool over_data = std::any_of(o.average_over.begin(), o.average_over.end(),
                                     [](const std::string& c) { return kDataColumns.count(c); });
  return "mean ± std over " + joined(over, " and ") +
         (over_data ? " (and what names the data)" : "");
}

// The power of ten of x once rounded to `digits` significant digits (9.99996e-5 → -4).
int rounded_exponent(double x, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*e", digits - 1, x);
  return std::atoi(std::strchr(buffer, 'e') + 1);
}

std::string fixed(double x, int decimals) {
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, "%.*f", std::max(0, decimals), x);
  return buffer;
}

std::string latex_infinite(double x) {
  return std::isnan(x) ? "\\mathrm{NaN}" : x > 0 ? "\\infty" : "-\\infty";
}

// A LaTeX math-mode number: mean ± std (2 significant digits; the mean to 4, or to the std's
// last digit when that is coarser), under a shared power of ten when the larger of the two is
// outside [1e-3, 1e4); a std far below the mean's last digit gets a power of its own.
std::string latex_number(const Summary& s) {
  if (!std::isfinite(s.mean)) return latex_infinite(s.mean);
  const bool spread = s.count > 1 && s.std != 0;
  if (spread && !std::isfinite(s.std)) return fixed(s.mean, 4) + " \\pm " + latex_infinite(s.std);
  const double big = std::max(std::fabs(s.mean), spread ? s.std : 0.0);
  const int e = big == 0 || (big >= 1e-3 && big < 1e4) ? 0 : rounded_exponent(big, 4);
  const double unit = std::pow(10.0, e);  // 10^e is representable down to e = -323
  const double m = s.mean / unit;
  int decimals = m == 0 ? 3 : 3 - rounded_exponent(m, 4);
  std::string spread_text;
  if (spread) {
    const double sd = s.std / unit;
    const int k = rounded_exponent(sd, 2);
    const bool tiny = m != 0 && k < rounded_exponent(m, 4) - 4;
    if (tiny) {
      spread_text = fixed(sd / std::pow(10.0, k), 1) + " \\times 10^{" + std::to_string(k) + "}";
    } else {
      spread_text = fixed(sd, 1 - k);
      decimals = std::min(decimals, 1 - k);
    }
  }
  std::string body = fixed(m, decimals);
  if (spread) body += " \\pm " + spread_text;
  if (e == 0) return body;
  return (spread ? "(" + body + ")" : body) + " \\times 10^{" + std::to_string(e) + "}";
}

using Cells = std::map<std::pair<std::size_t, std::size_t>, std::vector<double>>;

// A cell's count is shown only where it has fewer runs than its row's fullest cell (a seed
// failed or is missing there); an algorithm that draws nothing has one run a cell.
std::vector<std::size_t> fullest(const Cells& cells, std::size_t rows) {
  std::vector<std::size_t> most(rows, 0);
  for (const auto& [key, v] : cells) most[key.first] = std::max(most[key.first], v.size());
  return most;
}

std::string plain_text(const Summary& s, std::size_t most) {
  std::string text = formatted("%.4g", s.mean);
  if (s.count > 1 && std::isfinite(s.std)) text += " ± " + formatted("%.2g", s.std);
  if (s.count < most) text += " (n=" + std::to_string(s.count) + ")";
  return text;
}

void markdown_table(std::ostream& out, const CellGrid& g, const Cells& cells,
                    const std::string& title) {
  const auto most = fullest(cells, g.row_keys.size());
  out << "### " << title << "\n\n|";
  for (const auto& r : g.rows) out << " " << markdown_escaped(r) << " |";
  for (const auto& ck : g.col_keys) {
    std::vector<std::string> parts;
    for (std::size_t c = 0; c < g.cols.size(); ++c) parts.push_back(g.cols[c] + "=" + ck[c]);
    out << " " << markdown_escaped(joined(parts, ", ")) << " |";
  }
  out << "\n|";
  for (std::size_t i = 0; i < g.rows.size(); ++i) out << "---|";
  for (std::size_t i = 0; i < g.col_keys.size(); ++i) out << "---:|";
  out << "\n";
  for (std::size_t ri = 0; ri < g.row_keys.size(); ++ri) {
    out << "|";
    for (const auto& part : g.row_keys[ri]) out << " " << markdown_escaped(part) << " |";
    for (std::size_t ci = 0; ci < g.col_keys.size(); ++ci) {
      const auto it = cells.find({ri, ci});
      out << " " << (it == cells.end() ? "–" : plain_text(summarise(it->second), most[ri])) << " |";
    }
    out << "\n";
  }
  out << "\n";
}

void latex_table(std::ostream& out, const CellGrid& g, const Cells& cells,
                 const std::string& title) {
  out << "% " << title << " (needs \\usepackage{booktabs})\n\\begin{tabular}{"
      << std::string(g.rows.size(), 'l') << std::string(g.col_keys.size(), 'r') << "}\n\\toprule\n";
  std::vector<std::string> header;
  for (const auto& r : g.rows) header.push_back(latex_escaped(r));
  for (const auto& ck : g.col_keys) {
    std::vector<std::string> parts;
    for (std::size_t c = 0; c < g.cols.size(); ++c)
      parts.push_back(latex_escaped(g.cols[c]) + " = " + latex_escaped(ck[c]));
    header.push_back(joined(parts, ", "));
  }
  out << joined(header, " & ") << " \\\\\n\\midrule\n";
  for (std::size_t ri = 0; ri < g.row_keys.size(); ++ri) {
    std::vector<std::string> line;
    for (const auto& part : g.row_keys[ri]) line.push_back(latex_escaped(part));
    for (std::size_t ci = 0; ci < g.col_keys.size(); ++ci) {
      const auto it = cells.find({ri, ci});
      line.push_back(it == cells.end() ? "--" : "$" + latex_number(summarise(it->second)) + "$");
    }
    out << joined(line, " & ") << " \\\\\n";
  }
  out << "\\bottomrule\n\\end{tabular}\n\n";
}

void html_table(std::ostream& out, const CellGrid& g, const Cells& cells, const std::string& metric,
                const std::string& title) {
  const auto most = fullest(cells, g.row_keys.size());
  out << "<h3>" << html_escaped(title) << "</h3>\n<table class=\"sortable\" data-metric=\""
      << html_escaped(metric) << "\">\n<thead><tr>";
  for (const auto& r : g.rows) out << "<th>" << html_escaped(r) << "</th>";
  for (const auto& ck : g.col_keys) {
    std::vector<std::string> parts;
    for (std::size_t c = 0; c < g.cols.size(); ++c) parts.push_back(g.cols[c] + "=" + ck[c]);
    out << "<th class=\"number\">" << html_escaped(joined(parts, ", ")) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (std::size_t ri = 0; ri < g.row_keys.size(); ++ri) {
    out << "<tr>";
    for (const auto& part : g.row_keys[ri]) out << "<td>" << html_escaped(part) << "</td>";
    for (std::size_t ci = 0; ci < g.col_keys.size(); ++ci) {
      const auto it = cells.find({ri, ci});
      if (it == cells.end()) {
        out << "<td class=\"number\" data-value=\"\">–</td>";
        continue;
      }
      const Summary s = summarise(it->second);
      out << "<td class=\"number\" data-value=\"" << formatted("%.17g", s.mean) << "\">"
          << html_escaped(plain_text(s, most[ri])) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n";
}

// Long format, one header: the keys, metric, mean, std (empty for one run) and count.
void tidy_csv(std::ostream& out, const CellGrid& g, const ReportOptions& o) {
  std::vector<std::string> header;
  for (const auto& c : g.rows) header.push_back(csv_field(c));
  for (const auto& c : g.cols) header.push_back(csv_field(c));
  for (const char* c : {"metric", "mean", "std", "count"}) header.push_back(c);
  out << joined(header, ",") << "\n";
  for (const auto& metric : o.metrics)
    for (const auto& [key, values] : g.values.at(metric)) {
      std::vector<std::string> line;
      for (const auto& part : g.row_keys[key.first]) line.push_back(csv_field(part));
      for (const auto& part : g.col_keys[key.second]) line.push_back(csv_field(part));
      const Summary s = summarise(values);
      line.push_back(csv_field(metric));
      line.push_back(formatted("%.17g", s.mean));
      line.push_back(s.count > 1 ? formatted("%.17g", s.std) : "");
      line.push_back(std::to_string(s.count));
      out << joined(line, ",") << "\n";
    }
}

// The key, metric and average-over lists: columns that exist, each once, none in two roles;
// averaging over only what is an identity column not already averaged over.
void check_lists(const ResultsTable& t, const ReportOptions& o) {
  const std::vector<std::pair<const char*, const std::vector<std::string>*>> lists = {
      {"--rows", &o.rows}, {"--cols", &o.cols}, {"--metric", &o.metrics}};
  std::map<std::string, const char*> role;
  for (const auto& [option, list] : lists) {
    if (list->empty()) throw std::invalid_argument(std::string(option) + " names no column");
    for (const auto& c : *list) {
      require_column(t, c);
      if (auto [it, fresh] = role.emplace(c, option); !fresh)
        throw std::invalid_argument("'" + c + "' is given twice (" + it->second + " and " + option +
                                    ")");
    }
  }
  for (const auto& m : o.metrics)
    if (!t.numbers.count(m)) throw std::invalid_argument("'" + m + "' is not a numeric column");
  for (const auto& c : o.average_over) {
    require_column(t, c);
    const ColumnSpec* spec = find_column(c, false);
    const bool identity = c == "results" || (spec && spec->group == ColumnGroup::identity);
    if (!identity || kPerRun.count(c))
      throw std::invalid_argument("--average-over " + c + ": " +
                                  (identity ? "every report already averages over it (or it "
                                              "names single runs)"
                                            : "not an identity column (what was run)"));
    if (auto [it, fresh] = role.emplace(c, "--average-over"); !fresh)
      throw std::invalid_argument("'" + c + "' is given twice (" + it->second +
                                  " and --average-over)");
  }
}

}  // namespace

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

std::string formatted(const char* format, double x) {
  char buffer[400];
  std::snprintf(buffer, sizeof buffer, format, x);
  return buffer;
}

ResultsTable select_rows(const ResultsTable& t, const std::vector<std::string>& where) {
  if (where.empty()) return t;
  const std::vector<std::size_t> rows = matching_rows(t, where);
  ResultsTable out;
  out.sweep = t.sweep;
  out.config = t.config;
  out.columns = t.columns;
  out.rows = rows.size();
  for (const auto& [c, cells] : t.text)
    for (std::size_t r : rows) out.text[c].push_back(cells[r]);
  for (const auto& [c, cells] : t.numbers)
    for (std::size_t r : rows) out.numbers[c].push_back(cells[r]);
  return out;
}

Summary summarise(const std::vector<double>& values) {
  Summary s;
  s.count = values.size();
  if (values.empty()) return s;
  // Sums of the differences from the first value: equal values give exactly it, and std 0.
  const double first = values[0];
  double sum = 0;
  for (double v : values) sum += v - first;
  s.mean = std::isfinite(first) ? first + sum / static_cast<double>(s.count) : first;
  if (s.count < 2) return s;
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(squares / static_cast<double>(s.count - 1));
  return s;
}

CellGrid tabulate(const ResultsTable& t, const ReportOptions& o) {
  check_lists(t, o);

  CellGrid g;
  std::vector<std::size_t> ok;
  for (std::size_t r : matching_rows(t, o.where))
    if (!t.text.count("status") || t.text.at("status")[r] == "ok")
      ok.push_back(r);
    else
      ++g.failed;

  g.rows = o.rows;
  g.cols = o.cols;
  std::vector<std::string> candidates = split_candidates(t, o);
  for (;;) {
    std::vector<std::string> keys = g.rows;
    keys.insert(keys.end(), g.cols.begin(), g.cols.end());
    const std::string varying = first_varying(t, ok, keys, candidates);
    if (varying.empty()) break;
    g.rows.push_back(varying);
    g.added.push_back(varying);
    candidates.erase(std::find(candidates.begin(), candidates.end(), varying));
  }

  g.row_keys = ordered_keys(t, ok, g.rows);
  g.col_keys = ordered_keys(t, ok, g.cols);
  std::map<std::vector<std::string>, std::size_t> row_of, col_of;
  for (std::size_t i = 0; i < g.row_keys.size(); ++i) row_of[g.row_keys[i]] = i;
  for (std::size_t i = 0; i < g.col_keys.size(); ++i) col_of[g.col_keys[i]] = i;
  for (const auto& m : o.metrics) g.values[m];
  // One run twice in a cell (a file given twice) would count twice.
  std::map<std::pair<std::size_t, std::size_t>, std::set<std::string>> runs;
  const auto ids = t.text.find("run_id");
  for (std::size_t r : ok) {
    std::vector<std::string> rk, ck;
    for (const auto& c : g.rows) rk.push_back(t.cell(c, r));
    for (const auto& c : g.cols) ck.push_back(t.cell(c, r));
    const std::pair<std::size_t, std::size_t> key{row_of.at(rk), col_of.at(ck)};
    if (ids != t.text.end() && !runs[key].insert(ids->second[r]).second)
      throw std::invalid_argument("run " + ids->second[r] +
                                  " is twice in one cell (a results file given twice?)");
    for (const auto& m : o.metrics)
      if (const double v = t.numbers.at(m)[r]; !std::isnan(v)) g.values[m][key].push_back(v);
  }
  return g;
}

std::vector<std::string> report_notes(const CellGrid& g, const ReportOptions& o) {
  std::vector<std::string> notes;
  if (!g.added.empty()) {
    std::vector<std::string> keys = o.rows;
    keys.insert(keys.end(), o.cols.begin(), o.cols.end());
    notes.push_back("rows also split by " + joined(g.added, ", ") + ": " +
                    (g.added.size() > 1 ? "they vary" : "it varies") + " between runs of one " +
                    joined(keys, " / ") + " (--average-over " + joined(g.added, ",") +
                    " averages over " + (g.added.size() > 1 ? "them" : "it") + ")");
  }
  if (g.failed)
    notes.push_back(std::to_string(g.failed) + " failed run" + (g.failed > 1 ? "s" : "") +
                    " not shown");
  return notes;
}

std::string format_report(const CellGrid& g, const ReportOptions& o) {
  std::ostringstream out;
  if (o.format == "csv") {
    tidy_csv(out, g, o);
    return out.str();
  }
  const auto notes = report_notes(g, o);
  for (const auto& metric : o.metrics) {
    const std::string title = metric + unit_of(metric) + ": " + averaged_over(o);
    const auto& cells = g.values.at(metric);
    if (o.format == "md")
      markdown_table(out, g, cells, title);
    else if (o.format == "latex")
      latex_table(out, g, cells, title);
    else
      html_table(out, g, cells, metric, title);
  }
  for (const auto& note : notes) {
    if (o.format == "md") out << "(" << note << ")\n";
    if (o.format == "latex") out << "% " << note << "\n";
    if (o.format == "html") out << "<p class=\"note\">" << html_escaped(note) << "</p>\n";
  }
  return out.str();
}

std::string report(const ResultsTable& t, const ReportOptions& o) {
  if (o.format != "md" && o.format != "csv" && o.format != "latex" && o.format != "html")
    throw std::invalid_argument("unknown format '" + o.format + "' (md, csv, latex or html)");
  return format_report(tabulate(t, o), o);
}

std::string markdown_escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '\\' || c == '*' || c == '`' || c == '_' || c == '~' || c == '[' ||
        c == ']')
      out += std::string("\\") + c;
    else if (c == '<')
      out += "&lt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string latex_escaped(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '<':
        out += "\\textless{}";
        break;
      case '>':
        out += "\\textgreater{}";
        break;
      case '|':
        out += "\\textbar{}";
        break;
      case '{':
      case '}':
      case '$':
      case '&':
      case '#':
      case '_':
      case '%':
        out += std::string("\\") + c;
        break;
      case '[':  // a row or cell starting with [ would be \\[length] or \\midrule[length]
        out += "{[}";
        break;
      case ']':
        out += "{]}";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  return out;
}

std::string html_escaped(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  return out;
}

}  // namespace quantlab
