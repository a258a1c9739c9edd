// End to end through the command line: run -> merge -> report, resuming, failures and bad input.
#include <H5Cpp.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"
#include "experiments/results_table.hpp"
#include "networks/model_file.hpp"
#include "networks/training.hpp"
#include "tests/blocks_dataset.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using namespace quantlab;
using namespace quantlab::testing;

namespace {

const char* kTiny = R"(name: tiny
datasets:
  - name: gauss
    synthetic: {distribution: gaussian, n: 2000, seed: 1}
  - name: lap
    synthetic: {distribution: laplace, n: 2000, seed: 2}
algorithms:
  - uniform
  - kmeans
  - optimal
bits: [1, 2, 3]
seeds: [0, 1]
repeat: 2
)";

// One run's recorded vector from a merged results file; empty when the run recorded none by
// that name.
std::vector<double> run_vector(const std::string& results, const std::string& run,
                               const std::string& name) {
  Distributions vectors;
  read_results(results, &vectors);
  auto r = vectors.find(run);
  if (r == vectors.end() || !r->second.count(name)) return {};
  return r->second.at(name);
}

// Exit status of scripts/plot.py with `arguments` (a shell line: redirections allowed).
int plot(const std::string& arguments) {
  const std::string line = "/usr/bin/python3 " + std::string(std::getenv("QUANTLAB_SOURCE_DIR")) +
                           "/scripts/plot.py " + arguments + " 2>&1";
  return std::system(line.c_str());
}

}  // namespace

TEST_CASE("run, merge and report a tiny sweep; a second run skips every run") {
  Sandbox box;
  box.write("tiny.yaml", kTiny);
  const Result plan = box.quantlab("plan tiny.yaml");
  CHECK(plan.status == 0);
  CHECK(plan.output.find("24 runs") != std::string::npos);  // 2 x (3 + 3x2 + 3)

  const Result run = box.quantlab("run tiny.yaml --threads 2");
  CHECK(run.status == 0);
  CHECK(run.output.find("24 done, 0 already recorded, 0 failed") != std::string::npos);
  CHECK(box.records("tiny") == 24);

  const Result again = box.quantlab("run tiny.yaml");
  CHECK(again.status == 0);
  CHECK(again.output.find("0 done, 24 already recorded") != std::string::npos);

  const Result merge = box.quantlab("merge tiny.yaml");
  CHECK(merge.status == 0);
  const ResultsTable table = read_results(box.path("results/tiny.h5"));
  REQUIRE(table.rows == 24);
  for (const char* column : {"run_id", "mse", "sse", "rel_sse", "sqnr_db", "max_abs_err", "levels",
                             "bits_fixed", "entropy_bits", "time_s", "iterations", "converged",
                             "gap_to_optimal", "git_commit", "openblas_core", "host", "start_time"})
    CHECK_MESSAGE(table.has(column), column);
  for (std::size_t r = 0; r < table.rows; ++r) {
    CHECK(table.text.at("status")[r] == "ok");
    CHECK(table.numbers.at("gap_to_optimal")[r] >= -1e-12);
    if (table.text.at("algorithm")[r] == "optimal")
      CHECK(std::abs(table.numbers.at("gap_to_optimal")[r]) < 1e-12);
  }

  const Result report = box.quantlab("report results/tiny.h5 --metric mse,gap_to_optimal");
  CHECK(report.status == 0);
  CHECK(report.output.find("### mse") != std::string::npos);
  CHECK(report.output.find("| gauss | kmeans |") != std::string::npos);
  CHECK(report.output.find(" ± ") != std::string::npos);  // kmeans has two seeds
  for (const char* format : {"csv", "latex"})
    CHECK(box.quantlab(std::string("report results/tiny.h5 --format ") + format).status == 0);
  const Result bad_column = box.quantlab("report results/tiny.h5 --metric msee");
  CHECK(bad_column.status == 2);
  CHECK(bad_column.output.find("no column 'msee'") != std::string::npos);
}

TEST_CASE("report reads several files and filters; compare flags a regression beyond the noise") {
  Sandbox box;
  box.write("tiny.yaml", kTiny);
  REQUIRE(box.quantlab("run tiny.yaml").status == 0);
  REQUIRE(box.quantlab("merge tiny.yaml").status == 0);
  // B: the same sweep with optimal's mse 10 % higher at every K.
  ResultsTable b = read_results(box.path("results/tiny.h5"));
  for (std::size_t r = 0; r < b.rows; ++r)
    if (b.text.at("algorithm")[r] == "optimal") b.numbers.at("mse")[r] *= 1.1;
  write_results(box.path("results/b.h5"), b, Distributions{});

  const Result two =
      box.quantlab("report results/tiny.h5 results/b.h5 --where algorithm=optimal --where bits=2");
  CHECK(two.status == 0);
  // The two files are one sweep: the rows split by the file they come from, never averaged.
  CHECK(two.output.find("| gauss | optimal | results/tiny.h5 |") != std::string::npos);
  CHECK(two.output.find("| gauss | optimal | results/b.h5 |") != std::string::npos);
  CHECK(two.output.find("rows also split by results") != std::string::npos);
  CHECK(two.output.find("kmeans") == std::string::npos);

  const Result same = box.quantlab(
      "compare results/tiny.h5 results/tiny.h5 "
      "--fail-on-regression mse");
  CHECK(same.status == 0);
  CHECK(same.output.find("0 worse, 0 better, 0 changed") != std::string::npos);
  const Result worse =
      box.quantlab("compare results/tiny.h5 results/b.h5 --fail-on-regression mse");
  CHECK(worse.status == 1);
  CHECK(worse.output.find("| optimal | 2 |") != std::string::npos);
  CHECK(worse.output.find("| 1.1 | worse |") != std::string::npos);
  CHECK(worse.output.find("regression in mse: 6 cells worse in B than in A beyond the noise, 0 "
                          "with no value in B") != std::string::npos);
  // 10 % is within a factor of 1.2; and B / A the other way round is better.
  CHECK(box.quantlab("compare results/tiny.h5 results/b.h5 --factor 1.2 --fail-on-regression mse")
            .status == 0);
  const Result better = box.quantlab("compare results/b.h5 results/tiny.h5 --format csv");
  CHECK(better.status == 0);
  CHECK(better.output.rfind("dataset,label,bits,metric,a_mean,a_std,a_count,b_mean,", 0) == 0);
  CHECK(better.output.find(",better\n") != std::string::npos);
  CHECK(box.quantlab("compare results/tiny.h5 results/b.h5 --fail-on-regression alg_step").status ==
        2);
  // A cell that B has no value for fails the gate too.
  for (std::size_t r = 0; r < b.rows; ++r)
    if (b.text.at("algorithm")[r] == "optimal") b.numbers.at("mse")[r] = std::nan("");
  write_results(box.path("results/b.h5"), b, Distributions{});
  const Result gone = box.quantlab("compare results/tiny.h5 results/b.h5 --fail-on-regression mse");
  CHECK(gone.status == 1);
  CHECK(gone.output.find("0 cells worse in B than in A beyond the noise, 6 with no value in B") !=
        std::string::npos);
}

