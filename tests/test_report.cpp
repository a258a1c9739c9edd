// report and compare on hand-made tables: cells, the columns that split them, filters, every
// format's escaping and numbers, and compare's marks against the noise.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "experiments/compare.hpp"
#include "experiments/report.hpp"
#include "experiments/results_table.hpp"

using namespace quantlab;

namespace {

struct Row {
  std::string dataset, label, granularity;
  double bits, seed, mse;
};

ResultsTable table_of(const std::vector<Row>& rows, const std::string& sweep = "s") {
  ResultsTable t;
  t.sweep = sweep;
  t.columns = {"run_id", "status", "sweep", "dataset", "granularity",
               "label",  "bits",   "seed",  "mse",     "alg_step"};
  for (const auto& r : rows) {
    t.text["run_id"].push_back(std::to_string(t.rows));
    t.text["status"].push_back(r.mse < 0 ? "failed" : "ok");
    t.text["sweep"].push_back(sweep);
    t.text["dataset"].push_back(r.dataset);
    t.text["granularity"].push_back(r.granularity);
    t.text["label"].push_back(r.label);
    t.numbers["bits"].push_back(r.bits);
    t.numbers["seed"].push_back(r.seed);
    t.numbers["mse"].push_back(r.mse < 0 ? std::nan("") : r.mse);
    t.numbers["alg_step"].push_back(r.mse);
    ++t.rows;
  }
  return t;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a column varying inside a cell splits the rows, unless averaged over explicitly") {
  const ResultsTable t = table_of({{"g", "kmeans", "tensor", 2, 0, 1},
                                   {"g", "kmeans", "tensor", 2, 1, 3},
                                   {"g", "kmeans", "axis=0", 2, 0, 10},
                                   {"g", "kmeans", "axis=0", 2, 1, 14}});
  ReportOptions o;
  const CellGrid split = tabulate(t, o);
  CHECK(split.added == std::vector<std::string>{"granularity"});
  REQUIRE(split.row_keys.size() == 2);
  const std::string md = report(t, o);
  // Means and sample standard deviations by hand: (1, 3) → 2 ± √2, (10, 14) → 12 ± 2√2.
  CHECK(has(md, "| g | kmeans | tensor | 2 ± 1.4 |"));
  CHECK(has(md, "| g | kmeans | axis=0 | 12 ± 2.8 |"));
  CHECK(has(md, "rows also split by granularity"));

  o.average_over = {"granularity"};
  const std::string averaged = report(t, o);
  CHECK(has(averaged, "| g | kmeans | 7 ± 6.1 |"));  // mean 7, std √(110/3)
  CHECK(has(averaged, "mean ± std over seeds and granularity"));
  CHECK_FALSE(has(averaged, "split by"));
}

TEST_CASE("--where keeps the matching runs; bad filters and columns are named") {
  const ResultsTable t = table_of({{"g", "kmeans", "tensor", 2, 0, 1},
                                   {"g", "kmeans", "tensor", 10, 0, 0.5},
                                   {"g", "optimal", "tensor", 2, 0, 0.9},
                                   {"g", "optimal", "tensor", 3, 0, -1}});
  ReportOptions o;
  o.where = {"label=optimal"};
  std::string md = report(t, o);
  CHECK(has(md, "| g | optimal | 0.9 |\n"));
  CHECK_FALSE(has(md, "kmeans"));
  CHECK(has(md, "1 failed run not shown"));
  o.where = {"bits=2,10", "label=kmeans"};
  md = report(t, o);
  CHECK(has(md, "| dataset | label | bits=2 | bits=10 |"));  // numbers in numeric order
  CHECK(has(md, "| g | kmeans | 1 | 0.5 |"));
  for (const auto& [where, message] : std::vector<std::pair<std::string, std::string>>{
           {"bits=two", "'two' is not a number"},
           {"bitz=2", "no column 'bitz'"},
           {"label", "COLUMN=VALUE"},
           {"label=lloyd", "no run matches --where label=lloyd"}}) {
    o.where = {where};
    CHECK_THROWS_WITH(report(t, o), doctest::Contains(message.c_str()));
  }
}

TEST_CASE("tidy CSV has one header and one line per cell and metric, labels quoted") {
  const ResultsTable t = table_of({{"g", "uniform(mode=a,b)", "tensor", 1, 0, 0.25},
                                   {"g", "uniform(mode=a,b)", "tensor", 1, 1, 0.75},
                                   {"g", "say \"hi\"", "tensor", 2, 0, 0.125}});
  ReportOptions o;
  o.metrics = {"mse", "alg_step"};
  o.format = "csv";
  const std::string csv = report(t, o);
  CHECK(csv ==
        "dataset,label,bits,metric,mean,std,count\n"
        "g,\"uniform(mode=a,b)\",1,mse,0.5,0.35355339059327379,2\n"
        "g,\"say \"\"hi\"\"\",2,mse,0.125,,1\n"
        "g,\"uniform(mode=a,b)\",1,alg_step,0.5,0.35355339059327379,2\n"
        "g,\"say \"\"hi\"\"\",2,alg_step,0.125,,1\n");
}

TEST_CASE("LaTeX uses booktabs, escapes labels and writes powers of ten") {
  const ResultsTable t = table_of({{"g_1", "k&m 50%", "tensor", 2, 0, 1.15e-8},
                                   {"g_1", "k&m 50%", "tensor", 2, 1, 1.2e-8},
                                   {"g_1", "opt#", "tensor", 2, 0, 0.5}});
  ReportOptions o;
  o.format = "latex";
  const std::string tex = report(t, o);
  CHECK(has(tex, "\\toprule"));
  CHECK(has(tex, "\\midrule"));
  CHECK(has(tex, "\\bottomrule"));
  CHECK_FALSE(has(tex, "\\hline"));
  CHECK(has(tex, "g\\_1 & k\\&m 50\\% & $(1.175 \\pm 0.035) \\times 10^{-8}$ \\\\"));
  CHECK(has(tex, "g\\_1 & opt\\# & $0.5000$ \\\\"));
  CHECK_FALSE(has(tex, "e-08"));
  CHECK(latex_escaped("a\\b^c~d{e}$") ==
        "a\\textbackslash{}b\\textasciicircum{}c\\textasciitilde{}d\\{e\\}\\$");
}

TEST_CASE("Markdown and HTML escape what would break their tables") {
  const ResultsTable t = table_of({{"g", "a|b<c>", "tensor", 2, 0, 1}});
  CHECK(has(report(t, ReportOptions{}), "| g | a\\|b&lt;c> | 1 |"));
  ReportOptions o;
  o.format = "html";
  const std::string html = report(t, o);
  CHECK(has(html, "<td>a|b&lt;c&gt;</td>"));
  CHECK(has(html, "<table class=\"sortable\""));
  CHECK(has(html, "data-value=\"1\""));
}

TEST_CASE("several results files stack into one table with the file as a column") {
  ResultsTable a = table_of({{"g", "kmeans", "tensor", 2, 0, 1}}, "one");
  ResultsTable b = table_of({{"g", "kmeans", "tensor", 2, 0, 3}}, "two");
  b.columns.push_back("extra");
  b.numbers["extra"] = {7};
  const ResultsTable both = stack_results({a, b}, {"a.h5", "b.h5"});
  REQUIRE(both.rows == 2);
  CHECK(both.text.at("results") == std::vector<std::string>{"a.h5", "b.h5"});
  CHECK(std::isnan(both.numbers.at("extra")[0]));
  CHECK(both.numbers.at("extra")[1] == 7);
  // The two sweeps' runs of one dataset / label are not averaged together.
  const std::string md = report(both, ReportOptions{});
  CHECK(has(md, "| g | kmeans | one | 1 |"));
  CHECK(has(md, "| g | kmeans | two | 3 |"));
}

TEST_CASE("compare marks a cell only beyond the factor and outside both spreads") {
  // A: kmeans 1.0 ± 0.1 (seeds), optimal 0.5; B: kmeans 1.05 ± 0.1 (noise), optimal 0.6.
  const ResultsTable a = table_of({{"g", "kmeans", "tensor", 2, 0, 0.9},
                                   {"g", "kmeans", "tensor", 2, 1, 1.1},
                                   {"g", "optimal", "tensor", 2, 0, 0.5},
                                   {"g", "uniform", "tensor", 2, 0, 2}});
  const ResultsTable b = table_of({{"g", "kmeans", "tensor", 2, 0, 0.95},
                                   {"g", "kmeans", "tensor", 2, 1, 1.15},
                                   {"g", "optimal", "tensor", 2, 0, 0.6},
                                   {"g", "lloyd", "tensor", 2, 0, 1}});
  CompareOptions o;
  o.metrics = {"mse", "alg_step"};
  const Comparison c = compare_results(a, b, o);
  auto find = [&](const std::string& label, const std::string& metric) {
    for (const auto& x : c.cells)
      if (x.key[1] == label && x.metric == metric) return x;
    FAIL("no cell " << label << " " << metric);
    return ComparedCell{};
  };
  CHECK(find("kmeans", "mse").mark == Change::same);
  CHECK(find("kmeans", "mse").change == doctest::Approx(1.05));
  CHECK(find("optimal", "mse").mark == Change::worse);         // mse: lower is better
  CHECK(find("optimal", "alg_step").mark == Change::changed);  // no declared direction
  CHECK(find("uniform", "mse").mark == Change::only_a);
  CHECK(find("lloyd", "mse").mark == Change::only_b);
  const Comparison reversed = compare_results(b, a, o);
  for (const auto& x : reversed.cells)
    if (x.key[1] == "optimal" && x.metric == "mse") CHECK(x.mark == Change::better);
  o.factor = 1.25;  // 0.6 / 0.5 = 1.2 is within it
  for (const auto& x : compare_results(a, b, o).cells)
    if (x.key[1] == "optimal") CHECK(x.mark == Change::same);
  const std::string md = format_comparison(c, CompareOptions{}, "a.h5", "b.h5");
  CHECK(has(md, "| g | optimal | 2 | 0.5 (n=1) | 0.6 (n=1) | 1.2 | worse |"));
  CHECK(has(md, "mse: 1 worse, 0 better, 0 changed, 1 within noise, 1 only in A, 1 only in B"));
}

TEST_CASE("LaTeX numbers: rounding carries, subnormals, a spread larger than the mean") {
  auto tex = [](std::vector<double> values) {
    std::vector<Row> rows;
    for (std::size_t i = 0; i < values.size(); ++i)
      rows.push_back({"g", "k", "tensor", 2, static_cast<double>(i), values[i]});
    ReportOptions o;
    o.format = "latex";
    const std::string out = report(table_of(rows), o);
    const auto start = out.find("g & k & ") + 8;
    return out.substr(start, out.find(" \\\\\n", start) - start);
  };
  CHECK(tex({9.99996e-5}) == "$1.000 \\times 10^{-4}$");
  CHECK(tex({9.99996}) == "$10.00$");
  CHECK(tex({5e-101}) == "$5.000 \\times 10^{-101}$");
  // mean 3.0005, std 4.24: the mean to the std's last digit.
  CHECK(tex({0.001, 6}) == "$3.0 \\pm 4.2$");
  CHECK(tex({0.25, 0.25, 0.25}) == "$0.2500$");  // equal values: no spread at all
}

TEST_CASE("equal values average to themselves with no spread") {
  const std::vector<double> v(200, 0.39753);
  const Summary s = summarise(v);
  CHECK(s.mean == 0.39753);
  CHECK(s.std == 0);
}

TEST_CASE("report refuses lists that name nothing, twice, or what cannot be averaged over") {
  const ResultsTable t = table_of({{"g", "kmeans(init=quantile,n_init=3)", "tensor", 2, 0, 1},
                                   {"g", "kmeans(init=quantile,n_init=3)", "tensor", 2, 1, 2},
                                   {"g", "", "tensor", 2, 0, 5}});
  for (const auto& [change, message] :
       std::vector<std::pair<std::function<void(ReportOptions&)>, std::string>>{
           {[](ReportOptions& o) { o.metrics = {}; }, "--metric names no column"},
           {[](ReportOptions& o) { o.cols = {"label"}; }, "'label' is given twice"},
           {[](ReportOptions& o) {
              o.metrics = {"mse", "mse"};
            },
            "'mse' is given twice"},
           {[](ReportOptions& o) { o.average_over = {"mse"}; }, "not an identity column"},
           {[](ReportOptions& o) { o.average_over = {"seed"}; }, "already averages over it"},
           {[](ReportOptions& o) { o.average_over = {"bits"}; }, "'bits' is given twice"}}) {
    ReportOptions o;
    change(o);
    CHECK_THROWS_WITH(report(t, o), doctest::Contains(message.c_str()));
  }
  // A label with commas inside brackets is one --where value; an empty value matches "".
  ReportOptions o;
  o.where = {"label=kmeans(init=quantile,n_init=3)"};
  CHECK(has(report(t, o), "| g | kmeans(init=quantile,n\\_init=3) | 1.5 ± 0.71 |"));
  o.where = {"label="};
  CHECK(has(report(t, o), "| g |  | 5 |"));
  // The same run twice in a cell (one file given twice) is refused.
  const ResultsTable twice = stack_results({t, t}, {"a.h5", "a.h5"});
  CHECK_THROWS_WITH(report(twice, ReportOptions{}), doctest::Contains("is twice in one cell"));
}

TEST_CASE("compare: a value turned infinite is worse, rounding is not, dB compare by difference") {
  const ResultsTable a = table_of({{"g", "optimal", "tensor", 2, 0, 0.0},
                                   {"g", "kmeans", "tensor", 2, 0, 1.0},
                                   {"g", "kmeans", "tensor", 2, 1, 1.0}});
  ResultsTable b = table_of({{"g", "optimal", "tensor", 2, 0, 2.2e-16},
                             {"g", "kmeans", "tensor", 2, 0, 1.0},
                             {"g", "kmeans", "tensor", 2, 1, HUGE_VAL}});
  CompareOptions o;
  const Comparison c = compare_results(a, b, o);
  REQUIRE(c.cells.size() == 2);
  CHECK(c.cells[0].key[1] == "optimal");
  CHECK(c.cells[0].mark == Change::same);   // 0 against 2.2e-16: within atol
  CHECK(c.cells[1].mark == Change::worse);  // kmeans: a seed's mse turned infinite
  o.atol = 0;
  CHECK(compare_results(a, b, o).cells[0].mark == Change::worse);
  // sqnr_db in dB: -1.87 against -4.87 is 3 dB worse (higher is better), not a ratio of 2.6.
  ResultsTable da = table_of({{"g", "k", "tensor", 2, 0, 1}});
  ResultsTable db = da;
  da.columns.push_back("sqnr_db");
  db.columns.push_back("sqnr_db");
  da.numbers["sqnr_db"] = {-1.87};
  db.numbers["sqnr_db"] = {-4.87};
  o.metrics = {"sqnr_db"};
  const Comparison d = compare_results(da, db, o);
  REQUIRE(d.cells.size() == 1);
  CHECK(d.cells[0].change == doctest::Approx(-3.0));
  CHECK(d.cells[0].mark == Change::worse);
}
