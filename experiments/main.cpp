// The quantlab command line: one executable, one subcommand per verb.
#include <H5Cpp.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>

#include "algorithms/registry.hpp"
#include "build_info.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/dataset_import.hpp"
#include "datasets/hdf5_io.hpp"
#include "datasets/sha256.hpp"
#include "datasets/synthetic.hpp"
#include "experiments/check.hpp"
#include "experiments/config.hpp"
#include "experiments/merge.hpp"
#include "experiments/network_training.hpp"
#include "experiments/plan.hpp"
#include "experiments/plan_file.hpp"
#include "experiments/provenance.hpp"
#include "experiments/report.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/runner.hpp"
#include "networks/importance.hpp"
#include "networks/learning_compression.hpp"
#include "networks/model_file.hpp"
#include "networks/pruning.hpp"
#include "networks/training.hpp"

namespace po = boost::program_options;
using namespace quantlab;

namespace {

// A usage or config error: exit status 2 (a failed run or I/O error gives 1).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char* kUsage =
    "usage: quantlab COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run CONFIG        run a sweep (skips runs already recorded)\n"
    "  plan CONFIG       print the expanded run list with run ids, without running\n"
    "  status CONFIG     done / failed / missing runs, and the shards with work left\n"
    "  merge CONFIG      gather the run records into RESULTS/<sweep>.h5\n"
    "  check RESULTS     compare results with a reference (--against), run by run\n"
    "  report RESULTS    print comparison tables from a merged results file\n"
    "  dataset make OUT  write a synthetic tensor to a dataset file\n"
    "  dataset ls FILE   list a dataset file's tensors with statistics\n"
    "  dataset import S  fetch, verify and import real data (dataset sources lists them)\n"
    "  net train         train a network (lenet300, lenet5) on MNIST-like data, save it as a "
    "dataset\n"
    "  net eval FILE     test loss and accuracy of a saved network\n"
    "  net lc FILE       quantize a saved network's kernels by LC (paper 4), iDC or DC\n"
    "  net importance F  add the loss Hessian's diagonal as importance weights "
    "(importance/hessian/...)\n"
    "  net prune FILE    magnitude-prune a saved network's kernels to a kept fraction and retrain\n"
    "  algorithms        list the algorithms and their parameters\n"
    "  columns           list every result column: type, group, unit, how groups combine\n"
    "  version           print the version and build\n"
    "\n"
    "quantlab COMMAND --help shows a command's options.\n";

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Parses a subcommand's options; returns false when --help was printed.
bool parse(const std::vector<std::string>& args, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm,
           const std::string& synopsis) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: quantlab " << synopsis << "\n\n" << options;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (usage: quantlab " + synopsis + ")");
  }
  return true;
}

// The CONFIG positional argument and --out DIR that most subcommands take.
po::positional_options_description config_and_out(po::options_description& o, std::string& config,
                                                  std::string& out, const char* out_doc) {
  o.add_options()("config", po::value(&config)->required(), "sweep config (YAML)")(
      "out", po::value(&out)->default_value("results"), out_doc);
  po::positional_options_description p;
  p.add("config", 1);
  return p;
}

Plan plan_from(const std::string& config_path, bool fetch = true) {
  const SweepConfig config = load_config(config_path);
  try {
    return make_plan(config, fetch);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
}

// "I/N" with 0 <= I < N.
std::pair<std::size_t, std::size_t> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      std::size_t used_i = 0, used_n = 0;
      const unsigned long i = std::stoul(text.substr(0, slash), &used_i);
      const unsigned long n = std::stoul(text.substr(slash + 1), &used_n);
      if (used_i == slash && used_n == text.size() - slash - 1 && n >= 1 && i < n) return {i, n};
    }
  } catch (const std::exception&) {
  }
  throw UsageError("--shard must be I/N with 0 <= I < N, not '" + text + "'");
}

// The shard of a Slurm array task: SLURM_ARRAY_TASK_ID (plus QUANTLAB_SHARD_OFFSET when a
// large sweep is submitted as several arrays) of QUANTLAB_SHARDS, else SLURM_ARRAY_TASK_COUNT.
std::pair<std::size_t, std::size_t> shard_from_env() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("QUANTLAB_SHARDS");
  if (!count) count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count)
    throw UsageError(
        "--shard-from-env needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
        "(or QUANTLAB_SHARDS): run it inside a Slurm array job");
  const char* offset = std::getenv("QUANTLAB_SHARD_OFFSET");
  const std::size_t base = offset ? std::stoul(offset) : 0;
  return parse_shard(std::to_string(base + std::stoul(id)) + "/" + count);
}

