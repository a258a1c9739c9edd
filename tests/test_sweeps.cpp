// Sweeps at cluster scale: shards, status, regression checks, and reliability under kill -9
// and a full disk, all through the command line.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"
#include "experiments/results_table.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using namespace quantlab;
using namespace quantlab::testing;

namespace {

const char* kSweep = R"(name: sweep
datasets:
  - {name: g, synthetic: {distribution: gaussian, n: 3000, seed: 1}}
  - {name: t, synthetic: {distribution: student_t, n: 3000, seed: 2, nu: 3}}
algorithms:
  - {name: uniform, mode: [minmax, optimal_step]}
  - kmeans
  - optimal
bits: [1, 2, 3]
seeds: [0, 1]
)";  // 2 x (2x3 + 3x2 + 3) = 30 runs

std::string check_line(const Result& r) {
  const auto at = r.output.rfind("check ");
  return at == std::string::npos ? r.output : r.output.substr(at);
}

// Changes one value of a merged results file (written anew, so that its checksum holds).
void perturb(const std::string& file, const std::string& column, std::size_t row, double factor) {
  Distributions d;
  ResultsTable t = read_results(file, &d);
  t.numbers.at(column).at(row) *= factor;
  write_results(file, t, d);
}

}  // namespace

TEST_CASE("any shard split gives the records of one unsharded run, bit for bit") {
  Sandbox whole;
  whole.write("sweep.yaml", kSweep);
  REQUIRE(whole.quantlab("run sweep.yaml --threads 2").status == 0);
  REQUIRE(whole.quantlab("merge sweep.yaml").status == 0);
  for (std::size_t shards : {1, 2, 3, 7, 50}) {
    Sandbox split;
    split.write("sweep.yaml", kSweep);
    for (std::size_t i = 0; i < shards; ++i) {
      const Result r = split.quantlab("run sweep.yaml --threads 1 --shard " + std::to_string(i) +
                                      "/" + std::to_string(shards));
      REQUIRE_MESSAGE(r.status == 0, r.output);
    }
    CHECK(split.records("sweep") == 30);
    REQUIRE(split.quantlab("merge sweep.yaml").status == 0);
    const Result c = split.quantlab("check results/sweep.h5 --against " +
                                    whole.path("results/sweep.h5") + " --rtol 0 --atol 0");
    CHECK_MESSAGE(c.status == 0, c.output);
    CHECK(check_line(c).rfind("check passed: 30 runs", 0) == 0);
  }
  Sandbox env;
  env.write("sweep.yaml", kSweep);
  const Result r = env.quantlab("run sweep.yaml --shard-from-env");
  CHECK(r.status == 2);
  CHECK(r.output.find("SLURM_ARRAY_TASK_ID") != std::string::npos);
  const Result task = env.quantlab("run sweep.yaml --shard-from-env",
                                   "SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=4");
  CHECK(task.output.find("sweep shard 1/4: 8 runs: 8 done") != std::string::npos);
  // A sweep split over several arrays: the offset and the shard count come from quantlab.
  const Result chunk =
      env.quantlab("run sweep.yaml --shard-from-env",
                   "SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_COUNT=3 QUANTLAB_SHARDS=6 "
                   "QUANTLAB_SHARD_OFFSET=3");
  CHECK(chunk.output.find("sweep shard 5/6: 5 runs: 2 done, 3 already recorded") !=
        std::string::npos);
  CHECK(env.quantlab("run sweep.yaml --shard 4/4").status == 2);
}

