#include "experiments/runner.hpp"

#include <H5Cpp.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <system_error>
#include <thread>

#include "datasets/temporary_files.hpp"
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

std::string runs_folder(const std::string& out, const std::string& sweep) {
  return (fs::path(out) / sweep / "runs").string();
}

// Held while a `run` of one shard of a sweep works in its folder, so that a second one exits
// naming the first instead of doing the same work (and cleaning its temporary files). flock:
// the kernel releases it when its holder dies, however it dies. Different shards of one sweep
// (a Slurm array) run at once, each under its own lock.
class SweepLock {
 public:
  SweepLock(const std::string& folder, std::size_t shard, std::size_t shards) {
    // Beside the runs folder, not in it (the runs folder holds records alone).
    const std::string name =
        shards > 1 ? "run." + std::to_string(shard) + "-of-" + std::to_string(shards) + ".lock"
                   : "run.lock";
    path_ = (fs::path(folder).parent_path() / name).string();
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char holder[256] = {};
      const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
      ::close(fd_);
      std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
      while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
      throw std::runtime_error("another quantlab run of this sweep works in " + folder + " (" +
                               (who.empty() ? "holder unknown" : who) + ", lock " + path_ +
                               "): wait for it to finish or stop it");
    }
    char host[128] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    const std::string me = "pid " + std::to_string(::getpid()) + " on " + host + "\n";
    // The holder's name only feeds a second run's message: failing to write it is harmless.
    const bool named = ::ftruncate(fd_, 0) == 0 &&
                       ::pwrite(fd_, me.data(), me.size(), 0) == static_cast<ssize_t>(me.size());
    static_cast<void>(named);
  }
  ~SweepLock() { ::close(fd_); }  // releases the lock
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

void prepare_output(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || ::access(folder.c_str(), W_OK) != 0)
    throw std::runtime_error("the results folder " + folder + " is not writable" +
                             (error ? " (" + error.message() + ")" : ""));
  remove_dead_temporaries(folder);
}

namespace {

// Set by SIGINT while a sweep runs: the workers take no new run.
volatile std::sig_atomic_t interrupt_requested = 0;

void on_interrupt(int) {
  interrupt_requested = 1;
  std::signal(SIGINT, SIG_DFL);  // a second Ctrl-C kills, as usual
}

// SIGINT handled for the lifetime of the object, the previous handling restored after.
class InterruptGuard {
 public:
  explicit InterruptGuard(bool active) : active_(active) {
    interrupt_requested = 0;
    if (active_) previous_ = std::signal(SIGINT, on_interrupt);
  }
  ~InterruptGuard() {
    if (active_) std::signal(SIGINT, previous_);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  bool active_;
  void (*previous_)(int) = SIG_DFL;
};

// The optimum references already in the records (of earlier runs, or of other shards that
// have finished) for the data, K and weights of the runs to do: each is computed once a
// sweep, not once a shard or a session.
void reuse_recorded_optima(const Plan& plan, const std::vector<std::size_t>& todo,
                           const RecordIndex& recorded, std::size_t threads, OptimumCache& optima) {
  std::set<std::string> needed;
  for (const std::size_t i : todo)
    needed.insert(optimum_key(plan.tensors[plan.runs[i].tensor], plan.runs[i]));
  // Every recorded run of a needed reference, in plan order; the first whose record holds it
  // (a trained network's or a format-2 record does not) serves.
  std::map<std::string, std::vector<std::string>> candidates;
  for (const PlannedRun& run : plan.runs) {
    if (recorded.state(run.id) != RunState::done) continue;
    const std::string key = optimum_key(plan.tensors[run.tensor], run);
    if (needed.count(key)) candidates[key].push_back(run.id);
  }
  for (const auto& [key, ids] : candidates)
    for (const std::string& id : ids) {
      const RunRecord r = recorded.read({id}, threads)[0];
      auto it = r.numbers.find("sse_optimal");
      if (it != r.numbers.end() && std::isfinite(it->second)) {
        optima.offer(key, it->second);
        break;
      }
    }
}

}  // namespace

RunSummary run_plan(const Plan& plan, const RunnerOptions& options) {
  const std::string folder = runs_folder(options.out, plan.config.name);
  prepare_output(folder);
  const SweepLock lock(folder, options.shard, options.shards);
  const int blas_threads = pin_blas_to_one_thread();

  const SavedPlan saved = saved_plan(plan);
  write_plan_file(options.out, saved);

  RunSummary summary;
  const RecordIndex recorded = index_records(folder, plan.config.name);
  summary.bad_records = recorded.bad;
  summary.notes = recorded.notes;
  summary.repaired_logs = repair_logs(recorded);
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (!in_shard(i, options.shard, options.shards)) continue;
    ++summary.total;
    const RunState s = recorded.state(plan.runs[i].id);
    if (s == RunState::done || (s == RunState::failed && !options.rerun_failed))
      ++summary.skipped;
    else
      todo.push_back(i);
  }