TEST_CASE("results do not depend on the thread count") {
  Sandbox one, two;
  one.write("tiny.yaml", kTiny);
  two.write("tiny.yaml", kTiny);
  REQUIRE(one.quantlab("run tiny.yaml --threads 1").status == 0);
  REQUIRE(two.quantlab("run tiny.yaml --threads 2").status == 0);
  REQUIRE(one.quantlab("merge tiny.yaml").status == 0);
  REQUIRE(two.quantlab("merge tiny.yaml").status == 0);
  const ResultsTable a = read_results(one.path("results/tiny.h5"));
  const ResultsTable b = read_results(two.path("results/tiny.h5"));
  CHECK(a.text.at("run_id") == b.text.at("run_id"));
  for (const char* metric :
       {"sse", "mse", "max_abs_err", "entropy_bits", "gap_to_optimal", "iterations"})
    CHECK_MESSAGE(a.numbers.at(metric) == b.numbers.at(metric), metric);
}

TEST_CASE("a run that fails is recorded with its message, the sweep goes on, the exit says so") {
  // Equally spaced values tie every K >= 500 (see test_optimal): the exact solver needs its
  // K x m table there, which 1 MB cannot hold.
  Sandbox box;
  Tensor ramp;
  ramp.name = "ramp";
  ramp.shape = {1000};
  ramp.values = arma::regspace<arma::vec>(0, 999);
  write_dataset_file(box.path("ramp.h5"), {ramp});
  box.write("fail.yaml", R"(name: fail
datasets:
  - {name: ramp, file: ramp.h5}
algorithms:
  - {name: optimal, max_memory_mb: 1}
  - kmeans
levels: [4, 700]
)");
  const Result run = box.quantlab("run fail.yaml");
  CHECK(run.status == 1);
  CHECK(run.output.find("3 done, 0 already recorded, 1 failed") != std::string::npos);
  REQUIRE(box.quantlab("merge fail.yaml").status == 0);
  const ResultsTable table = read_results(box.path("results/fail.h5"));
  std::size_t failed = 0;
  for (std::size_t r = 0; r < table.rows; ++r)
    if (table.text.at("status")[r] == "failed") {
      ++failed;
      CHECK(table.text.at("error")[r].find("max_memory_mb") != std::string::npos);
    }
  CHECK(failed == 1);
}

TEST_CASE("bad input: one line, a non-zero exit, and no run record") {
  Sandbox box;
  auto expect_error = [&](const std::string& config_text, const std::string& message) {
    box.write("bad.yaml", config_text);
    const Result r = box.quantlab("run bad.yaml");
    CHECK(r.status != 0);
    CHECK_MESSAGE(r.output.find(message) != std::string::npos, r.output);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
    CHECK(box.records("bad") == 0);
  };
  Tensor nan_tensor;
  nan_tensor.name = "w";
  nan_tensor.shape = {3};
  nan_tensor.values = arma::vec{1.0, NAN, 3.0};
  Tensor empty_tensor;
  empty_tensor.name = "e";
  empty_tensor.shape = {0};
  write_dataset_file(box.path("data.h5"), {nan_tensor, empty_tensor});
  const std::string head = "name: bad\nalgorithms: [optimal]\nbits: [2]\ndatasets:\n";
  expect_error(head + "  - {name: d, file: data.h5, tensors: w}\n", "has 1 NaN or Inf values");
  expect_error(head + "  - {name: d, file: data.h5, tensors: e}\n", "tensor 'e' is empty");
  expect_error(head + "  - {name: d, file: missing.h5}\n",
               "dataset file missing.h5 does not exist");
  expect_error(head + "  - {name: d, file: data.h5, tensors: nope}\n",
               "no tensor of data.h5 matches 'nope'");
  expect_error(head + "  - {name: d, synthetic: {distribution: gaussian, n: 10}}\nlevels: [0]\n",
               "exactly one of 'bits' and 'levels'");
  expect_error(
      "name: bad\nalgorithms: [optimal]\nlevels: [0]\ndatasets:\n  - {name: d, synthetic: "
      "{distribution: gaussian, n: 10}}\n",
      "bad.yaml:3:10: levels must be an integer in [1, 1073741824], not '0'");

  box.write("ok.yaml",
            "name: ok\nalgorithms: [optimal]\nbits: [2]\ndatasets:\n  - {name: d, synthetic: "
            "{distribution: gaussian, n: 10}}\n");
  box.write("a-file", "");
  const Result unwritable = box.quantlab("run ok.yaml --out a-file/results");
  CHECK(unwritable.status == 1);
  CHECK(unwritable.output.find("is not writable") != std::string::npos);
  CHECK(std::count(unwritable.output.begin(), unwritable.output.end(), '\n') == 1);
}

TEST_CASE("more levels than distinct values are clamped and recorded") {
  Sandbox box;
  box.write("few.yaml",
            "name: few\nalgorithms: [optimal, kmeans, uniform]\nlevels: [3, 16]\ndatasets:\n"
            "  - {name: d, synthetic: {distribution: uniform, n: 5, seed: 4}}\n");
  REQUIRE(box.quantlab("run few.yaml").status == 0);
  REQUIRE(box.quantlab("merge few.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/few.h5"));
  for (std::size_t r = 0; r < t.rows; ++r) {
    const bool clamped = t.numbers.at("levels_requested")[r] == 16;
    CHECK(t.numbers.at("clamped_groups")[r] == (clamped ? 1 : 0));
    if (clamped && t.text.at("algorithm")[r] != "uniform") CHECK(t.numbers.at("sse")[r] == 0);
  }
}

TEST_CASE("docs/algorithms.md is what `quantlab algorithms` prints") {
  Sandbox box;
  const Result listing = box.quantlab("algorithms");
  REQUIRE(listing.status == 0);
  std::ifstream doc(std::string(std::getenv("QUANTLAB_SOURCE_DIR")) + "/docs/algorithms.md");
  const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(text == listing.output,
                "regenerate it: build/quantlab algorithms > docs/algorithms.md");
}

