#include "experiments/html_report.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "datasets/sha256.hpp"
#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

const char* kStyle = R"(body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:75em;
padding:0 1em;color:#1b1b1b}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.6em 0 1.2em}th,td{padding:.25em .7em;
border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}td.number,th.number{
text-align:right;font-variant-numeric:tabular-nums}table.sortable th{cursor:pointer;
background:#f4f4f4;user-select:none}th[aria-sort=ascending]::after{content:" \25b2"}
th[aria-sort=descending]::after{content:" \25bc"}.note{color:#555}figure{margin:1em 0}
figure img{max-width:100%;border:1px solid #e3e3e3}pre{background:#f7f7f7;padding:.8em;
overflow:auto}code{font-size:.92em})";

// Click a header to sort its table's rows; numbers by their data-value, empty ones last.
const char* kSortScript = R"(document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.classList.contains("number");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[column];
        if (!numeric) return cell.textContent;
        var v = cell.getAttribute("data-value");
        return v === "" || v === null ? NaN : parseFloat(v);
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), order;
        if (numeric) {
          if (isNaN(x) || isNaN(y)) return isNaN(x) - isNaN(y);
          order = x - y;
        } else {
          order = x.localeCompare(y, undefined, {numeric: true});
        }
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});)";

std::size_t count_status(const ResultsTable& t, const char* status) {
  if (!t.text.count("status")) return 0;
  const auto& s = t.text.at("status");
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), status));
}

void summary(std::ostream& out, const std::vector<std::string>& paths,
             const std::vector<ResultsTable>& tables) {
  out << "<section id=\"summary\"><h2>Summary</h2>\n<table>\n<thead><tr><th>results</th>"
         "<th>sweep</th><th class=\"number\">runs</th><th class=\"number\">ok</th>"
         "<th class=\"number\">failed</th><th>config SHA-256</th></tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const ResultsTable& t = tables[i];
    out << "<tr><td><code>" << html_escaped(paths[i]) << "</code></td><td>" << html_escaped(t.sweep)
        << "</td><td class=\"number\">" << t.rows << "</td><td class=\"number\">"
        << count_status(t, "ok") << "</td><td class=\"number\">" << count_status(t, "failed")
        << "</td><td><code>" << sha256_hex(t.config).substr(0, 16) << "</code></td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
  for (std::size_t i = 0; i < tables.size(); ++i)
    out << "<details><summary>config of " << html_escaped(tables[i].sweep) << " ("
        << html_escaped(paths[i]) << ")</summary><pre>" << html_escaped(tables[i].config)
        << "</pre></details>\n";
  out << "</section>\n";
}

void failures(std::ostream& out, const ResultsTable& t) {
  out << "<section id=\"failures\"><h2>Failed runs</h2>\n";
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < t.rows; ++r)
    if (t.text.count("status") && t.text.at("status")[r] == "failed") rows.push_back(r);
  if (rows.empty()) {
    out << "<p>No run failed.</p>\n</section>\n";
    return;
  }
  std::vector<std::string> columns;
  for (const char* c : {"results", "run_id", "dataset", "tensor", "label", "bits", "seed", "error"})
    if (t.has(c)) columns.push_back(c);
  out << "<p>" << rows.size() << " of " << t.rows << " runs failed.</p>\n<table class=\"sortable\" "
      << "id=\"failed-runs\">\n<thead><tr>";
  for (const auto& c : columns)
    out << "<th" << (t.numbers.count(c) ? " class=\"number\"" : "") << ">" << c << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (std::size_t r : rows) {
    out << "<tr>";
    for (const auto& c : columns) {
      if (t.numbers.count(c))
        out << "<td class=\"number\" data-value=\"" << t.cell(c, r) << "\">";
      else
        out << "<td>";
      out << html_escaped(t.cell(c, r)) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

void figures_section(std::ostream& out, const std::vector<Figure>& figures) {
  if (figures.empty()) return;
  out << "<section id=\"plots\"><h2>Plots</h2>\n";
  for (const auto& f : figures) {
    if (!f.missing.empty()) {
      out << "<p class=\"note\">" << html_escaped(f.caption) << ": not drawn ("
          << html_escaped(f.missing) << ")</p>\n";
      continue;
    }
    out << "<figure><img src=\"" << html_escaped(f.file) << "\" alt=\"" << html_escaped(f.caption)
        << "\"><figcaption>" << html_escaped(f.caption) << "</figcaption></figure>\n";
  }
  out << "</section>\n";
}

// Each provenance column's values and how many runs have each; start and end times as the
// span they cover.
void provenance(std::ostream& out, const ResultsTable& t) {
  out << "<section id=\"provenance\"><h2>Provenance</h2>\n<table>\n<thead><tr><th>column</th>"
         "<th>values (runs)</th></tr></thead>\n<tbody>\n";
  for (const auto& c : t.columns) {
    const ColumnSpec* spec = find_column(c, false);
    if (!spec || spec->group != ColumnGroup::provenance || !t.text.count(c)) continue;
    const auto& values = t.text.at(c);
    std::string shown;
    if (c == "start_time" || c == "end_time") {
      std::vector<std::string> set;
      for (const auto& v : values)
        if (!v.empty()) set.push_back(v);
      if (!set.empty())
        shown = html_escaped(*std::min_element(set.begin(), set.end())) + " … " +
                html_escaped(*std::max_element(set.begin(), set.end()));
    } else {
      std::map<std::string, std::size_t> counts;
      std::vector<std::string> order;
      for (const auto& v : values)
        if (counts[v]++ == 0) order.push_back(v);
      for (std::size_t i = 0; i < order.size() && i < 10; ++i)
        shown += (i ? "<br>" : "") + std::string("<code>") + html_escaped(order[i]) + "</code> (" +
                 std::to_string(counts[order[i]]) + ")";
      if (order.size() > 10) shown += "<br>… and " + std::to_string(order.size() - 10) + " more";
    }
    out << "<tr><td>" << html_escaped(c) << "</td><td>" << shown << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string html_page(const std::vector<std::string>& paths,
                      const std::vector<ResultsTable>& tables, const ResultsTable& stacked,
                      const ReportOptions& options, const std::vector<Figure>& figures) {
  ReportOptions html = options;
  html.format = "html";
  const std::string body = report(stacked, html);
  std::vector<std::string> sweeps;
  for (const auto& t : tables)
    if (std::find(sweeps.begin(), sweeps.end(), t.sweep) == sweeps.end()) sweeps.push_back(t.sweep);
  std::string title;
  for (const auto& s : sweeps) title += (title.empty() ? "" : ", ") + s;

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>quantlab report: " << html_escaped(title) << "</title>\n<style>" << kStyle
      << "</style>\n</head>\n<body>\n<h1>quantlab report: " << html_escaped(title) << "</h1>\n";
  if (!options.where.empty())
    out << "<p class=\"note\">Runs selected by --where "
        << html_escaped(joined(options.where, " and "))
        << ": the summary counts every run of the files, and the plots draw them all.</p>\n";
  summary(out, paths, tables);
  failures(out, stacked);
  out << "<section id=\"tables\"><h2>Tables</h2>\n<p class=\"note\">Click a column's header to "
         "sort by it.</p>\n"
      << body << "</section>\n";
  figures_section(out, figures);
  provenance(out, stacked);
  out << "<script>\n" << kSortScript << "\n</script>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace quantlab