  OptimumCache optima;
  reuse_recorded_optima(plan, todo, recorded, options.threads, optima);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards summary, fatal and the progress line
  std::string fatal;
  const auto started = Clock::now();
  auto last_line = started;
  const InterruptGuard interrupts(options.stop_on_interrupt);
  const std::size_t threads = std::max<std::size_t>(1, std::min(options.threads, todo.size()));
  std::map<std::string, std::string> shared = static_provenance();
  shared["threads"] = std::to_string(threads);
  shared["blas_threads"] = std::to_string(blas_threads);
  shared["config_sha256"] = saved.config_sha256;
  std::optional<RecordLogWriter> log;
  if (!todo.empty()) log.emplace(folder, plan.config.name, shared);

  auto worker = [&] {
    H5::Exception::dontPrint();  // per thread in a thread-safe HDF5: failures are one line
    for (;;) {
      const std::size_t k = next++;
      if (k >= todo.size()) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!fatal.empty()) return;
        if (interrupt_requested) {
          summary.interrupted = true;
          return;
        }
      }
      const PlannedRun& run = plan.runs[todo[k]];
      RunRecord record = identity_record(plan, run);
      record.provenance["start_time"] = utc_now();
      StageSeconds seconds;
      MeasureOptions measure;
      measure.seconds = &seconds;
      try {
        measure_run(plan, run, optima, record, measure);
        record.text["status"] = "ok";
        record.text["error"] = "";
      } catch (const std::exception& e) {
        record.text["status"] = "failed";
        record.text["error"] = e.what();
      }
      record.provenance["end_time"] = utc_now();
      const auto writing = Clock::now();
      try {
        log->append(record);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex);
        if (fatal.empty()) fatal = e.what();
        return;
      }
      const auto written = Clock::now();
      std::lock_guard<std::mutex> lock(mutex);
      summary.seconds.measure += seconds.measure;
      summary.seconds.optimum += seconds.optimum;
      summary.record_seconds += std::chrono::duration<double>(written - writing).count();
      summary.wall_seconds = std::chrono::duration<double>(written - started).count();
      const bool ok = record.text["status"] == "ok";
      (ok ? summary.succeeded : summary.failed)++;
      if (!ok) summary.failures.push_back({todo[k], run.id, run.label, record.text["error"]});
      const auto now = Clock::now();
      const bool line_due =
          options.progress_every > 0 &&
          std::chrono::duration<double>(now - last_line).count() >= options.progress_every;
      if (options.progress || line_due) {
        last_line = now;
        const std::size_t done = summary.succeeded + summary.failed;
        const double elapsed = std::chrono::duration<double>(now - started).count();
        const double rate = static_cast<double>(done) / std::max(elapsed, 1e-9);
        const double eta = static_cast<double>(todo.size() - done) / rate;
        char failed[32] = "";
        if (summary.failed) std::snprintf(failed, sizeof failed, ", %zu failed", summary.failed);
        std::fprintf(stderr, "%s%zu/%zu runs%s  %.3g runs/s  elapsed %s  eta %s%s",
                     options.progress ? "\r" : "", done, todo.size(), failed, rate,
                     format_seconds(elapsed).c_str(), format_seconds(eta).c_str(),
                     options.progress ? "   " : "\n");
        std::fflush(stderr);
      }
    }
  };
  std::vector<std::thread> pool;
  try {
    for (std::size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  } catch (const std::system_error& e) {
    {  // the started workers stop after their current run; nothing is left half-written
      std::lock_guard<std::mutex> lock(mutex);
      fatal = "cannot start thread " + std::to_string(pool.size() + 1) + " of " +
              std::to_string(threads) + " (" + e.what() + "): run with fewer --threads";
    }
    for (auto& t : pool) t.join();
    throw std::runtime_error(fatal);
  }
  worker();
  for (auto& t : pool) t.join();
  if (options.progress && !todo.empty()) std::fprintf(stderr, "\n");
  if (!fatal.empty()) throw std::runtime_error(fatal);
  if (log) log->sync();
  std::sort(summary.failures.begin(), summary.failures.end(),
            [](const FailedRun& a, const FailedRun& b) { return a.index < b.index; });
  return summary;
}

}  // namespace quantlab