int command_run(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string config, out, shard;
  std::size_t threads = 0;
  bool from_env = false, rerun_failed = false;
  const auto p = config_and_out(o, config, out, "results folder");
  o.add_options()("threads",
                  po::value(&threads)->default_value(std::thread::hardware_concurrency()),
                  "runs at once (results do not depend on it)")(
      "shard", po::value(&shard), "run only shard I of N (I/N, 0-based): plan indices i = I mod N")(
      "shard-from-env", po::bool_switch(&from_env), "the shard of this Slurm array task")(
      "rerun-failed", po::bool_switch(&rerun_failed), "run again the runs recorded as failed");
  po::variables_map vm;
  if (!parse(
          args, o, p, vm,
          "run CONFIG [--out DIR] [--threads N] [--shard I/N | --shard-from-env] [--rerun-failed]"))
    return 0;
  if (from_env && !shard.empty()) throw UsageError("give --shard or --shard-from-env, not both");
  const auto [shard_index, shards] = from_env        ? shard_from_env()
                                     : shard.empty() ? std::pair<std::size_t, std::size_t>{0, 1}
                                                     : parse_shard(shard);
  const Plan plan = plan_from(config);
  RunnerOptions options;
  options.out = out;
  options.threads = std::max<std::size_t>(1, threads);
  options.progress = ::isatty(STDERR_FILENO);
  options.shard = shard_index;
  options.shards = shards;
  options.rerun_failed = rerun_failed;
  const RunSummary s = run_plan(plan, options);
  for (const auto& problem : s.bad_records)
    std::cerr << "quantlab: " << problem << ": not counted as done, run again\n";
  std::cout << plan.config.name;
  if (shards > 1) std::cout << " shard " << shard_index << "/" << shards;
  std::cout << ": " << s.total << " runs: " << s.succeeded << " done, " << s.skipped
            << " already recorded, " << s.failed << " failed\n";
  if (s.failed)
    std::cerr << "quantlab: " << s.failed << " run" << (s.failed > 1 ? "s" : "")
              << " failed; their messages are in the records (quantlab merge, then the 'error' "
                 "column)\n";
  return s.failed ? 1 : 0;
}