TEST_CASE("the command line pins OpenBLAS's kernels from the CPU's features, and says so") {
  // The expected kernels from /proc/cpuinfo's flags (as scripts/openblas_core.sh reads them).
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(cpuinfo, line))
    if (line.rfind("flags", 0) == 0) {
      flags = line.substr(line.find(':') + 1) + " ";
      break;
    }
  const auto has = [&](const char* f) {
    return flags.find(" " + std::string(f) + " ") != std::string::npos;
  };
  const bool avx2 = has("avx2") && has("fma");
  const std::string expected =
      has("avx512f") && has("avx512cd") && has("avx512bw") && has("avx512dq") && has("avx512vl")
          ? "SkylakeX"
      : avx2 ? "Haswell"
             : "";
  Sandbox box;
  box.write("b.yaml",
            "name: b\ndatasets:\n  - {name: g, synthetic: {distribution: gaussian, n: 50}}\n"
            "algorithms: [uniform]\nbits: [1]\n");
  const auto core_of = [&](const std::string& environment) {
    std::filesystem::remove_all(box.path("results"));
    REQUIRE(box.quantlab("run b.yaml", environment).status == 0);
    REQUIRE(box.quantlab("merge b.yaml").status == 0);
    const ResultsTable t = read_results(box.path("results/b.h5"));
    return std::make_pair(t.text.at("openblas_core")[0], t.text.at("openblas_core_reason")[0]);
  };
  const auto [core, reason] = core_of(
      "env -u OPENBLAS_CORETYPE -u QUANTLAB_SET_OPENBLAS_CORETYPE -u "
      "QUANTLAB_SET_OPENBLAS_THREADS");
  if (core == "not OpenBLAS") return;  // another BLAS: nothing to pin
  if (expected.empty()) {
    CHECK(reason.find("OpenBLAS's own choice") != std::string::npos);
  } else {
    CHECK(core == expected);
    CHECK(reason == "chosen by quantlab from the CPU's features");
  }
  if (avx2) {  // kernels given are kept, and named as given
    const auto [given, why] = core_of(
        "env -u QUANTLAB_SET_OPENBLAS_CORETYPE -u QUANTLAB_SET_OPENBLAS_THREADS "
        "OPENBLAS_CORETYPE=Haswell");
    CHECK(given == "Haswell");
    CHECK(why == "OPENBLAS_CORETYPE=Haswell given");
  }
}

TEST_CASE("results/README.md's column table is what `quantlab columns` prints") {
  Sandbox box;
  const Result listing = box.quantlab("columns");
  REQUIRE(listing.status == 0);
  std::ifstream doc(std::string(std::getenv("QUANTLAB_SOURCE_DIR")) + "/results/README.md");
  const std::string text((std::istreambuf_iterator<char>(doc)), std::istreambuf_iterator<char>());
  const std::string begin = "<!-- quantlab columns: begin -->\n",
                    end = "<!-- quantlab columns: end -->";
  const auto from = text.find(begin), to = text.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  CHECK_MESSAGE(
      text.substr(from + begin.size(), to - from - begin.size()) == listing.output,
      "regenerate the table between the markers of results/README.md: build/quantlab columns");
}

TEST_CASE("per-channel sweeps on a file tensor; dataset make and ls") {
  Sandbox box;
  CHECK(box.quantlab("dataset make data.h5 --name w --distribution student_t --n 3000 --param nu=4 "
                     "--seed 2")
            .status == 0);
  CHECK(
      box.quantlab("dataset make data.h5 --append --name m --distribution gaussian_mixture --n 500 "
                   "--param weights=1,1 --param means=-2,2 --param stds=0.5,0.5")
          .status == 0);
  const Result ls = box.quantlab("dataset ls data.h5");
  CHECK(ls.status == 0);
  CHECK(ls.output.find("w ") != std::string::npos);
  CHECK(ls.output.find("[3000]") != std::string::npos);
  CHECK(ls.output.find("[500]") != std::string::npos);
  const Result bad = box.quantlab("dataset make x.h5 --name w --distribution cauchy --n 3");
  CHECK(bad.status == 2);
  CHECK(bad.output.find("unknown distribution 'cauchy'") != std::string::npos);

  Tensor kernel;  // HWIO-like: per output channel is the last axis
  kernel.name = "conv/kernel";
  kernel.shape = {3, 3, 4, 8};
  kernel.values.set_size(3 * 3 * 4 * 8);
  Generator g(1);
  for (double& v : kernel.values) v = g.normal();
  write_dataset_file(box.path("net.h5"), {kernel});
  box.write("chan.yaml",
            "name: chan\nalgorithms: [optimal, kmeans]\nbits: [1, 2]\n"
            "granularity: [tensor, channel, axis:0]\n"
            "datasets:\n  - {name: net, file: net.h5, tensors: 'conv/*'}\n");
  REQUIRE(box.quantlab("run chan.yaml").status == 0);
  REQUIRE(box.quantlab("merge chan.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/chan.h5"));
  REQUIRE(t.rows == 3 * 2 * 2);
  for (std::size_t r = 0; r < t.rows; ++r) {
    const std::string gran = t.text.at("granularity")[r];
    CHECK(t.numbers.at("groups")[r] == (gran == "tensor" ? 1 : gran == "axis=-1" ? 8 : 3));
    // More codebooks can only lower the optimum's error.
    CHECK(t.numbers.at("gap_to_optimal")[r] >= -1e-12);
  }
  CHECK(box.quantlab("dataset make all.h5 --config chan.yaml").status == 0);
  CHECK(list_tensors(box.path("all.h5")) == std::vector<std::string>{"net/conv/kernel"});
}