TEST_CASE(
    "a shard reads the optimum reference from another shard's records instead of redoing it") {
  Sandbox box;
  box.write("o.yaml",
            "name: o\ndatasets:\n  - {name: g, synthetic: {distribution: gaussian, n: 3000}}\n"
            "algorithms: [optimal, uniform]\nbits: [1, 2]\n");
  // Plan order: optimal K=2, optimal K=4, uniform K=2, uniform K=4. Shard 0 of 3 holds the
  // first and the last; shards 1 and 2 each need a reference that shard 0 recorded.
  REQUIRE(box.quantlab("run o.yaml --shard 0/3").status == 0);
  // Shard 0's records, with the optimum they hold doubled: a later shard that reads them
  // (rather than computing the optimum again) shows it.
  const std::size_t rewritten = box.rewrite_records("o", [](RunRecord& r) {
    r.numbers.at("sse_optimal") *= 2;
    return true;
  });
  REQUIRE(rewritten == 2);
  REQUIRE(box.quantlab("run o.yaml --shard 1/3").status == 0);
  REQUIRE(box.quantlab("run o.yaml --shard 2/3").status == 0);
  REQUIRE(box.quantlab("merge o.yaml").status == 0);
  const ResultsTable t = read_results(box.path("results/o.h5"));
  auto row = [&](const std::string& algorithm, double K) {
    for (std::size_t i = 0; i < t.rows; ++i)
      if (t.text.at("algorithm")[i] == algorithm && t.numbers.at("levels_requested")[i] == K)
        return i;
    FAIL("no row");
    return std::size_t{0};
  };
  const auto& sse = t.numbers.at("sse");
  const auto& reference = t.numbers.at("sse_optimal");
  // Shard 2's uniform K=2 graded against shard 0's optimal K=2 record; shard 1's optimal K=4
  // against shard 0's uniform K=4 record (before its own result: the first one offered counts).
  CHECK(reference[row("uniform", 2)] == 2 * sse[row("optimal", 2)]);
  CHECK(reference[row("optimal", 4)] == reference[row("uniform", 4)]);
  CHECK(reference[row("optimal", 4)] == 2 * sse[row("optimal", 4)]);
  CHECK(t.numbers.at("gap_to_optimal")[row("optimal", 4)] == doctest::Approx(-0.5));
}

TEST_CASE("status counts done, failed and missing runs and names the shards with work") {
  Sandbox box;
  box.write("sweep.yaml", kSweep);
  REQUIRE(box.quantlab("run sweep.yaml --shard 0/3").status == 0);
  Result s = box.quantlab("status sweep.yaml --shards 3");
  CHECK(s.output.find("30 runs: 10 done, 0 failed, 20 missing") != std::string::npos);
  CHECK(s.output.find("2 of 3 shards have work: --array=1,2") != std::string::npos);
  s = box.quantlab("status sweep.yaml --shards 30");
  CHECK(s.output.find("--array=1,2,4,5,7,8,10,11,13,14,16,17,19,20,22,23,25,26,28,29") !=
        std::string::npos);
  REQUIRE(box.quantlab("run sweep.yaml").status == 0);
  CHECK(box.quantlab("status sweep.yaml --shards 3").output.find("no shard has work left") !=
        std::string::npos);

  // Failed runs count as work only with --rerun-failed (see test_cli for why this fails).
  Sandbox fail;
  Tensor ramp;
  ramp.name = "ramp";
  ramp.shape = {1000};
  ramp.values = arma::regspace<arma::vec>(0, 999);
  write_dataset_file(fail.path("ramp.h5"), {ramp});
  fail.write("fail.yaml",
             "name: fail\ndatasets: [{name: ramp, file: ramp.h5}]\n"
             "algorithms: [{name: optimal, max_memory_mb: 1}]\nlevels: [4, 700]\n");
  const Result first = fail.quantlab("run fail.yaml");
  CHECK(first.status == 1);
  // The failed run itself is named at the end, with its message, not only counted.
  CHECK_MESSAGE(first.output.find("quantlab: run 1 ") != std::string::npos, first.output);
  CHECK(first.output.find("(optimal(max_memory_mb=1)) failed: optimal: K = 700") !=
        std::string::npos);
  CHECK(fail.quantlab("status fail.yaml --shards 2")
            .output.find("1 done, 1 failed, 0 missing\nno shard") != std::string::npos);
  CHECK(fail.quantlab("status fail.yaml --shards 2 --rerun-failed").output.find("--array=1") !=
        std::string::npos);
  CHECK(fail.quantlab("run fail.yaml").output.find("0 done, 2 already recorded, 0 failed") !=
        std::string::npos);
  const Result rerun = fail.quantlab("run fail.yaml --rerun-failed --progress-every 1e-9");
  CHECK(rerun.output.find("0 done, 1 already recorded, 1 failed") != std::string::npos);
  // Not on a terminal: a progress line (here after every run), failures counted in it.
  CHECK_MESSAGE(rerun.output.find("1/1 runs, 1 failed  ") != std::string::npos, rerun.output);
}