int command_plan(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string config, out, format;
  bool fetch = false;
  const auto p = config_and_out(o, config, out, "results folder (to mark recorded runs)");
  o.add_options()("format", po::value(&format)->default_value("text"), "text or json")(
      "fetch", po::bool_switch(&fetch), "import the sources not imported yet (downloads them)");
  po::variables_map vm;
  if (!parse(args, o, p, vm, "plan CONFIG [--out DIR] [--format text|json] [--fetch]")) return 0;
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  const Plan plan = plan_from(config, fetch);
  const SavedPlan saved = saved_plan(plan);
  if (format == "json") {
    nlohmann::json j = nlohmann::json::parse(plan_json(saved, false));
    for (std::size_t i = 0; i < saved.runs.size(); ++i)
      j["runs"][i]["done"] =
          record_state(record_path(out, saved.sweep, saved.runs[i].run_id)).state == RunState::done;
    j["not_imported"] = plan.not_imported;
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::printf("%-5s %-16s %-4s %-12s %-24s %-10s %-32s %6s %5s\n", "#", "run_id", "done", "dataset",
              "tensor", "granular.", "algorithm", "K", "seed");
  for (std::size_t i = 0; i < saved.runs.size(); ++i) {
    const SavedRun& r = saved.runs[i];
    const bool done = std::filesystem::exists(record_path(out, saved.sweep, r.run_id));
    std::printf("%-5zu %-16s %-4s %-12s %-24s %-10s %-32s %6zu %5s\n", i, r.run_id.c_str(),
                done ? "yes" : "no", r.dataset.c_str(), r.tensor.c_str(), r.granularity.c_str(),
                r.label.c_str(), r.levels, r.seed ? std::to_string(*r.seed).c_str() : "-");
  }
  for (const auto& d : plan.not_imported)
    std::printf("dataset %s: not imported yet (quantlab plan --fetch, or run, imports it)\n",
                d.c_str());
  std::printf("%zu runs\n", saved.runs.size());
  return 0;
}

// The plan the records were made by: the saved one when the config is the one it was saved
// for (no dataset is read), else the config's (datasets read, nothing fetched).
SavedPlan plan_of_records(const std::string& config_path, const std::string& out, bool saved_only) {
  const SweepConfig config = load_config(config_path);
  std::optional<SavedPlan> saved = read_plan_file(out, config.name);
  if (saved && (saved_only || saved->config_sha256 == sha256_hex(config.text))) {
    if (saved->config_sha256 != sha256_hex(config.text))
      std::cerr << "quantlab: note: " << config_path << " changed since the sweep last ran: "
                << "using the plan it ran (" << plan_file_path(out, config.name) << ")\n";
    return *saved;
  }
  if (saved_only)
    throw UsageError("no run of sweep '" + config.name + "' is recorded in " + out + " (no " +
                     plan_file_path(out, config.name) + "): run it first");
  try {
    return saved_plan(make_plan(config, false));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
}

// "3,7,10-12": a Slurm --array list of the given (ascending) indices.
std::string array_spec(const std::vector<std::size_t>& indices) {
  std::string out;
  for (std::size_t i = 0; i < indices.size();) {
    std::size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(indices[i]);
    if (j > i) out += (j == i + 1 ? "," : "-") + std::to_string(indices[j]);
    i = j + 1;
  }
  return out;
}

int command_status(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string config, out, format;
  long long shards = 1;
  bool rerun_failed = false;
  const auto p = config_and_out(o, config, out, "results folder");
  o.add_options()("shards", po::value(&shards)->default_value(1),
                  "the number of shards the sweep is split into")(
      "rerun-failed", po::bool_switch(&rerun_failed), "count failed runs as work still to do")(
      "format", po::value(&format)->default_value("text"), "text or json");
  po::variables_map vm;
  if (!parse(args, o, p, vm,
             "status CONFIG [--out DIR] [--shards N] [--rerun-failed] [--format text|json]"))
    return 0;
  if (shards < 1 || shards > 1000000) throw UsageError("--shards must be in [1, 1000000]");
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  const SavedPlan plan = plan_of_records(config, out, false);
  std::size_t done = 0, failed = 0, missing = 0;
  std::vector<std::string> bad;
  std::vector<bool> work(static_cast<std::size_t>(shards), false);
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const RecordState s = record_state(record_path(out, plan.sweep, plan.runs[i].run_id));
    if (s.state == RunState::done) ++done;
    if (s.state == RunState::failed) ++failed;
    if (s.state == RunState::missing) ++missing;
    if (s.state == RunState::bad) bad.push_back(s.problem);
    if (s.state == RunState::missing || s.state == RunState::bad ||
        (s.state == RunState::failed && rerun_failed))
      work[i % work.size()] = true;
  }
  std::vector<std::size_t> pending;
  for (std::size_t s = 0; s < work.size(); ++s)
    if (work[s]) pending.push_back(s);
  if (format == "json") {
    const nlohmann::json j = {{"format", "quantlab-status"},
                              {"format_version", 1},
                              {"sweep", plan.sweep},
                              {"runs", plan.runs.size()},
                              {"done", done},
                              {"failed", failed},
                              {"missing", missing},
                              {"bad", bad},
                              {"shards", shards},
                              {"pending_shards", pending},
                              {"array", array_spec(pending)}};
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::cout << plan.sweep << ": " << plan.runs.size() << " runs: " << done << " done, " << failed
            << " failed, " << missing << " missing";
  if (!bad.empty()) std::cout << ", " << bad.size() << " bad records (run again)";
  std::cout << "\n";
  for (const auto& b : bad) std::cout << "bad record: " << b << "\n";
  if (pending.empty())
    std::cout << "no shard has work left\n";
  else
    std::cout << pending.size() << " of " << shards
              << " shards have work: --array=" << array_spec(pending) << "\n";
  return 0;
}

int command_check(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string results, reference;
  std::vector<std::string> rtols, atols, ignore;
  bool compare_all = false;
  o.add_options()("results", po::value(&results)->required(), "merged results file (.h5)")(
      "against", po::value(&reference)->required(), "reference results file (.h5)")(
      "rtol", po::value(&rtols)->composing(),
      "relative tolerance: X (every metric) or METRIC=X; repeatable")(
      "atol", po::value(&atols)->composing(), "absolute tolerance: X or METRIC=X; repeatable")(
      "ignore", po::value(&ignore)->composing(),
      "a group (identity, quality, coding, algorithm, timing, network, provenance) or a column; "
      "repeatable (timing and provenance are ignored unless --compare-all)")(
      "compare-all", po::bool_switch(&compare_all), "compare the timing and provenance groups too");
  po::positional_options_description p;
  p.add("results", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm,
             "check RESULTS --against REFERENCE [--rtol [M=]X] [--atol [M=]X] [--ignore C]"))
    return 0;
  CheckOptions options;
  if (compare_all) options.ignore.clear();
  for (const auto& c : ignore) options.ignore.insert(c);
  auto apply = [&](const std::vector<std::string>& given, bool relative) {
    for (const auto& g : given) {
      const auto eq = g.find('=');
      double value;
      try {
        value = std::stod(eq == std::string::npos ? g : g.substr(eq + 1));
      } catch (const std::exception&) {
        throw UsageError("a tolerance must be X or METRIC=X, not '" + g + "'");
      }
      if (eq == std::string::npos)
        (relative ? options.tolerance.rtol : options.tolerance.atol) = value;
      else {
        auto& t = options.per_metric.try_emplace(g.substr(0, eq), options.tolerance).first->second;
        (relative ? t.rtol : t.atol) = value;
      }
    }
  };
  apply(rtols, true);
  apply(atols, false);
  CheckReport report;
  try {
    report = check_results(read_results(results), read_distributions(results),
                           read_results(reference), read_distributions(reference), options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << format_check(report);
  return report.passed() ? 0 : 1;
}

int command_merge(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string config, out;
  bool skip_bad = false;
  const auto p = config_and_out(o, config, out, "results folder");
  o.add_options()("skip-bad", po::bool_switch(&skip_bad),
                  "write the table without the bad records (the exit status is still 1)");
  po::variables_map vm;
  if (!parse(args, o, p, vm, "merge CONFIG [--out DIR] [--skip-bad]")) return 0;
  const SavedPlan plan = plan_of_records(config, out, true);
  const MergeSummary s = merge_plan(plan, out, skip_bad);
  for (const auto& b : s.bad) std::cerr << "bad record: " << b << "\n";
  if (s.path.empty()) {
    std::cerr << "quantlab: " << s.bad.size() << " bad record" << (s.bad.size() > 1 ? "s" : "")
              << ": no table written (run the sweep again to redo them, or merge --skip-bad)\n";
    return 1;
  }
  std::cout << s.path << ": " << s.runs << " runs (" << s.failed << " failed), " << s.missing
            << " of " << plan.runs.size() << " planned runs not recorded yet";
  if (!s.bad.empty()) std::cout << ", " << s.bad.size() << " bad records left out";
  std::cout << "\n";
  return s.bad.empty() ? 0 : 1;
}

int command_report(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string results, metrics, rows, cols, format;
  o.add_options()("results", po::value(&results)->required(), "merged results file (.h5)")(
      "metric", po::value(&metrics)->default_value("mse"), "metric column(s), comma-separated")(
      "rows", po::value(&rows)->default_value("dataset,label"), "row key column(s)")(
      "cols", po::value(&cols)->default_value("bits"), "column key column(s)")(
      "format", po::value(&format)->default_value("md"), "md, csv or latex");
  po::positional_options_description p;
  p.add("results", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm,
             "report RESULTS [--metric M] [--rows C] [--cols C] [--format md|csv|latex]"))
    return 0;
  const ResultsTable table = read_results(results);
  ReportOptions options{split(metrics), split(rows), split(cols), format};
  try {
    std::cout << report(table, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return 0;
}

int command_dataset_make(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string out, name, distribution, dtype;
  std::size_t n = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> params;
  bool append = false;
  std::string config;
  o.add_options()("out", po::value(&out)->required(), "dataset file to write")(
      "config", po::value(&config),
      "write every tensor of this sweep config's datasets (as <dataset>[/<tensor>]) instead")(
      "name", po::value(&name), "tensor name")(
      "distribution", po::value(&distribution),
      "gaussian, uniform, laplace, student_t or gaussian_mixture")(
      "n", po::value(&n), "number of values")("seed", po::value(&seed)->default_value(0),
                                              "generator seed")(
      "dtype", po::value(&dtype)->default_value("float64"), "float32 or float64")(
      "param", po::value(&params)->composing(),
      "distribution parameter KEY=V[,V...] (repeatable), e.g. std=2 or means=-1,1")(
      "append", po::bool_switch(&append), "add to an existing file instead of replacing it");
  po::positional_options_description p;
  p.add("out", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm,
             "dataset make OUT (--config CONFIG | --name NAME --distribution D --n N [--seed S] "
             "[--param K=V]...)"))
    return 0;
  if (!config.empty()) {
    const Plan plan = plan_from(config);
    std::vector<Tensor> tensors;
    for (const auto& t : plan.tensors) {
      tensors.push_back(t.tensor);
      if (t.source != "synthetic") tensors.back().name = t.dataset + "/" + t.tensor.name;
    }
    write_dataset_file(out, tensors);
    std::cout << out << ": " << tensors.size() << " tensors of " << config << "\n";
    return 0;
  }
  if (name.empty() || distribution.empty() || n == 0)
    throw UsageError("dataset make needs --config, or --name, --distribution and --n");
  SyntheticSpec spec;
  spec.distribution = distribution;
  spec.n = n;
  spec.seed = seed;
  if (dtype != "float32" && dtype != "float64")
    throw UsageError("--dtype must be float32 or float64");
  spec.dtype = dtype == "float32" ? DType::float32 : DType::float64;
  for (const auto& kv : params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw UsageError("--param needs KEY=VALUE, not '" + kv + "'");
    std::vector<double> values;
    for (const auto& v : split(kv.substr(eq + 1))) {
      try {
        values.push_back(std::stod(v));
      } catch (const std::exception&) {
        throw UsageError("--param " + kv + ": '" + v + "' is not a number");
      }
    }
    spec.parameters[kv.substr(0, eq)] = values;
  }
  Tensor tensor;
  try {
    tensor = make_synthetic(name, spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::vector<Tensor> tensors;
  if (append && std::filesystem::exists(out))
    for (const auto& existing : list_tensors(out))
      if (existing != name) tensors.push_back(read_tensor(out, existing));
  tensors.push_back(tensor);
  write_dataset_file(out, tensors);
  std::cout << out << ": " << name << " " << tensor.shape_text() << " " << dtype_name(spec.dtype)
            << " " << tensor.checksum() << "\n";
  return 0;
}

int command_dataset_ls(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string file;
  o.add_options()("file", po::value(&file)->required(), "dataset file");
  po::positional_options_description p;
  p.add("file", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm, "dataset ls FILE")) return 0;
  std::printf("%-32s %-16s %-8s %10s %11s %11s %11s %11s %10s %9s\n", "tensor", "shape", "dtype",
              "n", "mean", "std", "min", "max", "distinct", "kurtosis");
  for (const auto& name : list_tensors(file)) {
    const Tensor t = read_tensor(file, name);
    const arma::vec& x = t.values;
    const double mean = x.is_empty() ? NAN : arma::mean(x);
    const double var = x.n_elem ? arma::mean(arma::square(x - mean)) : NAN;
    const double kurtosis = x.n_elem ? arma::mean(arma::pow(x - mean, 4)) / (var * var) - 3 : NAN;
    const arma::vec u = arma::unique(x);
    std::printf("%-32s %-16s %-8s %10zu %11.4g %11.4g %11.4g %11.4g %10zu %9.3g\n", name.c_str(),
                t.shape_text().c_str(), dtype_name(t.dtype), t.size(), mean, std::sqrt(var),
                x.n_elem ? x.min() : NAN, x.n_elem ? x.max() : NAN,
                static_cast<std::size_t>(u.n_elem), kurtosis);
  }
  return 0;
}

int command_dataset_import(const std::vector<std::string>& args) {
  po::options_description o("options");
  std::string source, out, cache, format, prefix;
  std::vector<std::string> inputs;
  bool convert = false;
  o.add_options()("source", po::value(&source), "a known source (quantlab dataset sources)")(
      "out", po::value(&out), "dataset file to write (default datasets/<source>.h5)")(
      "cache", po::value(&cache)->default_value("datasets/cache"), "where packages are unpacked")(
      "format", po::value(&format),
      "import local files instead: tfjs, idx, gnubg, digits, embeddings")(
      "input", po::value(&inputs)->composing(), "a local input file (idx: images, then labels)")(
      "prefix", po::value(&prefix)->default_value(""), "tensor name prefix for local files")(
      "convert-quantized", po::bool_switch(&convert),
      "also import float16 and uint8/uint16-quantized tensors, marked already_quantized");
  po::positional_options_description p;
  p.add("source", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm,
             "dataset import SOURCE [--out FILE] [--convert-quantized]\n"
             "       quantlab dataset import --format F --input FILE... --out FILE [--prefix P]"))
    return 0;
  ImportReport report;
  if (!format.empty()) {
    if (out.empty()) throw UsageError("--format needs --out");
    report = import_files(format, inputs, prefix, out, convert);
  } else {
    const PackageSource* known = find_package_source(source);
    if (!known) {
      std::string names;
      for (const auto& s : package_sources()) names += (names.empty() ? "" : ", ") + s.name;
      throw UsageError("unknown source '" + source + "' (one of " + names +
                       "; or --format for local files)");
    }
    if (out.empty()) out = "datasets/" + known->name + ".h5";
    const ImportResult result = import_package(*known, cache, out, convert);
    if (result.reused) {
      std::cout << out << ": already holds " << pinned_name(*known) << " (checksums verified)\n";
      return 0;
    }
    report = result.report;
  }
  std::cout << out << ": " << report.imported.size() << " tensors, " << report.values
            << " values imported; " << report.skipped.size() << " skipped\n";
  // Skipped tensors by kind ("(float16-quantized float32): already quantized", ...); the
  // dataset file's attribute `skipped` lists every one.
  std::map<std::string, std::size_t> kinds;
  for (const auto& s : report.skipped) ++kinds[s.substr(s.rfind(" ("))];
  for (const auto& [kind, count] : kinds) std::cout << "  skipped " << count << kind << "\n";
  if (!convert && !report.skipped.empty())
    std::cout << "  (--convert-quantized imports the float16 and quantized ones)\n";
  return 0;
}

int command_dataset_sources() {
  std::printf("%-14s %-8s %-40s %s\n", "source", "registry", "package", "contents");
  for (const auto& s : package_sources())
    std::printf("%-14s %-8s %-40s %s\n", s.name.c_str(), s.registry.c_str(), pinned_name(s).c_str(),
                s.contents.c_str());
  return 0;
}

// The training options `net train` and `net prune` share, with their own defaults.
struct TrainingDefaults {
  std::size_t epochs, batch;
  double learning_rate, lr_decay;
};

void add_training_options(po::options_description& o, quantlab::networks::TrainingSettings& s,
                          const TrainingDefaults& d) {
  o.add_options()("epochs", po::value(&s.epochs)->default_value(d.epochs), "epochs")(
      "batch", po::value(&s.batch)->default_value(d.batch), "mini-batch size")(
      "lr", po::value(&s.learning_rate)->default_value(d.learning_rate), "learning rate")(
      "lr-decay", po::value(&s.lr_decay)->default_value(d.lr_decay),
      "learning rate × this after each epoch")(
      "momentum", po::value(&s.momentum)->default_value(0.9), "Nesterov momentum (sgd)")(
      "weight-decay", po::value(&s.weight_decay)->default_value(0),
      "L2 penalty (wd/2)‖w‖² on the kernels")(
      "shift", po::value(&s.shift)->default_value(0),
      "augmentation: each training image moved by up to ± this many pixels");
}

// The settings as stored with a network (attribute `training` or `pruning`).
std::string training_text(const quantlab::networks::TrainingSettings& s) {
  return "optimizer=" + s.optimizer + ",epochs=" + std::to_string(s.epochs) +
         ",batch=" + std::to_string(s.batch) + ",lr=" + format_value(s.learning_rate) +
         ",lr_decay=" + format_value(s.lr_decay) + ",momentum=" + format_value(s.momentum) +
         ",weight_decay=" + format_value(s.weight_decay) + ",shift=" + std::to_string(s.shift);
}

int command_net_train(const std::vector<std::string>& args) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string model, data, out;
  nn::TrainingSettings s;
  std::size_t train_limit = 0;
  int threads = 1;
  o.add_options()("model", po::value(&model)->required(), "lenet300 or lenet5")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images and labels")(
      "out", po::value(&out)->required(), "dataset file to write the trained network to")(
      "optimizer", po::value(&s.optimizer)->default_value("sgd"),
      "sgd (Nesterov momentum) or adam")("seed", po::value(&s.seed)->default_value(0),
                                         "seed of the initial weights and the shuffling")(
      "train-limit", po::value(&train_limit)->default_value(0),
      "use only the first N training images (0: all)")(
      "threads", po::value(&threads)->default_value(1),
      "OpenBLAS threads (results are reproducible for a seed and a thread count)");
  add_training_options(o, s, {10, 256, 0.1, 0.95});
  po::variables_map vm;
  if (!parse(args, o, {}, vm, "net train --model M --out FILE [--data FILE] [options]")) return 0;
  if (s.epochs == 0 || s.batch == 0) throw UsageError("--epochs and --batch must be at least 1");
  const int blas_threads = set_blas_threads(threads);
  const nn::ImageSplits splits = nn::load_image_splits(data, train_limit);
  Generator init(s.seed);
  nn::Network net = nn::make_network(model, init);
  nn::Optimizer optimizer(s, net.parameters());
  const auto start = std::chrono::steady_clock::now();
  nn::train(net, splits.train, s, optimizer, [&](std::size_t epoch, double loss) {
    const nn::Evaluation e = nn::evaluate(net, splits.test);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("epoch %3zu  train loss %.4f  test loss %.4f  test accuracy %.2f %%  (%.1f s)\n",
                epoch + 1, loss, e.loss, 100 * e.accuracy, seconds);
    std::fflush(stdout);
  });
  const nn::Evaluation e = nn::evaluate(net, splits.test);
  const std::map<std::string, std::string> attributes{
      {"model", model},
      {"source", "quantlab net train"},
      {"training_data", data},
      {"test_accuracy", format_value(e.accuracy)},
      {"test_loss", format_value(e.loss)},
      {"seed", std::to_string(s.seed)},
      {"mean_pixel", format_value(splits.mean_pixel)},
      {"training",
       training_text(s) + ",train_images=" + std::to_string(splits.train.images.n_cols)},
      {"blas_threads", std::to_string(blas_threads)},
      {"licence", "CC0-1.0 (trained by quantlab)"}};
  nn::save_network(net, out, attributes);
  if (s.optimizer == "adam")  // paper 5's free importance: Adam's √v̂ at the end of training
    nn::add_importance(out, "adam", net, optimizer.adam_root_second_moment(),
                       {{"importance", "square root of Adam's bias-corrected second moment"}});
  std::printf("%s: %s, %zu parameters, test accuracy %.2f %%\n", out.c_str(), model.c_str(),
              net.parameter_count(), 100 * e.accuracy);
  return 0;
}

int command_net_eval(const std::vector<std::string>& args) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data;
  o.add_options()("network", po::value(&file)->required(), "dataset file of a trained network")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with the test images");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm, "net eval FILE [--data FILE]")) return 0;
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const nn::Evaluation e = nn::evaluate(
      net, nn::load_images(data, "test", 0, nn::training_mean_pixel(file, attributes)));
  std::printf("%s: %s, test loss %.4f, test accuracy %.2f %%\n", file.c_str(), net.model().c_str(),
              e.loss, 100 * e.accuracy);
  return 0;
}