TEST_CASE("importance weights from a companion tensor: weighted runs, their optimum, bad weights") {
  Sandbox box;
  Generator g(21);
  Tensor w, hessian, bad;
  w.name = "layer/kernel";
  w.shape = {40, 25};
  w.values.set_size(1000);
  for (double& v : w.values) v = g.laplace();
  hessian.name = "importance/hessian/layer/kernel";
  hessian.shape = w.shape;
  hessian.values.set_size(1000);
  for (double& v : hessian.values) v = 0.01 + g.uniform() * g.uniform() * 10;
  bad = hessian;
  bad.name = "importance/broken/layer/kernel";
  bad.values[7] = 0;
  write_dataset_file(box.path("net.h5"), {w, hessian, bad});
  box.write("w.yaml",
            "name: w\ndatasets: [{name: net, file: net.h5}]\nalgorithms: [optimal, kmeans, "
            "uniform]\nbits: [2, 3]\nweights: [none, hessian]\n");
  REQUIRE(box.quantlab("run w.yaml").status == 0);
  REQUIRE(box.quantlab("merge w.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/w.h5"));
  REQUIRE(t.rows == 2 * (1 + 1 + 1) * 2);  // the companion tensors are not data
  for (std::size_t r = 0; r < t.rows; ++r) {
    CHECK(t.numbers.at("gap_to_optimal")[r] >= -1e-12);
    if (t.text.at("weights")[r] != "hessian" || t.text.at("algorithm")[r] != "optimal") continue;
    // The weighted optimum's mse is Σ h (x − x̂)² / Σ h, computed here from its codebook.
    CHECK(std::abs(t.numbers.at("gap_to_optimal")[r]) < 1e-12);
  }
  // Weighted and unweighted runs of one algorithm are different runs with different results.
  std::map<std::string, std::set<std::string>> ids_by_label;
  for (std::size_t r = 0; r < t.rows; ++r)
    ids_by_label[t.text.at("label")[r]].insert(t.text.at("run_id")[r]);
  for (const auto& [label, ids] : ids_by_label) CHECK(ids.size() == 4);

  box.write("bad.yaml",
            "name: bad\ndatasets: [{name: net, file: net.h5}]\nalgorithms: [optimal]\n"
            "bits: [2]\nweights: broken\n");
  Result r = box.quantlab("run bad.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("hold a value that is not a positive finite number (at flat index 7)") !=
        std::string::npos);
  box.write("bad.yaml",
            "name: bad\ndatasets: [{name: net, file: net.h5}]\nalgorithms: [optimal]\n"
            "bits: [2]\nweights: fisher\n");
  r = box.quantlab("run bad.yaml");
  CHECK(r.output.find("has no importance weights 'fisher' for tensor 'layer/kernel'") !=
        std::string::npos);
  box.write("bad.yaml",
            "name: bad\ndatasets: [{name: g, synthetic: {distribution: gaussian, n: 9}}]\n"
            "algorithms: [optimal]\nbits: [2]\nweights: hessian\n");
  r = box.quantlab("run bad.yaml");
  CHECK(r.output.find("is synthetic: it has no importance weights 'hessian'") != std::string::npos);
}

TEST_CASE("a pruned tensor: zeros stay out of the codebook and their positions are coded") {
  Sandbox box;
  Generator g(5);
  Tensor pruned, kept_only;
  pruned.name = "pruned";
  pruned.shape = {1000};
  pruned.values.zeros(1000);
  std::vector<double> kept_values;
  for (std::size_t i = 0; i < 1000; i += 10) pruned.values[i + g.below(10)] = g.normal() + 3;
  pruned.attributes["pruned"] = "zeros";
  for (double v : pruned.values)
    if (v != 0) kept_values.push_back(v);
  kept_only.name = "kept";
  kept_only.shape = {kept_values.size()};
  kept_only.values = arma::vec(kept_values);
  write_dataset_file(box.path("p.h5"), {pruned, kept_only});
  box.write("p.yaml",
            "name: p\ndatasets: [{name: d, file: p.h5}]\nalgorithms: [optimal]\nlevels: [4]\n");
  const Result run = box.quantlab("run p.yaml");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  REQUIRE(box.quantlab("merge p.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/p.h5"));
  REQUIRE(t.rows == 2);
  const std::size_t p = t.text.at("tensor")[0] == "pruned" ? 0 : 1, k = 1 - p;
  CHECK(t.numbers.at("pruned_fraction")[p] == doctest::Approx(0.9));
  CHECK(t.numbers.at("levels")[p] == 4);  // the pruned zeros are not a codeword
  CHECK(t.numbers.at("sse")[p] == doctest::Approx(t.numbers.at("sse")[k]).epsilon(1e-12));
  // eq. (1): the kept values' coded bits and codebook, plus the coded positions, for 1000 values.
  const double kept_bits = 32 * 100 / t.numbers.at("compression_ratio")[k];
  CHECK(t.numbers.at("compression_ratio")[p] ==
        doctest::Approx(32 * 1000 / (kept_bits + t.numbers.at("position_bits")[p])).epsilon(1e-12));
}

TEST_CASE(
    "sparse runs record β̂'s non-zeros with their histogram; the paper-1 plot script draws them") {
  Sandbox box;
  box.write(
      "p1.yaml",
      "name: p1\ndatasets:\n  - {name: g, synthetic: {distribution: laplace, n: 400, seed: 5}}\n"
      "algorithms: [sparse_l1, sparse_l0, sparse_cluster, kmeans, optimal]\nlevels: [3, 9]\n");
  REQUIRE(box.quantlab("run p1.yaml").status == 0);
  REQUIRE(box.quantlab("merge p1.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/p1.h5"));
  auto vector = [&](const std::string& run, const std::string& name) {
    return run_vector(box.path("results/p1.h5"), run, name);
  };
  std::size_t sparse_runs = 0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (t.text.at("algorithm")[r].rfind("sparse_", 0) != 0) continue;
    ++sparse_runs;
    const std::string run = t.text.at("run_id")[r];
    const auto gaps = vector(run, "diag_beta_gaps"), counts = vector(run, "hist_beta_gaps");
    const auto codebook = vector(run, "codebook");
    CHECK(gaps.size() + 1 == codebook.size());
    CHECK(std::accumulate(counts.begin(), counts.end(), 0.0) == gaps.size());
    CHECK(vector(run, "diag_beta_first") == std::vector<double>{codebook[0]});
    CHECK(t.numbers.at("alg_beta_nonzeros")[r] == codebook.size());  // no level is exactly 0 here
  }
  CHECK(sparse_runs == 6);
  std::ofstream(box.path("time.csv"))
      << "m,solver,seconds,estimated,levels,sweeps\n100,exact,1e-6,0,98,\n"
         "100,dense,0.02,0,98,2000\n1000,exact,1e-5,0,979,\n";
  for (const std::string kind : {"loss", "beta", "time"}) {
    const std::string input =
        kind == "time" ? "--timing " + box.path("time.csv") : box.path("results/p1.h5");
    REQUIRE(plot("paper1-" + kind + " " + input + " --out " + box.path("p1-" + kind + ".png")) ==
            0);
    CHECK(fs::file_size(box.path("p1-" + kind + ".png")) > 10000);
  }
}