TEST_CASE("check passes on identical results and fails on a perturbed, missing or extra run") {
  Sandbox box;
  box.write("sweep.yaml", kSweep);
  REQUIRE(box.quantlab("run sweep.yaml").status == 0);
  REQUIRE(box.quantlab("merge sweep.yaml").status == 0);
  fs::copy_file(box.path("results/sweep.h5"), box.path("reference.h5"));
  Result c = box.quantlab("check results/sweep.h5 --against reference.h5");
  CHECK(c.status == 0);
  CHECK(check_line(c).rfind("check passed: 30 runs and ", 0) == 0);
  CHECK(check_line(c).find("values compared, 0 differ, 0 missing, 0 extra\n") != std::string::npos);

  // A metric off by 1e-6 relative: a regression at the default tolerance, not at rtol 1e-5.
  perturb(box.path("results/sweep.h5"), "mse", 4, 1 + 1e-6);
  c = box.quantlab("check results/sweep.h5 --against reference.h5");
  CHECK(c.status == 1);
  CHECK(c.output.find("| mse |") != std::string::npos);
  CHECK(check_line(c).rfind("check FAILED: 30 runs and ", 0) == 0);
  CHECK(check_line(c).find("values compared, 1 differ, 0 missing, 0 extra") != std::string::npos);
  CHECK(box.quantlab("check results/sweep.h5 --against reference.h5 --rtol mse=1e-5").status == 0);
  CHECK(box.quantlab("check results/sweep.h5 --against reference.h5 --ignore mse").status == 0);
  // The other direction: the reference is the perturbed one.
  CHECK(box.quantlab("check reference.h5 --against results/sweep.h5").status == 1);

  // A missing run (its record deleted before merging), and the same seen from the other side.
  const std::string victim = box.drop_record("sweep");
  REQUIRE(box.quantlab("merge sweep.yaml").status == 0);
  c = box.quantlab("check results/sweep.h5 --against reference.h5");
  CHECK(c.status == 1);
  CHECK(c.output.find("missing run: " + victim) != std::string::npos);
  c = box.quantlab("check reference.h5 --against results/sweep.h5");
  CHECK(c.status == 1);
  CHECK(c.output.find("extra run (not in the reference): " + victim) != std::string::npos);
}