int command_net_lc(const std::vector<std::string>& args) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data, out, csv, c_step;
  std::size_t levels = 2;
  nn::LcSettings s;
  int threads = 1;
  o.add_options()("network", po::value(&file)->required(), "dataset file of a trained network")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images")("method",
                                                   po::value(&s.method)->default_value("lc"),
                                                   "lc, or idc (iterated direct compression)")(
      "c-step", po::value(&c_step)->default_value("kmeans"),
      "a quantizer (kmeans, optimal, ...) or a fixed codebook: sign, scaled_sign, ternary, "
      "powers_of_two")("levels", po::value(&levels)->default_value(2),
                       "K per layer (adaptive C steps)")(
      "steps", po::value(&s.steps)->default_value(40), "μ steps (LC) or rounds (iDC)")(
      "mu0", po::value(&s.mu0)->default_value(9e-5), "first μ")(
      "mu-factor", po::value(&s.mu_factor)->default_value(1.1), "μ × this each step")(
      "epochs", po::value(&s.l_step.epochs)->default_value(20), "epochs per L step")(
      "first-epochs", po::value(&s.first_epochs)->default_value(0),
      "epochs of the first L step (0: --epochs; the toolkit 40)")(
      "batch", po::value(&s.l_step.batch)->default_value(256), "mini-batch size")(
      "lr", po::value(&s.l_step.learning_rate)->default_value(0.09),
      "learning rate of the first L step")("lr-step-decay",
                                           po::value(&s.lr_step_decay)->default_value(0.98),
                                           "learning rate × this each step")(
      "momentum", po::value(&s.l_step.momentum)->default_value(0.9), "Nesterov momentum")(
      "seed", po::value(&s.l_step.seed)->default_value(0), "seed of the shuffling and the C steps")(
      "csv", po::value(&csv),
      "write the schedule (step, mu, train loss, distance, test loss, test error) here")(
      "out", po::value(&out), "save the quantized network here")(
      "threads", po::value(&threads)->default_value(1), "OpenBLAS threads");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm, "net lc FILE [--method lc|idc] [--c-step C] [--levels K] [options]"))
    return 0;
  s.l_step.lr_decay = 1;
  set_blas_threads(threads);
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const double mean_pixel = nn::training_mean_pixel(file, attributes);
  const nn::LabelledImages train = nn::load_images(data, "train", 0, mean_pixel);
  const nn::LabelledImages test = nn::load_images(data, "test", 0, mean_pixel);
  std::ofstream table;
  if (!csv.empty()) {
    table.open(csv);
    if (!table) throw std::runtime_error("cannot write " + csv);
    table << "step,mu,train_loss,distance,test_loss,test_error\n";
  }
  std::size_t step = 0;
  const auto start = std::chrono::steady_clock::now();
  Generator generator(s.l_step.seed ^ 0x1cULL);
  const std::vector<nn::Parameter> kernels = net.kernels();
  const nn::LcResult r = nn::learning_compression(
      net, kernels, nn::per_parameter_c_step(c_step, levels, kernels, generator), train, test, s,
      [&](const nn::LcStep& st) {
        ++step;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf(
            "step %3zu  mu %.3g  train loss %.4f  |w - D(T)|/|w| %.3g  test error %.2f %%  (%.0f "
            "s)\n",
            step, st.mu, st.train_loss, st.distance, 100 * (1 - st.quantized.accuracy), seconds);
        std::fflush(stdout);
        if (table)
          table << step << "," << st.mu << "," << st.train_loss << "," << st.distance << ","
                << st.quantized.loss << "," << 1 - st.quantized.accuracy << "\n";
      });
  std::printf(
      "reference %.2f %%, direct compression %.2f %%, %s %.2f %% test error\n",
      100 * (1 - r.reference.accuracy), 100 * (1 - r.direct.accuracy), s.method.c_str(),
      100 * (1 - (r.steps.empty() ? r.direct.accuracy : r.steps.back().quantized.accuracy)));
  if (!out.empty()) {
    attributes["source"] = "quantlab net lc";
    attributes["compression"] =
        s.method + ",c_step=" + c_step + ",levels=" + std::to_string(levels);
    nn::save_network(net, out, attributes);
  }
  return 0;
}