TEST_CASE(
    "kashin runs record the decomposition and factor histograms; the paper-3 plot script draws "
    "them") {
  Sandbox box;
  box.write("p3.yaml",
            "name: p3\ndatasets:\n  - {name: w, synthetic: {distribution: student_t, shape: [32, "
            "16], seed: 6}}\n"
            "algorithms:\n  - {name: kashin, transform: [dct, hadamard]}\n"
            "  - {name: kashin, transform: hadamard, max_iter: 2, on_nonconvergence: fail}\n"
            "  - {name: optimal, granularity: [tensor, channel]}\nbits: [2, 4]\n");
  const Result run = box.quantlab("run p3.yaml");
  CHECK(run.status == 1);  // the max_iter: 2 runs fail, with the reason recorded
  REQUIRE(box.quantlab("merge p3.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/p3.h5"));
  std::size_t failed = 0, kashin = 0;
  for (std::size_t r = 0; r < t.rows; ++r) {
    if (t.text.at("status")[r] == "failed") {
      ++failed;
      CHECK(t.text.at("error")[r].find("did not converge in 2 steps") != std::string::npos);
      continue;
    }
    if (t.text.at("algorithm")[r] != "kashin") continue;
    ++kashin;
    CHECK(t.numbers.at("converged")[r] == 1);
    CHECK(t.numbers.at("alg_residual")[r] <= 1e-4);
    CHECK(t.numbers.at("alg_decomposition_s")[r] > 0);
    CHECK(t.numbers.at("alg_quantization_s")[r] > 0);
    CHECK(t.numbers.at("levels")[r] == t.numbers.at("levels_requested")[r]);
  }
  CHECK(failed == 2);
  CHECK(kashin == 4);
  CHECK(t.rows == 10);  // 4 + 2 kashin, optimal per tensor and per channel at 2 bit-widths
  for (const std::string kind : {"error", "residual", "factors"}) {
    REQUIRE(plot("paper3-" + kind + " " + box.path("results/p3.h5") + " --out " +
                 box.path("p3-" + kind + ".png")) == 0);
    CHECK(fs::file_size(box.path("p3-" + kind + ".png")) > 10000);
  }
}

TEST_CASE("a network trained with held-out images: sweeps score them as validation columns") {
  Sandbox box;
  quantlab::testing::write_blocks_dataset(box.path("blocks.h5"), 1500, 400, 60, 21);
  const Result trained = box.quantlab(
      "net train --model lenet300 --data blocks.h5 --out net.h5 --epochs 2 --batch 64 --lr 0.05 "
      "--holdout 300 --holdout-seed 4");
  REQUIRE_MESSAGE(trained.status == 0, trained.output);
  std::map<std::string, std::string> attributes;
  networks::Network net = networks::load_network(box.path("net.h5"), &attributes);
  CHECK(attributes.at("holdout_images") == "300");
  CHECK(attributes.at("holdout_seed") == "4");
  CHECK(attributes.at("training").find("train_images=1200") != std::string::npos);
  // The held-out images, drawn here from the definition: the positions the seed gives.
  const double mean = networks::training_mean_pixel(box.path("net.h5"), attributes);
  const networks::LabelledImages all =
      networks::load_images(box.path("blocks.h5"), "train", 0, mean);
  const arma::uvec drawn =
      arma::conv_to<arma::uvec>::from(networks::held_out_positions(1500, {300, 4}));
  const networks::LabelledImages held_out{all.images.cols(drawn), all.labels.elem(drawn)};
  const double held_out_accuracy = networks::evaluate(net, held_out).accuracy;
  CHECK(std::stod(attributes.at("held_out_accuracy")) == held_out_accuracy);
  const Result eval = box.quantlab("net eval net.h5 --data blocks.h5");
  REQUIRE(eval.status == 0);
  CHECK(eval.output.find("held-out accuracy") != std::string::npos);

  box.write("net.yaml",
            "name: net\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms:\n  - optimal\n  - name: kmeans\n    label: LC\n"
            "    network: {method: lc, steps: 2, epochs: 1, mu0: 0.01, mu_factor: 2, lr: 0.02}\n"
            "levels: [2, 256]\nseeds: [0]\n");
  const Result run = box.quantlab("run net.yaml");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  REQUIRE(box.quantlab("merge net.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/net.h5"));
  REQUIRE(t.rows == 4);
  for (std::size_t r = 0; r < t.rows; ++r) {
    CHECK(t.numbers.at("reference_validation_accuracy")[r] == held_out_accuracy);
    const double v = t.numbers.at("validation_accuracy")[r];
    CHECK(v >= 0);
    CHECK(v <= 1);
    CHECK(t.numbers.at("validation_loss")[r] > 0);
    if (t.text.at("algorithm")[r] == "optimal" && t.numbers.at("levels_requested")[r] == 256)
      CHECK(std::abs(v - held_out_accuracy) < 0.01);  // 256 levels a layer: the same network
  }
}

