#include "cli/report_commands.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "build_info.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/compare.hpp"
#include "experiments/html_report.hpp"
#include "experiments/report.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/results_table.hpp"

extern char** environ;

namespace quantlab::cli {
namespace {

// The plots of a report's page, drawn by scripts/plot.py; it exits 2 with one line when a
// kind does not fit the results.
const std::vector<std::pair<std::string, std::string>> kPageFigures = {
    {"mse-vs-bits", "MSE against bits per algorithm, mean over seeds"},
    {"rate-distortion", "MSE against the Huffman-coded rate per algorithm"},
};

struct Drawn {
  int status = -1;      ///< plot.py's exit status (-1: it could not be started)
  std::string message;  ///< its last line on stderr
};

Drawn draw(const std::string& kind, const std::vector<std::string>& results,
           const std::string& out) {
  const std::string python = "/usr/bin/python3";
  const std::string script = std::string(QUANTLAB_SOURCE_DIR) + "/scripts/plot.py";
  if (!std::filesystem::is_regular_file(script)) return {-1, "no " + script};
  std::vector<std::string> args{python, script, kind};
  args.insert(args.end(), results.begin(), results.end());
  args.insert(args.end(), {"--out", out});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int err[2];
  if (pipe(err) != 0) return {-1, "no pipe"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  posix_spawn_file_actions_addclose(&actions, err[0]);
  posix_spawn_file_actions_addclose(&actions, err[1]);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(err[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = read(err[0], buffer, sizeof buffer)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
  }
  close(err[0]);
  if (spawned != 0) return {-1, python + " could not be started: " + std::strerror(spawned)};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const std::string last =
      text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, last};
}

std::vector<ResultsTable> read_all(const std::vector<std::string>& paths) {
  std::vector<ResultsTable> tables;
  for (const auto& p : paths) tables.push_back(read_results(p));
  return tables;
}

// Without --metric, a page shows every headline metric the results have values for.
std::vector<std::string> page_metrics(const ResultsTable& t) {
  std::vector<std::string> out;
  for (const char* m :
       {"mse", "gap_to_optimal", "huffman_bits", "compression_ratio", "test_accuracy", "time_s"}) {
    const auto it = t.numbers.find(m);
    if (it != t.numbers.end() &&
        std::any_of(it->second.begin(), it->second.end(), [](double v) { return v == v; }))
      out.push_back(m);
  }
  return out.empty() ? std::vector<std::string>{"mse"} : out;
}

int write_page(const std::string& dir, const std::vector<std::string>& paths,
               const std::vector<ResultsTable>& tables, const ResultsTable& stacked,
               const ReportOptions& options) {
  tabulate(stacked, options);  // bad options are refused before anything is drawn
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir))
    throw std::runtime_error(dir + ": cannot make the report's folder" +
                             (error ? " (" + error.message() + ")" : " (a file is in the way)"));
  int status = 0;
  std::vector<Figure> figures;
  for (const auto& [kind, caption] : kPageFigures) {
    Figure f{kind + ".svg", caption, ""};
    const Drawn d = draw(kind, paths, (std::filesystem::path(dir) / f.file).string());
    if (d.status == 2 && d.message.rfind("plot.py: ", 0) == 0) {
      f.missing = d.message.substr(9);  // the kind does not fit these results
    } else if (d.status != 0) {
      f.missing = "scripts/plot.py " + kind + " failed: " + d.message;
      std::cerr << "quantlab: " << f.missing << "\n";
      status = 1;
    }
    figures.push_back(f);
  }
  const std::string page =
      html_page(paths, tables, select_rows(stacked, options.where), options, figures);
  const std::string index = (std::filesystem::path(dir) / "index.html").string();
  hdf5::write_bytes_atomically(index, std::vector<char>(page.begin(), page.end()));
  std::size_t drawn = 0;
  for (const auto& f : figures) drawn += f.missing.empty();
  std::cout << "wrote " << index << " (" << options.metrics.size() << " table"
            << (options.metrics.size() > 1 ? "s" : "") << ", " << drawn << " plot"
            << (drawn == 1 ? "" : "s") << ")\n";
  return status;
}

}  // namespace