int command_net_importance(const std::vector<std::string>& args) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data;
  std::size_t samples = 1000;
  o.add_options()("network", po::value(&file)->required(),
                  "dataset file of a trained network (rewritten)")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with the training images")("samples", po::value(&samples)->default_value(1000),
                                               "training images the diagonal is averaged over");
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm, "net importance FILE [--data FILE] [--samples N]")) return 0;
  if (samples == 0) throw UsageError("--samples must be at least 1");
  pin_blas_to_one_thread();
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const nn::LabelledImages train =
      nn::load_images(data, "train", samples, nn::training_mean_pixel(file, attributes));
  const auto start = std::chrono::steady_clock::now();
  const std::vector<arma::fmat> h = nn::hessian_diagonal(net, train, samples);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nn::add_importance(
      file, "hessian", net, h,
      {{"importance", "diagonal of the training loss's Hessian (exact: Gauss-Newton diagonal)"},
       {"samples", std::to_string(train.images.n_cols)}});
  std::printf(
      "%s: Hessian diagonal of %zu parameters over %zu samples in %.2f s -> importance/hessian/*\n",
      file.c_str(), net.parameter_count(), static_cast<std::size_t>(train.images.n_cols), seconds);
  return 0;
}

int command_net_prune(const std::vector<std::string>& args) {
  namespace nn = quantlab::networks;
  po::options_description o("options");
  std::string file, data, out;
  double keep = 0.1;
  nn::TrainingSettings s;
  o.add_options()("network", po::value(&file)->required(), "dataset file of a trained network")(
      "data", po::value(&data)->default_value("datasets/mnist.h5"),
      "dataset file with train/ and test/ images")("out", po::value(&out)->required(),
                                                   "dataset file to write the pruned network to")(
      "keep", po::value(&keep)->default_value(0.1),
      "fraction of the kernels' weights kept (largest |w|, all layers)")(
      "seed", po::value(&s.seed)->default_value(0), "seed of the shuffling");
  add_training_options(o, s, {10, 128, 0.01, 0.9});
  po::positional_options_description p;
  p.add("network", 1);
  po::variables_map vm;
  if (!parse(args, o, p, vm, "net prune FILE --out FILE [--keep F] [--epochs N] [options]"))
    return 0;
  pin_blas_to_one_thread();
  std::map<std::string, std::string> attributes;
  nn::Network net = nn::load_network(file, &attributes);
  const double mean_pixel = nn::training_mean_pixel(file, attributes);
  const nn::LabelledImages train = nn::load_images(data, "train", 0, mean_pixel);
  const nn::LabelledImages test = nn::load_images(data, "test", 0, mean_pixel);
  const std::vector<arma::fmat> masks = nn::magnitude_masks(net, keep);
  nn::apply_masks(net, masks, false);
  std::printf("pruned to %.4g %% of the kernels: test accuracy %.2f %% before retraining\n",
              100 * keep, 100 * nn::evaluate(net, test).accuracy);
  nn::Optimizer optimizer(s, net.parameters());
  nn::train(
      net, train, s, optimizer,
      [&](std::size_t epoch, double loss) {
        std::printf("epoch %3zu  train loss %.4f  test accuracy %.2f %%\n", epoch + 1, loss,
                    100 * nn::evaluate(net, test).accuracy);
        std::fflush(stdout);
      },
      [&] { nn::apply_masks(net, masks, true); });
  nn::apply_masks(net, masks, false);
  const nn::Evaluation e = nn::evaluate(net, test);
  attributes["source"] = "quantlab net prune";
  attributes["test_accuracy"] = format_value(e.accuracy);
  attributes["test_loss"] = format_value(e.loss);
  attributes["pruning"] = "magnitude,keep=" + format_value(keep) + "," + training_text(s);
  std::map<std::string, std::map<std::string, std::string>> pruned;
  for (const auto& kernel : net.kernels()) pruned[kernel.name] = {{"pruned", "zeros"}};
  nn::save_network(net, out, attributes, pruned);
  std::printf("%s: test accuracy %.2f %%\n", out.c_str(), 100 * e.accuracy);
  return 0;
}