TEST_CASE(
    "a trained network as a sweep target: its weights quantized per layer or all at once, then "
    "scored") {
  Sandbox box;
  quantlab::testing::write_blocks_dataset(box.path("blocks.h5"), 1500, 400, 60, 21);
  const Result trained = box.quantlab(
      "net train --model lenet300 --data blocks.h5 --out net.h5 --epochs 2 --batch 64 --lr 0.05");
  REQUIRE_MESSAGE(trained.status == 0, trained.output);
  const Result eval = box.quantlab("net eval net.h5 --data blocks.h5");
  REQUIRE(eval.status == 0);
  CHECK(eval.output.find("test accuracy") != std::string::npos);

  box.write("net.yaml",
            "name: net\ndatasets:\n"
            "  - {name: per-layer, network: net.h5, test_data: blocks.h5}\n"
            "  - {name: shared, network: net.h5, test_data: blocks.h5, scope: all}\n"
            "algorithms: [optimal, uniform]\nlevels: [2, 256]\n");
  const Result run = box.quantlab("run net.yaml");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  REQUIRE(box.quantlab("merge net.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/net.h5"));
  REQUIRE(t.rows == 8);
  const double reference = t.numbers.at("reference_accuracy")[0];
  CHECK(reference > 0.8);
  for (std::size_t r = 0; r < t.rows; ++r) {
    const bool per_layer = t.text.at("dataset")[r] == "per-layer";
    CHECK(t.numbers.at("groups")[r] == (per_layer ? 3 : 1));
    CHECK(t.numbers.at("n")[r] == 784 * 300 + 300 * 100 + 100 * 10);  // the kernels, not the biases
    CHECK(t.numbers.at("reference_accuracy")[r] == reference);
    const double accuracy = t.numbers.at("test_accuracy")[r];
    CHECK(accuracy >= 0);
    CHECK(accuracy <= 1);
    if (t.numbers.at("levels_requested")[r] == 256 && t.text.at("algorithm")[r] == "optimal")
      CHECK(std::abs(accuracy - reference) < 0.001);  // 256 levels per layer: within 0.1 point
  }
  // Kashin reads each layer as its matrix, and its identity says so; the others' do not.
  box.write("kashin.yaml",
            "name: kashin\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms: [optimal, {name: kashin, factors: optimal}]\nlevels: [4]\nseeds: [0]\n");
  REQUIRE(box.quantlab("run kashin.yaml").status == 0);
  REQUIRE(box.quantlab("merge kashin.yaml").status == 0);
  const ResultsTable k = read_results(box.path("results/kashin.h5"));
  REQUIRE(k.rows == 2);
  for (std::size_t r = 0; r < k.rows; ++r) {
    const bool kashin = k.text.at("algorithm")[r] == "kashin";
    CHECK(k.text.at("identity")[r].find("\nlayers=784x300;300x100;100x10;\n") ==
          (kashin ? k.text.at("identity")[r].find("\nlayers=") : std::string::npos));
    CHECK(k.text.at("status")[r] == "ok");
  }

  // Importance weights from the network: the Hessian's diagonal as companions, then weighted runs.
  const Result importance = box.quantlab("net importance net.h5 --data blocks.h5 --samples 200");
  REQUIRE_MESSAGE(importance.status == 0, importance.output);
  box.write("weighted.yaml",
            "name: weighted\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms: [optimal]\nlevels: [4]\nweights: [none, hessian]\n");
  REQUIRE(box.quantlab("run weighted.yaml").status == 0);
  REQUIRE(box.quantlab("merge weighted.yaml").status == 0);
  const ResultsTable w = read_results(box.path("results/weighted.h5"));
  REQUIRE(w.rows == 2);
  CHECK(w.numbers.at("reference_accuracy")[0] ==
        reference);  // the network is unchanged by its companions
  CHECK(w.numbers.at("sse")[0] != w.numbers.at("sse")[1]);  // weighted error: another optimum

  // Adam's √v̂ as the other importance: written by training with Adam.
  const Result adam = box.quantlab(
      "net train --model lenet300 --data blocks.h5 --out adam.h5 --epochs 1 --optimizer adam --lr "
      "0.001");
  REQUIRE_MESSAGE(adam.status == 0, adam.output);
  const std::vector<std::string> names = list_tensors(box.path("adam.h5"));
  CHECK(std::count(names.begin(), names.end(), "importance/adam/dense1/kernel") == 1);
  CHECK(names.size() == 12);  // six parameters and their companions
  CHECK(read_tensor(box.path("adam.h5"), "importance/adam/dense2/kernel").values.min() > 0);

  // A pruned network: 10 % of the kernels kept, retrained; its zeros stay out of quantization
  // and the kept positions are coded.
  const Result pruned =
      box.quantlab("net prune net.h5 --data blocks.h5 --keep 0.1 --epochs 1 --out pruned.h5");
  REQUIRE_MESSAGE(pruned.status == 0, pruned.output);
  box.write("pruned.yaml",
            "name: pruned\ndatasets:\n  - {name: p, network: pruned.h5, test_data: blocks.h5, "
            "scope: all}\n"
            "algorithms: [optimal]\nlevels: [16]\n");
  REQUIRE(box.quantlab("run pruned.yaml").status == 0);
  REQUIRE(box.quantlab("merge pruned.yaml").status == 0);
  const ResultsTable p = read_results(box.path("results/pruned.h5"));
  REQUIRE(p.rows == 1);
  CHECK(p.numbers.at("pruned_fraction")[0] == doctest::Approx(0.9).epsilon(1e-4));
  CHECK(p.numbers.at("position_bits")[0] > 0);
  CHECK(p.numbers.at("test_accuracy")[0] > 0.5);
  // The positions arithmetic-coded instead: the same bits but for the positions' code.
  const double n = p.numbers.at("n")[0],
               huffman_coded = 32 * n / p.numbers.at("compression_ratio")[0];
  const double arithmetic_coded = huffman_coded - p.numbers.at("position_bits")[0] +
                                  p.numbers.at("position_bits_arithmetic")[0];
  CHECK(p.numbers.at("position_bits_arithmetic")[0] > 0);
  CHECK(p.numbers.at("compression_ratio_arithmetic_positions")[0] ==
        doctest::Approx(32 * n / arithmetic_coded).epsilon(1e-12));
  const double all = n + 300 + 100 + 10;  // the biases at 32 bits
  CHECK(p.numbers.at("network_compression_ratio_arithmetic_positions")[0] ==
        doctest::Approx(32 * all / (arithmetic_coded + 32 * (all - n))).epsilon(1e-12));

  // Trained compression: LC and iDC with k-means as the C step, DC with fine-tuned codewords.
  box.write("lc.yaml",
            "name: lc\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms:\n  - name: kmeans\n"
            "    network: {method: [dc, lc, idc], steps: 4, epochs: 1, mu0: 0.01, mu_factor: 2, "
            "lr: 0.02,\n"
            "              batch: 64, fine_tune_epochs: [0, 2], fine_tune_lr: 0.05}\n"
            "levels: [2]\nseeds: [0]\n");
  const Result lc_run = box.quantlab("run lc.yaml");
  REQUIRE_MESSAGE(lc_run.status == 0, lc_run.output);
  REQUIRE(box.quantlab("merge lc.yaml").status == 0);
  const ResultsTable lc = read_results(box.path("results/lc.h5"));
  auto vector = [&](std::size_t r, const std::string& name) {
    return run_vector(box.path("results/lc.h5"), lc.text.at("run_id")[r], name);
  };
  REQUIRE(lc.rows == 6);
  const double kernels = 784 * 300 + 300 * 100 + 100 * 10, whole = kernels + 300 + 100 + 10;
  for (std::size_t r = 0; r < lc.rows; ++r) {
    const std::string label = lc.text.at("label")[r];
    const bool lc_method = label.find("method=lc") != std::string::npos;
    const bool dc = label.find("method=dc") != std::string::npos;
    const bool fine_tuned = label.find("fine_tune_epochs=2") != std::string::npos;
    CHECK(vector(r, "lc_mu").size() == (dc ? 0u : 4u));
    if (lc_method) CHECK(vector(r, "lc_mu").back() == doctest::Approx(0.08));
    if (lc_method) CHECK(vector(r, "lc_distance").back() < vector(r, "lc_distance").front());
    CHECK(vector(r, "fine_tune_test_accuracy").size() == (fine_tuned ? 2u : 0u));
    CHECK(vector(r, "codebook").size() == 6);  // K = 2 in each of the three layers
    CHECK(std::isnan(lc.numbers.at("gap_to_optimal")[r]) ==
          !(dc && !fine_tuned));  // trained: no gap
    // Biases count at 32 bits in the whole network's ratio.
    const double ratio = lc.numbers.at("compression_ratio")[r];
    CHECK(lc.numbers.at("network_compression_ratio")[r] ==
          doctest::Approx(32 * whole / (32 * kernels / ratio + 32 * (whole - kernels))));
    // The quantized network before training is the plain DC run's.
    if (!(dc && !fine_tuned))
      CHECK(lc.numbers.at("direct_test_accuracy")[r] == lc.numbers.at("test_accuracy")[0]);
  }
  REQUIRE(plot("paper4-error " + box.path("results/lc.h5") + " --out " + box.path("p4-error.png") +
               " > " + box.path("p4.txt")) == 0);
  REQUIRE(plot("paper4-schedule " + box.path("results/lc.h5") + " --out " +
               box.path("p4-schedule.png")) == 0);
  for (const char* figure : {"p4-error.png", "p4-schedule.png"})
    CHECK(fs::file_size(box.path(figure)) > 10000);
  std::ifstream printed(box.path("p4.txt"));
  const std::string table((std::istreambuf_iterator<char>(printed)),
                          std::istreambuf_iterator<char>());
  CHECK(std::count(table.begin(), table.end(), '\n') >= 2 + 6);  // header and the six runs

  // k-means C steps warm-start from the previous codebook unless told not to: a run of its own.
  box.write("cold.yaml",
            "name: cold\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms:\n  - name: kmeans\n"
            "    network: {method: lc, steps: 4, epochs: 1, mu0: 0.01, mu_factor: 2, lr: 0.02, "
            "batch: 64,\n"
            "              warm_start: false}\n"
            "levels: [2]\nseeds: [0]\n");
  REQUIRE(box.quantlab("run cold.yaml").status == 0);
  REQUIRE(box.quantlab("merge cold.yaml").status == 0);
  const ResultsTable cold = read_results(box.path("results/cold.h5"));
  REQUIRE(cold.rows == 1);
  CHECK(cold.text.at("network_training")[0].find("warm_start=false") != std::string::npos);
  for (std::size_t r = 0; r < lc.rows; ++r) {
    CHECK(lc.text.at("network_training")[r].find("warm_start=false") == std::string::npos);
    CHECK(lc.text.at("run_id")[r] != cold.text.at("run_id")[0]);
  }

  // method: dc without fine-tuning is the plain run: the same id as without a network: block.
  box.write("dc.yaml",
            "name: dc\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms: [kmeans]\nlevels: [2]\nseeds: [0]\n");
  REQUIRE(box.quantlab("run dc.yaml").status == 0);
  REQUIRE(box.quantlab("merge dc.yaml").status == 0);
  const ResultsTable dc = read_results(box.path("results/dc.h5"));
  CHECK(dc.text.at("run_id")[0] == lc.text.at("run_id")[0]);

  // Bad input: an unknown key of a network: block is named with its line; the block needs a
  // network.
  box.write("bad-lc.yaml",
            "name: bad\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms:\n  - name: kmeans\n    network: {method: lc, mu: 1}\nlevels: [2]\n");
  const Result bad_lc = box.quantlab("run bad-lc.yaml");
  CHECK(bad_lc.status == 2);
  CHECK(bad_lc.output.find("bad-lc.yaml:6:") != std::string::npos);
  CHECK(bad_lc.output.find("'mu'") != std::string::npos);
  // Quantized activations (paper 2): the network is scored with each hidden layer's input
  // quantized per sample, trained through them by iDC; the setting is part of the identity.
  box.write("act.yaml",
            "name: act\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
            "algorithms:\n  - optimal\n  - {name: optimal, network: {activations: ls1}}\n"
            "  - {name: optimal, network: {activations: uniform, activation_bits: 12}}\n"
            "  - {name: kmeans, levels: [4], network: {method: idc, steps: 1, epochs: 1, lr: 0.02, "
            "batch: 64, activations: [none, ls2]}}\n"
            "levels: [256]\nseeds: [0]\n");
  const Result act_run = box.quantlab("run act.yaml");
  REQUIRE_MESSAGE(act_run.status == 0, act_run.output);
  REQUIRE(box.quantlab("merge act.yaml").status == 0);
  const ResultsTable act = read_results(box.path("results/act.h5"));
  REQUIRE(act.rows == 5);
  std::map<std::string, std::size_t> row;
  for (std::size_t r = 0; r < act.rows; ++r) {
    CHECK(act.text.at("status")[r] == "ok");
    const std::string& training = act.text.at("network_training")[r];
    const auto at = training.find("activations=");
    const std::string trained = act.text.at("algorithm")[r] == "kmeans" ? "idc " : "";
    row[trained + (at == std::string::npos
                       ? "none"
                       : training.substr(at + 12, training.find('(', at) - at - 12))] = r;
  }
  REQUIRE(row.size() == 5);
  // Without activations, the settings read as they did before the activation keys existed.
  CHECK(act.text.at("network_training")[row.at("idc none")].find("activation") ==
        std::string::npos);
  CHECK(act.text.at("network_training")[row.at("idc ls2")].find(
            ",activations=ls2(compat=none,skip=3),activation_levels=4") != std::string::npos);
  const auto number = [&](const std::string& column, const std::string& activations) {
    return act.numbers.at(column)[row.at(activations)];
  };
  CHECK(number("sse", "ls1") == number("sse", "none"));  // the same weights
  CHECK(number("test_loss", "ls1") != number("test_loss", "none"));
  CHECK(std::abs(number("test_loss", "uniform") - number("test_loss", "none")) <
        1e-3 * number("test_loss", "none"));  // 4,096 levels: nearly full precision
  CHECK(number("reference_accuracy", "ls1") == number("reference_accuracy", "none"));
  CHECK(number("test_accuracy", "idc ls2") > 0.3);  // trained through 2-bit activations
  CHECK(number("test_loss", "idc ls2") != number("test_loss", "idc none"));
  CHECK(act.text.at("run_id")[row.at("ls1")] != act.text.at("run_id")[row.at("none")]);
  for (const auto& [setting, message] : std::vector<std::pair<std::string, std::string>>{
           {"{activations: ls2, activation_bits: 1}", "ls2 codes 2 bits, not activation_bits = 1"},
           {"{activations: gf}", "gf needs activation_bits"},
           {"{activation_bits: 2}", "activation_bits = 2 without activations to quantize"}}) {
    box.write("bad-act.yaml",
              "name: bad\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5}\n"
              "algorithms:\n  - {name: optimal, network: " +
                  setting + "}\nlevels: [2]\n");
    const Result bad_act = box.quantlab("run bad-act.yaml");
    CHECK(bad_act.status == 2);
    CHECK_MESSAGE(bad_act.output.find("bad-act.yaml:5") != std::string::npos, bad_act.output);
    CHECK_MESSAGE(bad_act.output.find(message) != std::string::npos, bad_act.output);
  }

  box.write("bad-target.yaml",
            "name: bad\ndatasets:\n  - {name: s, synthetic: {distribution: gaussian, n: 100}}\n"
            "algorithms:\n  - {name: kmeans, network: {method: lc}}\nlevels: [2]\n");
  const Result bad_target = box.quantlab("run bad-target.yaml");
  CHECK(bad_target.status != 0);
  CHECK(bad_target.output.find("is not a network") != std::string::npos);

  // Bad input: granularity does not apply to a network; an unknown scope is named.
  box.write(
      "bad.yaml",
      "name: bad\ndatasets:\n  - {name: n, network: net.h5, test_data: blocks.h5, scope: layers}\n"
      "algorithms: [optimal]\nlevels: [2]\n");
  const Result bad = box.quantlab("run bad.yaml");
  CHECK(bad.status == 2);
  CHECK(bad.output.find("bad.yaml:3:") != std::string::npos);
  CHECK(bad.output.find("scope must be layer or all") != std::string::npos);
}