TEST_CASE("kill -9 at random points, then resume: nothing lost, corrupted or duplicated") {
  const char* config = R"(name: crash
datasets:
  - {name: g, synthetic: {distribution: gaussian, n: 400000, seed: 1}}
  - {name: l, synthetic: {distribution: laplace, n: 400000, seed: 2}}
algorithms:
  - {name: uniform, mode: optimal_step}
  - kmeans
  - optimal
bits: [1, 2, 3, 4, 5, 6]
seeds: [0, 1]
repeat: 2
)";  // 2 x (6 + 12 + 6) = 48 runs, several seconds in all
  Sandbox reference, box;
  reference.write("crash.yaml", config);
  box.write("crash.yaml", config);
  REQUIRE(reference.quantlab("run crash.yaml --threads 2").status == 0);
  REQUIRE(reference.quantlab("merge crash.yaml").status == 0);

  Generator g(2026);
  int interrupted = 0;
  std::size_t after_first_kill = 0;
  for (int attempt = 0; attempt < 4; ++attempt) {
    // Start the sweep, kill it without warning after a random delay.
    const std::string bin = std::getenv("QUANTLAB_BIN");
    const std::string start = "cd " + box.dir.string() + " && (" + bin +
                              " run crash.yaml --threads 2 > /dev/null 2>&1 & echo $! > pid)";
    REQUIRE(std::system(start.c_str()) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + g.below(1200)));
    std::ifstream pid_file(box.path("pid"));
    int pid = 0;
    pid_file >> pid;
    interrupted += ::kill(pid, SIGKILL) == 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::waitpid(pid, nullptr, WNOHANG);
    if (attempt == 0) after_first_kill = box.records("crash");
  }
  CHECK(interrupted > 0);
  CHECK(after_first_kill < 48);  // the sweep was cut short
  const Result resumed = box.quantlab("run crash.yaml --threads 2");
  CHECK_MESSAGE(resumed.status == 0, resumed.output);
  CHECK(box.records("crash") == 48);
  // Leftover temporary files of the killed processes are gone; only record logs remain, and
  // they hold no damage (a frame torn by a kill is only ever a log's last).
  for (const auto& entry : fs::directory_iterator(box.dir / "results/crash/runs"))
    CHECK(entry.path().extension() == ".records");
  CHECK(index_records((box.dir / "results/crash/runs").string(), "crash").bad.empty());
  REQUIRE(box.quantlab("merge crash.yaml").status == 0);
  const Result c = box.quantlab("check results/crash.h5 --against " +
                                reference.path("results/crash.h5") + " --rtol 0 --atol 0");
  CHECK_MESSAGE(c.status == 0, c.output);
}

TEST_CASE("a full disk fails the sweep with a clear message and leaves no partial record") {
  Sandbox box;
  box.write("sweep.yaml", kSweep);
  // A file-size limit of 4 KiB makes every record write fail as on a full disk (EFBIG);
  // quantlab ignores SIGXFSZ itself, so the limit's signal does not kill it.
  const std::string bin = std::getenv("QUANTLAB_BIN");
  const std::string command = "cd " + box.dir.string() + " && bash -c 'ulimit -f 8; " + bin +
                              " run sweep.yaml --out full --threads 1' > out.txt 2>&1";
  const int status = std::system(command.c_str());
  CHECK(WEXITSTATUS(status) == 1);
  std::ifstream in(box.path("out.txt"));
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK_MESSAGE(output.rfind("quantlab: error: cannot write ", 0) == 0, output);
  CHECK_MESSAGE(output.find("(the file size limit, ulimit -f)") != std::string::npos, output);
  CHECK(std::count(output.begin(), output.end(), '\n') == 1);
  // The records written before the limit are whole; the one that hit it left nothing.
  const RecordIndex index = index_records((box.dir / "full/sweep/runs").string(), "sweep");
  CHECK(index.bad.empty());
  CHECK(index.unfinished == 0);
  CHECK(index.runs.size() < 30);
}