int command_algorithms(const std::vector<std::string>&) {
  std::cout
      << "# Algorithms\n\nGenerated by `quantlab algorithms` from the parameter declarations the "
         "config loader validates against (docs/algorithms.md is checked against it by the "
         "tests).\n\n";
  auto table = [](const std::vector<ParameterSpec>& parameters) {
    std::cout << "| name | type | description | default | allowed |\n|---|---|---|---|---|\n";
    for (const auto& p : parameters)
      std::cout << "| " << p.name << " | " << type_name(p.type) << " | " << p.doc << " | "
                << display_value(p.default_value) << " | " << p.allowed() << " |\n";
    std::cout << "\n";
  };
  for (const auto& a : algorithms()) {
    std::cout << "## " << a.name << "\n\n"
              << a.summary << ".\nReference: " << a.reference
              << ".\nSeeded: " << (a.uses_seed ? "yes (one run per seed)" : "no (deterministic)")
              << ".\n\n";
    table(a.parameters);
  }
  std::cout << "## The network block\n\nOn a network dataset, an algorithm's `network:` block "
               "trains the network "
               "with its quantization (configs/README.md): LC or iDC with the algorithm as the C "
               "step, and "
               "fine-tuning of the codewords.\n\n";
  table(network_training_parameters());
  return 0;
}