TEST_CASE("the usage lists every command, and each one answers --help with its own synopsis") {
  Sandbox box;
  const Result usage = box.quantlab("--help");
  CHECK(usage.status == 0);
  // The command list: "  NAME [ARGUMENTS]  summary" lines between "commands:" and the blank line.
  std::vector<std::string> names;
  std::istringstream lines(usage.output.substr(usage.output.find("commands:\n") + 10));
  for (std::string line; std::getline(lines, line) && !line.empty();) {
    std::istringstream words(line);
    std::string first, second;
    words >> first >> second;
    const bool group = first == "net" || first == "dataset";
    names.push_back(group ? first + " " + second : first);
  }
  CHECK(names.size() == 19);
  for (const auto& name : names) {
    CAPTURE(name);
    const Result help = box.quantlab(name + " --help");
    CHECK(help.status == 0);
    CHECK(help.output.rfind("usage: quantlab " + name, 0) == 0);
  }
  for (const std::string group : {"net", "dataset"}) {
    CAPTURE(group);
    const Result help = box.quantlab(group + " --help");
    CHECK(help.status == 0);
    CHECK(help.output.find("usage: quantlab " + group + " SUBCOMMAND") == 0);
    for (const auto& name : names)
      if (name.rfind(group + " ", 0) == 0)
        CHECK(help.output.find("  " + name) != std::string::npos);
    CHECK(box.quantlab(group).status == 2);  // no subcommand: the group's usage, exit 2
    const Result unknown = box.quantlab(group + " frobnicate");
    CHECK(unknown.status == 2);
    CHECK(unknown.output.find("unknown " + group + " subcommand 'frobnicate'") !=
          std::string::npos);
  }
  const Result version = box.quantlab("--version");
  CHECK(version.status == 0);
  CHECK(version.output.rfind("quantlab ", 0) == 0);
  CHECK(box.quantlab("version").output == version.output);
  CHECK(box.quantlab("frobnicate").status == 2);
}