int command_report(const Invocation& in) {
  po::options_description o("options");
  std::vector<std::string> results, where;
  std::string metrics, rows, cols, format, average_over, html;
  o.add_options()("results", po::value(&results)->required(), "merged results file(s) (.h5)")(
      "metric", po::value(&metrics)->default_value("mse"), "metric column(s), comma-separated")(
      "rows", po::value(&rows)->default_value("dataset,label"), "row key column(s)")(
      "cols", po::value(&cols)->default_value("bits"), "column key column(s)")(
      "where", po::value(&where)->composing(),
      "COLUMN=VALUE[,VALUE...]: only the runs that match; repeatable (all must hold)")(
      "average-over", po::value(&average_over),
      "identity column(s) to average over besides the seed (otherwise a column varying inside "
      "a cell splits the rows)")(
      "format", po::value(&format)->default_value("md"),
      "md, csv (tidy: keys, metric, mean, std, count), latex (booktabs) or html")(
      "html", po::value(&html),
      "write a static page DIR/index.html, with the plots as SVG (instead of --format)");
  po::positional_options_description p;
  p.add("results", -1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  if (vm.count("html") && html.empty()) throw UsageError("--html needs a folder");
  if (vm.count("html") && !vm["format"].defaulted())
    throw UsageError("--html writes a page: give it or --format, not both");
  const std::vector<ResultsTable> tables = read_all(results);
  ReportOptions options{split(metrics), split(rows),         split(cols),
                        where,          split(average_over), format};
  try {
    const ResultsTable stacked = stack_results(tables, results);
    if (!html.empty()) {
      if (vm["metric"].defaulted()) options.metrics = page_metrics(stacked);
      return write_page(html, results, tables, stacked, options);
    }
    if (format != "csv") {
      std::cout << report(stacked, options);
      return 0;
    }
    const CellGrid grid = tabulate(stacked, options);
    for (const auto& note : report_notes(grid, options)) std::cerr << "note: " << note << "\n";
    std::cout << format_report(grid, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return 0;
}

int command_compare(const Invocation& in) {
  po::options_description o("options");
  std::string a, b, metrics, keys, average_over, format, fail_on;
  std::vector<std::string> where;
  CompareOptions options;
  o.add_options()("a", po::value(&a)->required(), "results file A (.h5), the baseline")(
      "b", po::value(&b)->required(), "results file B (.h5)")(
      "metric", po::value(&metrics)->default_value("mse"), "metric column(s), comma-separated")(
      "keys", po::value(&keys)->default_value("dataset,label,bits"),
      "identity columns that name a cell")("where", po::value(&where)->composing(),
                                           "COLUMN=VALUE[,VALUE...]; repeatable")(
      "average-over", po::value(&average_over), "identity column(s) to average over")(
      "factor", po::value(&options.factor)->default_value(1.01),
      "a cell is marked only when B / A is beyond this factor (either way)")(
      "atol", po::value(&options.atol)->default_value(1e-12),
      "... and |B - A| beyond this (rounding: a gap of 0 against 2e-16)")(
      "format", po::value(&format)->default_value("md"), "md or csv")(
      "fail-on-regression", po::value(&fail_on),
      "METRIC[,METRIC]: exit 1 when a cell of one is worse beyond the noise, or has no value "
      "in B");
  po::positional_options_description p;
  p.add("a", 1);
  p.add("b", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  if (format != "md" && format != "csv")
    throw UsageError("unknown format '" + format + "' (md or csv)");
  options.metrics = split(metrics);
  options.keys = split(keys);
  options.where = where;
  options.average_over = split(average_over);
  options.format = format;
  const std::vector<std::string> gated = split(fail_on);
  for (const auto& m : gated) {
    const ColumnSpec* spec = find_column(m, false);
    if (!spec) throw UsageError("--fail-on-regression " + m + ": no such column");
    if (spec->better == Better::unknown)
      throw UsageError("--fail-on-regression " + m +
                       ": the schema does not say whether lower or higher is better for it");
    if (std::find(options.metrics.begin(), options.metrics.end(), m) == options.metrics.end())
      options.metrics.push_back(m);
  }
  Comparison c;
  try {
    c = compare_results(read_results(a), read_results(b), options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << format_comparison(c, options, a, b);
  if (format == "csv")
    for (const auto& note : comparison_notes(c)) std::cerr << "note: " << note << "\n";
  std::size_t worse = 0, missing = 0, compared = 0;
  for (const auto& x : c.cells) {
    if (std::find(gated.begin(), gated.end(), x.metric) == gated.end()) continue;
    worse += x.mark == Change::worse;
    missing += x.mark == Change::only_a;
    compared += x.mark != Change::only_a && x.mark != Change::only_b;
  }
  if (!gated.empty() && (worse || missing || !compared)) {
    std::cerr << "quantlab: regression in " << fail_on << ": " << worse << " cell"
              << (worse == 1 ? "" : "s") << " worse in B than in A beyond the noise, " << missing
              << " with no value in B" << (compared ? "" : ", no cell in both") << "\n";
    return 1;
  }
  return 0;
}

}  // namespace quantlab::cli