TEST_CASE("leftover temporary files of dead writers are removed by the next merge and make") {
  Sandbox box;
  box.write("sweep.yaml", kSweep);
  REQUIRE(box.quantlab("run sweep.yaml --threads 2").status == 0);
  // A pid that no process holds: a child that has exited and been reaped.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  struct stat ns;
  REQUIRE(::stat("/proc/self/ns/pid", &ns) == 0);
  const std::string here = ".tmp." + std::string(host) + "." + std::to_string(ns.st_ino) + ".";
  const std::string dead = here + std::to_string(child) + ".0123";
  const std::string alive = here + std::to_string(::getpid()) + ".4";
  // A writer in another pid namespace (a container sharing the host's name): its pid says
  // nothing here, so only its lock and its age count.
  const std::string elsewhere = ".tmp." + std::string(host) + ".1." + std::to_string(child);
  for (const std::string& name :
       {"results/sweep.h5" + dead, "results/sweep.h5" + alive, "d.h5" + dead,
        "results/x.h5" + elsewhere + ".5", "results/x.h5" + elsewhere + ".6",
        "results/x.h5" + elsewhere + ".7", std::string("results/model.tmp.h5")})
    box.write(name, "partial");
  const auto age = [&](const std::string& name) {
    const struct timespec old[2] = {{std::time(nullptr) - 120, 0}, {std::time(nullptr) - 120, 0}};
    REQUIRE(::utimensat(AT_FDCWD, box.path(name).c_str(), old, 0) == 0);
  };
  age("results/x.h5" + elsewhere + ".6");
  age("results/x.h5" + elsewhere + ".7");
  age("results/model.tmp.h5");
  // .7 is still being written: its writer holds the lock.
  const int writing = ::open(box.path("results/x.h5" + elsewhere + ".7").c_str(), O_RDWR);
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  REQUIRE(::fcntl(writing, F_OFD_SETLK, &lock) == 0);

  REQUIRE(box.quantlab("merge sweep.yaml").status == 0);
  ::close(writing);
  CHECK(!fs::exists(box.path("results/sweep.h5" + dead)));
  CHECK(fs::exists(box.path("results/sweep.h5" + alive)));          // a live writer's is kept
  CHECK(fs::exists(box.path("results/x.h5" + elsewhere + ".5")));   // young: may be starting
  CHECK(!fs::exists(box.path("results/x.h5" + elsewhere + ".6")));  // old and unlocked
  CHECK(fs::exists(box.path("results/x.h5" + elsewhere + ".7")));   // locked
  CHECK(fs::exists(box.path("results/model.tmp.h5")));              // not a temporary name
  const Result made =
      box.quantlab("dataset make --name d --distribution gaussian --n 100 --out d.h5");
  REQUIRE_MESSAGE(made.status == 0, made.output);
  CHECK(!fs::exists(box.path("d.h5" + dead)));
}

TEST_CASE("equal importance weights, whatever their value, give exactly the unweighted runs") {
  Sandbox box;
  Generator g(5);
  Tensor t;
  t.name = "w";
  t.dtype = DType::float64;
  t.shape = {300};
  t.values.set_size(300);
  for (double& v : t.values) v = g.laplace();
  Tensor w = t;
  w.name = "importance/equal/w";
  w.values.fill(0.3);  // 0.3 is not a power of two: unnormalised, sums of it round
  write_dataset_file(box.path("d.h5"), {t, w});
  box.write("eq.yaml",
            "name: eq\ndatasets: [{name: d, file: d.h5}]\n"
            "algorithms: [kmeans, optimal, {name: ecsq, lambda: 0.05}, ls2]\n"
            "bits: [2]\nweights: [none, equal]\n");
  REQUIRE(box.quantlab("run eq.yaml").status == 0);
  REQUIRE(box.quantlab("merge eq.yaml").status == 0);
  Distributions d;
  const ResultsTable r = read_results(box.path("results/eq.h5"), &d);
  REQUIRE(r.rows == 8);
  std::size_t pairs = 0;
  for (std::size_t a = 0; a < r.rows; ++a)
    for (std::size_t b = 0; b < r.rows; ++b) {
      if (r.text.at("algorithm")[a] != r.text.at("algorithm")[b] ||
          r.text.at("weights")[a] != "none" || r.text.at("weights")[b] != "equal")
        continue;
      ++pairs;
      CAPTURE(r.text.at("algorithm")[a]);
      CHECK(r.numbers.at("mse")[a] == r.numbers.at("mse")[b]);
      CHECK(r.numbers.at("mse_optimal")[a] == r.numbers.at("mse_optimal")[b]);
      CHECK(d.at(r.text.at("run_id")[a]).at("codebook") ==
            d.at(r.text.at("run_id")[b]).at("codebook"));
    }
  CHECK(pairs == 4);
}