TEST_CASE("net lc refuses a C step or a --levels it cannot honour, before reading anything") {
  Sandbox box;
  for (const std::string args : {"--c-step sign --levels 4", "--c-step powers_of_two --levels 8",
                                 "--c-step lsT", "--c-step nearest"}) {
    CAPTURE(args);
    const Result r = box.quantlab("net lc missing.h5 " + args);
    CHECK(r.status == 2);
    CHECK(r.output.find("C step") != std::string::npos);
    CHECK(r.output.find("missing.h5") == std::string::npos);  // refused before the file is read
  }
}

TEST_CASE("the net commands' numbers keep the ranges a sweep's network block declares") {
  Sandbox box;
  const std::pair<std::string, std::string> cases[] = {
      {"net train --model lenet300 --out n.h5 --batch -1",
       "--batch must be a non-negative integer, not '-1'"},
      {"net train --model lenet300 --out n.h5 --epochs 0",
       "--epochs must be an integer in [1, 100000], not 0"},
      {"net train --model lenet300 --out n.h5 --momentum 2",
       "--momentum must be a number in [0, 1], not 2"},
      {"net train --model lenet300 --out n.h5 --threads 0",
       "--threads must be an integer in [1, 1024], not 0"},
      {"net prune missing.h5 --out p.h5 --batch 0",
       "--batch must be an integer in [1, 1000000], not 0"},
      {"net lc missing.h5 --levels 0", "--levels must be in [1, 1073741824]"},
      {"net lc missing.h5 --steps 0", "--steps must be an integer in [1, 100000], not 0"},
      {"net lc missing.h5 --mu-factor 0.5", "--mu-factor must be a number in [1, 1e+06], not 0.5"},
      {"net lc missing.h5 --mu0 inf", "--mu0 must be a number in [1e-300, 1e+300], not inf"},
      {"net train --model lenet300 --out n.h5 --momentum 1e23",
       "--momentum must be a number in [0, 1], not 1e+23"},
      {"net lc missing.h5 --method dc", "--method must be one of lc, idc, not 'dc'"},
      {"net importance missing.h5 --samples -3", "--samples must be a non-negative integer"},
  };
  for (const auto& [args, message] : cases) {
    CAPTURE(args);
    const Result r = box.quantlab(args);
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.output.find(message) != std::string::npos, r.output);
    CHECK(r.output.find("missing.h5") == std::string::npos);  // refused before reading files
  }
}