int command_columns(const std::vector<std::string>&) {
  std::cout << schema_markdown();
  return 0;
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    std::cout << kUsage;
    return argv.empty() ? 2 : 0;
  }
  const std::string command = argv[0];
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (command == "run") return command_run(rest);
  if (command == "plan") return command_plan(rest);
  if (command == "merge") return command_merge(rest);
  if (command == "status") return command_status(rest);
  if (command == "check") return command_check(rest);
  if (command == "report") return command_report(rest);
  if (command == "algorithms") return command_algorithms(rest);
  if (command == "columns") return command_columns(rest);
  if (command == "version" || command == "--version") {
    std::cout << "quantlab " << QUANTLAB_VERSION << " (" << QUANTLAB_BUILD_TYPE << ")\n";
    return 0;
  }
  if (command == "net") {
    if (rest.empty())
      throw UsageError("net needs a subcommand: train, eval, lc, importance or prune");
    const std::vector<std::string> subargs(rest.begin() + 1, rest.end());
    if (rest[0] == "train") return command_net_train(subargs);
    if (rest[0] == "eval") return command_net_eval(subargs);
    if (rest[0] == "lc") return command_net_lc(subargs);
    if (rest[0] == "importance") return command_net_importance(subargs);
    if (rest[0] == "prune") return command_net_prune(subargs);
    throw UsageError("unknown net subcommand '" + rest[0] +
                     "' (train, eval, lc, importance or prune)");
  }
  if (command == "dataset") {
    if (rest.empty()) throw UsageError("dataset needs a subcommand: make, ls, import or sources");
    const std::string sub = rest[0];
    std::vector<std::string> subargs(rest.begin() + 1, rest.end());
    if (sub == "make") return command_dataset_make(subargs);
    if (sub == "ls") return command_dataset_ls(subargs);
    if (sub == "import") return command_dataset_import(subargs);
    if (sub == "sources") return command_dataset_sources();
    throw UsageError("unknown dataset subcommand '" + sub + "' (make, ls, import or sources)");
  }
  throw UsageError("unknown command '" + command + "'\n" + kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  H5::Exception::dontPrint();  // errors are reported once, as one line, below
  try {
    return dispatch(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 2;
  } catch (const ConfigError& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "quantlab: error: " << e.what() << "\n";
    return 1;
  } catch (const H5::Exception& e) {  // HDF5's exceptions are not std::exceptions
    std::cerr << "quantlab: error: HDF5: " << e.getFuncName() << ": " << e.getDetailMsg() << "\n";
    return 1;
  }
}
