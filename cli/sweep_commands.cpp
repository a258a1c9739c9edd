#include "cli/sweep_commands.hpp"

#include <unistd.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "datasets/sha256.hpp"
#include "experiments/check.hpp"
#include "experiments/config.hpp"
#include "experiments/merge.hpp"
#include "experiments/plan_file.hpp"
#include "experiments/results_table.hpp"
#include "experiments/runner.hpp"

namespace quantlab::cli {

Plan plan_from(const std::string& config_path, const std::vector<std::string>& overrides,
               bool fetch) {
  const SweepConfig config = load_config(config_path, overrides);
  try {
    return make_plan(config, fetch);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
}

namespace {

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

// The plan the records were made by: the saved one when the config is the one it was saved
// for (no dataset is read), else the config's (datasets read, nothing fetched).
SavedPlan plan_of_records(const SweepArguments& a, const SweepConfig& config, bool saved_only) {
  const std::string& config_path = a.config;
  const std::string& out = a.out;
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

// The plan the records were made by, and the records: indexed on a thread of their own while
// the plan is read (each takes a few tenths of a second at 10^5 runs).
std::pair<SavedPlan, RecordIndex> plan_and_records(const SweepArguments& a, bool saved_only) {
  const SweepConfig config = load_config(a.config, a.overrides);
  auto indexed = std::async(std::launch::async, [&] {
    return index_records(runs_folder(a.out, config.name), config.name);
  });
  SavedPlan plan = plan_of_records(a, config, saved_only);
  return {std::move(plan), indexed.get()};
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

// --print-config: the effective config, and nothing else done.
bool printed_config(const SweepArguments& a) {
  if (!a.print_config) return false;
  std::cout << load_config(a.config, a.overrides).text;
  return true;
}

}  // namespace

int command_run(const Invocation& in) {
  po::options_description o("options");
  SweepArguments a;
  std::string shard;
  std::size_t threads = 0;
  double progress_every = 60;
  bool from_env = false, rerun_failed = false, stage_times = false;
  const auto p = sweep_arguments(o, a, "results folder");
  o.add_options()("threads",
                  po::value(&threads)->default_value(std::thread::hardware_concurrency()),
                  "runs at once (results do not depend on it)")(
      "shard", po::value(&shard), "run only shard I of N (I/N, 0-based): plan indices i = I mod N")(
      "shard-from-env", po::bool_switch(&from_env), "the shard of this Slurm array task")(
      "rerun-failed", po::bool_switch(&rerun_failed), "run again the runs recorded as failed")(
      "progress-every", po::value(&progress_every)->default_value(60),
      "when stderr is not a terminal, a progress line every this many seconds (0: none)")(
      "stage-times", po::bool_switch(&stage_times),
      "print where the time went: measuring, the optimum reference, writing records");
  po::variables_map vm;
  if (!parse(in, o, p, vm) || printed_config(a)) return 0;
  if (from_env && !shard.empty()) throw UsageError("give --shard or --shard-from-env, not both");
  const auto [shard_index, shards] = from_env        ? shard_from_env()
                                     : shard.empty() ? std::pair<std::size_t, std::size_t>{0, 1}
                                                     : parse_shard(shard);
  const Plan plan = plan_from(a.config, a.overrides);
  RunnerOptions options;
  options.out = a.out;
  options.threads = std::max<std::size_t>(1, threads);
  options.progress = ::isatty(STDERR_FILENO);
  if (!(progress_every >= 0)) throw UsageError("--progress-every must be 0 or more seconds");
  options.progress_every = options.progress ? 0 : progress_every;
  options.stop_on_interrupt = true;
  options.shard = shard_index;
  options.shards = shards;
  options.rerun_failed = rerun_failed;
  const RunSummary s = run_plan(plan, options);
  for (const auto& note : s.notes) std::cerr << "quantlab: note: " << note << "\n";
  for (const auto& problem : s.bad_records)
    std::cerr << "quantlab: bad record: " << problem << "\n";
  if (s.repaired_logs)
    std::cerr << "quantlab: " << s.repaired_logs << " record file"
              << (s.repaired_logs > 1 ? "s" : "")
              << " rewritten or removed without the bad records (their runs are run again)\n";
  std::cout << plan.config.name;
  if (shards > 1) std::cout << " shard " << shard_index << "/" << shards;
  std::cout << ": " << s.total << " runs: " << s.succeeded << " done, " << s.skipped
            << " already recorded, " << s.failed << " failed\n";
  if (stage_times) {
    const std::size_t ran = s.succeeded + s.failed;
    std::printf(
        "stage seconds (summed over %zu threads): measure %.4f, optimum %.4f, record "
        "%.4f; %zu runs in %.4f s of wall time, %.1f runs/s\n",
        options.threads, s.seconds.measure, s.seconds.optimum, s.record_seconds, ran,
        s.wall_seconds, s.wall_seconds > 0 ? static_cast<double>(ran) / s.wall_seconds : 0.0);
  }
  // The failures themselves, not only their count: a batch log must say what went wrong.
  constexpr std::size_t shown = 20;
  for (std::size_t i = 0; i < s.failures.size() && i < shown; ++i) {
    const FailedRun& f = s.failures[i];
    std::cerr << "quantlab: run " << f.index << " " << f.id << " (" << f.label
              << ") failed: " << f.message << "\n";
  }
  if (s.failures.size() > shown)
    std::cerr << "quantlab: ... and " << s.failures.size() - shown
              << " more failed runs (quantlab merge, then the 'error' column)\n";
  if (s.interrupted) {
    std::cerr << "quantlab: interrupted: the runs in progress were finished and recorded; run "
                 "the same command again to go on (recorded runs are skipped)\n";
    return 130;
  }
  return s.failed ? 1 : 0;
}

int command_plan(const Invocation& in) {
  po::options_description o("options");
  SweepArguments a;
  std::string format;
  bool fetch = false;
  const auto p = sweep_arguments(o, a, "results folder (to mark recorded runs)");
  o.add_options()("format", po::value(&format)->default_value("text"), "text or json")(
      "fetch", po::bool_switch(&fetch), "import the sources not imported yet (downloads them)");
  po::variables_map vm;
  if (!parse(in, o, p, vm) || printed_config(a)) return 0;
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  // The plan as saved runs (about 60 bytes a run against 220): the full one is gone before
  // the records are indexed.
  std::vector<std::string> not_imported;
  const SavedPlan saved = [&] {
    Plan plan = plan_from(a.config, a.overrides, fetch);
    not_imported = std::move(plan.not_imported);
    return saved_plan(plan);
  }();
  const std::string& out = a.out;
  const RecordIndex recorded = index_records(runs_folder(out, saved.sweep), saved.sweep);
  if (format == "json") {
    nlohmann::json j = nlohmann::json::parse(plan_json(saved, false));
    for (std::size_t i = 0; i < saved.runs.size(); ++i)
      j["runs"][i]["done"] = recorded.state(saved.runs.run_id(i)) == RunState::done;
    j["not_imported"] = not_imported;
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::printf("%-5s %-16s %-4s %-12s %-24s %-10s %-32s %6s %5s\n", "#", "run_id", "done", "dataset",
              "tensor", "granular.", "algorithm", "K", "seed");
  for (std::size_t i = 0; i < saved.runs.size(); ++i) {
    const SavedRun r = saved.runs[i];
    const bool done = recorded.state(r.run_id) == RunState::done;
    std::printf("%-5zu %-16s %-4s %-12s %-24s %-10s %-32s %6zu %5s\n", i, r.run_id.c_str(),
                done ? "yes" : "no", r.dataset.c_str(), r.tensor.c_str(), r.granularity.c_str(),
                r.label.c_str(), r.levels, r.seed ? std::to_string(*r.seed).c_str() : "-");
  }
  for (const auto& d : not_imported)
    std::printf("dataset %s: not imported yet (quantlab plan --fetch, or run, imports it)\n",
                d.c_str());
  std::printf("%zu runs\n", saved.runs.size());
  return 0;
}

int command_status(const Invocation& in) {
  po::options_description o("options");
  SweepArguments a;
  std::string format;
  long long shards = 1;
  bool rerun_failed = false;
  const auto p = sweep_arguments(o, a, "results folder");
  o.add_options()("shards", po::value(&shards)->default_value(1),
                  "the number of shards the sweep is split into")(
      "rerun-failed", po::bool_switch(&rerun_failed), "count failed runs as work still to do")(
      "format", po::value(&format)->default_value("text"), "text or json");
  po::variables_map vm;
  if (!parse(in, o, p, vm) || printed_config(a)) return 0;
  if (shards < 1 || shards > 1000000) throw UsageError("--shards must be in [1, 1000000]");
  if (format != "text" && format != "json") throw UsageError("--format must be text or json");
  const auto [plan, recorded] = plan_and_records(a, false);
  std::size_t done = 0, failed = 0, missing = 0;
  const std::vector<std::string>& bad = recorded.bad;
  std::vector<bool> work(static_cast<std::size_t>(shards), false);
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const RunState s = recorded.state(plan.runs.run_id(i));
    if (s == RunState::done) ++done;
    if (s == RunState::failed) ++failed;
    if (s == RunState::missing) ++missing;
    if (s == RunState::missing || (s == RunState::failed && rerun_failed))
      work[i % work.size()] = true;
  }
  // Records of runs this plan does not have: an earlier config's (renamed data, other K).
  const std::size_t orphans = recorded.runs.size() - done - failed;
  std::vector<std::size_t> pending;
  for (std::size_t s = 0; s < work.size(); ++s)
    if (work[s]) pending.push_back(s);
  if (format == "json") {
    const nlohmann::json j = {
        {"format", "quantlab-status"}, {"format_version", 1}, {"sweep", plan.sweep},
        {"runs", plan.runs.size()},    {"done", done},        {"failed", failed},
        {"missing", missing},          {"bad", bad},          {"orphans", orphans},
        {"notes", recorded.notes},     {"shards", shards},    {"pending_shards", pending},
        {"array", array_spec(pending)}};
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::cout << plan.sweep << ": " << plan.runs.size() << " runs: " << done << " done, " << failed
            << " failed, " << missing << " missing";
  if (!bad.empty()) std::cout << ", " << bad.size() << " bad records (run again)";
  std::cout << "\n";
  if (orphans)
    std::cout << orphans << " records of runs not in this plan (an earlier config's; merge "
              << "leaves them out)\n";
  for (const auto& b : bad) std::cout << "bad record: " << b << "\n";
  for (const auto& note : recorded.notes) std::cout << "note: " << note << "\n";
  if (pending.empty())
    std::cout << "no shard has work left\n";
  else
    std::cout << pending.size() << " of " << shards
              << " shards have work: --array=" << array_spec(pending) << "\n";
  return 0;
}

int command_check(const Invocation& in) {
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
  if (!parse(in, o, p, vm)) return 0;
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
    Distributions ours, theirs;
    const ResultsTable table = read_results(results, &ours);
    const ResultsTable against = read_results(reference, &theirs);
    report = check_results(table, ours, against, theirs, options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::cout << format_check(report);
  return report.passed() ? 0 : 1;
}

int command_merge(const Invocation& in) {
  po::options_description o("options");
  SweepArguments a;
  bool skip_bad = false;
  const auto p = sweep_arguments(o, a, "results folder");
  o.add_options()("skip-bad", po::bool_switch(&skip_bad),
                  "write the table without the bad records (the exit status is still 1)");
  po::variables_map vm;
  if (!parse(in, o, p, vm) || printed_config(a)) return 0;
  const auto [plan, records] = plan_and_records(a, true);
  const MergeSummary s = merge_plan(plan, records, a.out, skip_bad);
  for (const auto& note : s.notes) std::cerr << "note: " << note << "\n";
  for (const auto& b : s.bad) std::cerr << "bad record: " << b << "\n";
  if (s.path.empty()) {
    std::cerr << "quantlab: " << s.bad.size() << " bad record" << (s.bad.size() > 1 ? "s" : "")
              << ": no table written (run the sweep again to redo them, or merge --skip-bad)\n";
    return 1;
  }
  std::cout << s.path << ": " << s.runs << " runs (" << s.failed << " failed), " << s.missing
            << " of " << plan.runs.size() << " planned runs not recorded yet";
  if (!s.bad.empty()) std::cout << ", " << s.bad.size() << " bad records left out";
  if (s.orphans) std::cout << ", " << s.orphans << " records of runs not in the plan left out";
  std::cout << "\n";
  return s.bad.empty() ? 0 : 1;
}

}  // namespace quantlab::cli
