#include "experiments/runner.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "datasets/hdf5_io.hpp"
#include "experiments/plan_file.hpp"
#include "experiments/provenance.hpp"
#include "experiments/run_record.hpp"
#include "experiments/run_stages.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string format_seconds(double s) {
  char buffer[32];
  if (s < 60)
    std::snprintf(buffer, sizeof buffer, "%.1fs", s);
  else
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", static_cast<int>(s) / 60,
                  static_cast<int>(s) % 60);
  return buffer;
}

}  // namespace

RecordState record_state(const std::string& record) {
  std::error_code error;
  if (!fs::exists(fs::symlink_status(record, error))) return {RunState::missing, ""};
  try {
    return {read_run_record(record).text.at("status") == "ok" ? RunState::done : RunState::failed,
            ""};
  } catch (const std::exception& e) {
    return {RunState::bad, e.what()};
  }
}

std::string runs_folder(const std::string& out, const std::string& sweep) {
  return (fs::path(out) / sweep / "runs").string();
}

std::string record_path(const std::string& out, const std::string& sweep, const std::string& id) {
  return (fs::path(runs_folder(out, sweep)) / (id + ".h5")).string();
}

void prepare_output(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || ::access(folder.c_str(), W_OK) != 0)
    throw std::runtime_error("the results folder " + folder + " is not writable" +
                             (error ? " (" + error.message() + ")" : ""));
  hdf5::remove_dead_temporaries(folder);
}

RunSummary run_plan(const Plan& plan, const RunnerOptions& options) {
  const std::string folder = runs_folder(options.out, plan.config.name);
  prepare_output(folder);
  const int blas_threads = pin_blas_to_one_thread();

  const SavedPlan saved = saved_plan(plan);
  write_plan_file(options.out, saved);

  RunSummary summary;
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (!in_shard(i, options.shard, options.shards)) continue;
    ++summary.total;
    const RecordState s = record_state(record_path(options.out, plan.config.name, plan.runs[i].id));
    if (s.state == RunState::bad) summary.bad_records.push_back(s.problem);
    if (s.state == RunState::done || (s.state == RunState::failed && !options.rerun_failed))
      ++summary.skipped;
    else
      todo.push_back(i);
  }

  OptimumCache optima;
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards summary, fatal and the progress line
  std::string fatal;
  const auto started = Clock::now();
  const std::size_t threads = std::max<std::size_t>(1, std::min(options.threads, todo.size()));

  auto worker = [&] {
    for (;;) {
      const std::size_t k = next++;
      if (k >= todo.size()) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!fatal.empty()) return;
      }
      const PlannedRun& run = plan.runs[todo[k]];
      RunRecord record = identity_record(plan, run);
      record.provenance = static_provenance();
      record.provenance["threads"] = std::to_string(threads);
      record.provenance["blas_threads"] = std::to_string(blas_threads);
      record.provenance["start_time"] = utc_now();
      record.provenance["config_sha256"] = saved.config_sha256;
      try {
        measure_run(plan, run, optima, record);
        record.text["status"] = "ok";
        record.text["error"] = "";
      } catch (const std::exception& e) {
        record.text["status"] = "failed";
        record.text["error"] = e.what();
      }
      record.provenance["end_time"] = utc_now();
      try {
        write_run_record(record_path(options.out, plan.config.name, run.id), record);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (fatal.empty()) fatal = e.what();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      (record.text["status"] == "ok" ? summary.succeeded : summary.failed)++;
      if (options.progress) {
        const std::size_t done = summary.succeeded + summary.failed;
        const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
        const double eta =
            elapsed / static_cast<double>(done) * static_cast<double>(todo.size() - done);
        std::fprintf(stderr, "\r%zu/%zu runs  elapsed %s  eta %s   ", done, todo.size(),
                     format_seconds(elapsed).c_str(), format_seconds(eta).c_str());
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (options.progress && !todo.empty()) std::fprintf(stderr, "\n");
  if (!fatal.empty()) throw std::runtime_error(fatal);
  return summary;
}

}  // namespace quantlab