TEST_CASE("at K beyond the distinct values the optimum is exactly zero, as the optimal run's") {
  Sandbox box;
  Tensor t;
  t.name = "w";
  t.dtype = DType::float64;
  t.shape = {2, 6};  // per row: 3 and 2 distinct values, each repeated (means of copies round)
  t.values = {0.1, 0.1, 0.1, 0.7, 0.7, -3.3, 1.1, 1.1, 1.1, 0.3, 0.3, 0.3};
  write_dataset_file(box.path("d.h5"), {t});
  // optimal last: the others' reference is not its record but the zero answered at once.
  box.write("k.yaml",
            "name: k\ndatasets: [{name: d, file: d.h5}]\n"
            "algorithms: [kmeans, uniform, optimal]\nlevels: [3, 4, 16]\nseeds: [0]\n"
            "granularity: [tensor, row]\n");
  REQUIRE(box.quantlab("run k.yaml").status == 0);
  REQUIRE(box.quantlab("merge k.yaml").status == 0);
  const ResultsTable r = read_results(box.path("results/k.h5"));
  std::size_t zero = 0;
  for (std::size_t i = 0; i < r.rows; ++i) {
    CAPTURE(r.text.at("label")[i]);
    CAPTURE(r.text.at("granularity")[i]);
    CAPTURE(r.numbers.at("levels_requested")[i]);
    const bool enough = r.numbers.at("levels_requested")[i] >= 16 ||
                        (r.text.at("granularity")[i] == "axis=0");  // 3 and 2 per row
    if (!enough) continue;
    ++zero;
    CHECK(r.numbers.at("sse_optimal")[i] == 0.0);
    if (r.text.at("algorithm")[i] == "optimal") {
      CHECK(r.numbers.at("sse")[i] == 0.0);
      CHECK(r.numbers.at("gap_to_optimal")[i] == 0.0);
    }
  }
  CHECK(zero == 3 * 4);  // 3 algorithms x (K = 16 on the tensor, every K per row)
}

TEST_CASE("a second run of a sweep (or of the same shard) exits naming the one that holds it") {
  Sandbox box;
  box.write("sweep.yaml", kSweep);
  fs::create_directories(box.dir / "results/sweep");
  const std::string lock = box.path("results/sweep/run.lock");
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const std::string holder = "pid 4242 on elsewhere\n";
  REQUIRE(::write(fd, holder.data(), holder.size()) == static_cast<ssize_t>(holder.size()));
  const Result second = box.quantlab("run sweep.yaml");
  CHECK(second.status == 1);
  CHECK_MESSAGE(
      second.output.find("another quantlab run of this sweep works in") != std::string::npos,
      second.output);
  CHECK(second.output.find("pid 4242 on elsewhere") != std::string::npos);
  CHECK(box.records("sweep") == 0);
  // Another shard has a lock of its own; the unsharded run goes once the holder is gone.
  CHECK(box.quantlab("run sweep.yaml --shard 0/2").status == 0);
  ::close(fd);
  const Result first = box.quantlab("run sweep.yaml");
  CHECK_MESSAGE(first.status == 0, first.output);
}

TEST_CASE("a dataset file's tensor whose name is not UTF-8 is one error naming the file") {
  Sandbox box;
  Tensor t;
  t.name =
      "ab\xff"
      "c";
  t.shape = {4};
  t.values = {1, 2, 3, 4};
  write_dataset_file(box.path("d.h5"), {t});
  box.write("u.yaml",
            "name: u\ndatasets: [{name: d, file: d.h5}]\nalgorithms: [uniform]\n"
            "bits: [1]\n");
  for (const char* command : {"plan u.yaml", "run u.yaml"}) {
    const Result r = box.quantlab(command);
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.output.find("d.h5 holds a tensor whose name is not UTF-8 text (byte 0xFF at "
                                "byte 3, after 'ab'): rename it") != std::string::npos,
                  r.output);
  }
}
