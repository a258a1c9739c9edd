// The hostile suite, through the command line: for each class of bad input or fault, cases
// generated from a seed (not only known examples), each run as a separate quantlab process
// under an address-space limit and a timeout, and judged by an oracle independent of the
// code under test:
//   clean error   a non-zero exit and one "quantlab: error:" line naming the file, key,
//                 option or tensor at fault (or a run recorded failed with its message);
//   correct       accepted, and the numbers are what they must be (equal to the same case
//                 computed where it is well posed: data scaled by a power of two, weights
//                 equal or scaled, an uninterrupted sweep, the unmutated file);
//   silent wrong  accepted what must be refused, numbers that differ, a file written
//                 outside the results folder, a leftover or duplicated run;
//   unclear error refused, but with a bare library message or one that names nothing;
//   crash         a signal, a timeout, or an exit status that is not 0, 1 or 2.
// Prints the table; exits 1 when any case is silent wrong, unclear or a crash.
//
//   hostile QUANTLAB [--cases N] [--seed S] [--verbose] [--keep]
//
// N cases per class (the default suite runs a few; the note's table more). Every case is
// rebuilt from the seed, so a failure is replayed by the same command.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"
#include "tests/hostile/hostile_files.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;
namespace fs = std::filesystem;

namespace {

const std::size_t kMiB = std::size_t(1) << 20;

// ---- processes ------------------------------------------------------------------------

std::string quantlab_bin;

struct Limits {
  unsigned seconds = 60;
  std::size_t address_space = 2048 * kMiB;
  std::size_t file_size = 0;  ///< 0: no limit
};

struct Process {
  int code = -1;   ///< exit status, -1 when killed
  int signal = 0;  ///< the signal that killed it
  bool timed_out = false;
  std::string output;  ///< stdout and stderr
};

pid_t start(const fs::path& dir, const std::vector<std::string>& args, const Limits& limits,
            const fs::path& log) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  if (::chdir(dir.c_str()) != 0) ::_exit(126);
  const rlimit as{limits.address_space, limits.address_space};
  ::setrlimit(RLIMIT_AS, &as);
  if (limits.file_size) {
    const rlimit fsize{limits.file_size, limits.file_size};
    ::setrlimit(RLIMIT_FSIZE, &fsize);
  }
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, 1), ::dup2(fd, 2);
  ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
  std::vector<char*> argv{const_cast<char*>(quantlab_bin.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  const std::string why =
      std::string("hostile: cannot start ") + argv[0] + ": " + std::strerror(errno) + "\n";
  if (::write(2, why.data(), why.size()) < 0) ::_exit(127);
  ::_exit(127);
}

Process finish(pid_t pid, const Limits& limits, const fs::path& log) {
  Process p;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      p.timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status)) p.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) p.signal = WTERMSIG(status);
  std::ifstream in(log);
  p.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return p;
}

Process run(const fs::path& dir, const std::vector<std::string>& args, const Limits& limits = {}) {
  const fs::path log = dir / ".output";
  return finish(start(dir, args, limits, log), limits, log);
}

// ---- verdicts -------------------------------------------------------------------------

enum Verdict { kClean, kCorrect, kWrong, kUnclear, kCrash };
const char* const kVerdictNames[] = {"clean error", "correct", "silent wrong", "unclear error",
                                     "crash"};

struct Judged {
  Verdict verdict;
  std::string detail;
};

// Library messages that name nothing of the user's.
const char* const kBare[] = {
    "bad_alloc",  "map::at",      "stod",         "stoul",    "stoi", "stoll",
    "type_error", "out_of_range", "basic_string", "vector::", "H5G",  "H5D",
    "H5F",        "H5A",          "terminate",    "what():",  "std::"};

// A number as it would be typed: %g's digits, not std::to_string's fixed six decimals.
std::string shortest(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

std::string error_lines(const std::string& output) {
  std::string lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("quantlab: error: ", 0) == 0) lines += line + "\n";
  return lines;
}

bool is_bare(const std::string& message) {
  for (const char* b : kBare)
    if (message.find(b) != std::string::npos) return true;
  return false;
}

bool names_one_of(const std::string& message, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (!n.empty() && message.find(n) != std::string::npos) return true;
  return false;
}

// The process died, hung, or exited with a status quantlab never uses.
bool crashed(const Process& p, std::string& detail) {
  if (p.timed_out)
    detail = "timed out";
  else if (p.signal)
    detail = "killed by signal " + std::to_string(p.signal) + " (" + strsignal(p.signal) + ")";
  else if (p.code != 0 && p.code != 1 && p.code != 2)
    detail = "exit status " + std::to_string(p.code);
  else
    return false;
  detail += ": " + first_line(p.output);
  return true;
}

// What a case that must be refused gave: clean only with one error line naming one of `names`.
Judged refusal(const Process& p, const std::vector<std::string>& names) {
  std::string detail;
  if (crashed(p, detail)) return {kCrash, detail};
  if (p.code == 0) return {kWrong, "accepted: " + first_line(p.output)};
  const std::string errors = error_lines(p.output);
  if (errors.empty()) return {kUnclear, "no error line: " + first_line(p.output)};
  const std::string message = first_line(errors);
  if (std::count(errors.begin(), errors.end(), '\n') > 1)
    return {kUnclear, "several error lines: " + message};
  if (is_bare(message)) return {kUnclear, "bare: " + message};
  if (!names_one_of(message, names)) return {kUnclear, "names none of its inputs: " + message};
  return {kClean, message};
}

// ---- results, read through `report --format csv` (4 significant digits, as printed) ---

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"')
      fields.back() += '"', ++i;
    else if (c == '"')
      quoted = !quoted;
    else if (c == ',' && !quoted)
      fields.emplace_back();
    else
      fields.back() += c;
  }
  return fields;
}

struct Row {
  std::string status, error;
  std::map<std::string, std::string> metric;  ///< as printed
};

// key (the first `keys` row columns joined by '|') -> row; false when report fails.
bool read_rows(const fs::path& dir, const std::string& results, const std::string& keys,
               std::size_t key_count, std::map<std::string, Row>& rows, std::string& detail) {
  for (const std::string metric : {"gap_to_optimal", "mse"}) {
    const Process p = run(dir, {"report", results, "--rows", keys + ",status,error", "--cols",
                                "levels_requested", "--metric", metric, "--format", "csv"});
    if (p.code != 0) {
      detail = "report: " + first_line(p.output);
      return false;
    }
    // Tidy CSV: the row keys (status and error among them; any column report adds after
    // them), levels_requested, then metric, mean, std and count.
    std::istringstream in(p.output);
    for (std::string line; std::getline(in, line);) {
      const auto f = csv_fields(line);
      if (f.size() < key_count + 7 || f[f.size() - 4] == "metric") continue;
      std::string key;
      for (std::size_t k = 0; k < key_count; ++k) key += (k ? "|" : "") + f[k];
      Row& r = rows[key];
      r.status = f[key_count], r.error = f[key_count + 1];
      char printed[32];
      std::snprintf(printed, sizeof printed, "%.4g", std::strtod(f[f.size() - 3].c_str(), nullptr));
      r.metric[metric] = printed;
    }
  }
  return true;
}

// A sweep that was accepted: each run ok with the `expected` gap (and mse / `mse_scale`),
// or failed with a clean message.
Judged judge_runs(const std::map<std::string, Row>& rows,
                  const std::map<std::string, Row>& expected, double mse_scale) {
  if (rows.size() != expected.size())
    return {kWrong, std::to_string(rows.size()) + " runs where " + std::to_string(expected.size()) +
                        " were planned"};
  Judged worst{kCorrect, ""};
  for (const auto& [key, r] : rows) {
    const auto e = expected.find(key);
    if (e == expected.end()) return {kWrong, "an unexpected run " + key};
    if (r.status != "ok") {
      if (r.error.empty() || is_bare(r.error)) return {kUnclear, key + " failed: " + r.error};
      worst = {kClean, key + ": " + r.error};
      continue;
    }
    const std::string& gap = r.metric.at("gap_to_optimal");
    const double mse = std::strtod(r.metric.at("mse").c_str(), nullptr);
    const double want = std::strtod(e->second.metric.at("mse").c_str(), nullptr) * mse_scale;
    if (gap != e->second.metric.at("gap_to_optimal"))
      return {kWrong,
              key + ": gap_to_optimal " + gap + ", not " + e->second.metric.at("gap_to_optimal")};
    if (!std::isfinite(mse) || std::abs(mse - want) > 1e-3 * std::abs(want))
      return {kWrong, key + ": mse " + r.metric.at("mse") + " where " + std::to_string(want)};
  }
  return worst;
}

// Runs and merges the sweep of `config` in `dir`, then reads its rows.
bool sweep_rows(const fs::path& dir, const std::string& config, const std::string& sweep,
                const std::string& keys, std::size_t key_count, Process& ran,
                std::map<std::string, Row>& rows, std::string& detail) {
  ran = run(dir, {"run", config, "--threads", "1"});
  if (ran.code != 0 && ran.code != 1) return false;
  const Process merged = run(dir, {"merge", config});
  if (merged.code != 0) {
    detail = "merge: " + first_line(merged.output);
    return false;
  }
  return read_rows(dir, "results/" + sweep + ".h5", keys, key_count, rows, detail);
}

// A sweep that gave no table (sweep_rows false): it crashed, its merge or report failed
// (`detail`), it refused data it must take, or it refused them naming one of `names`.
Judged unfinished(const Process& ran, const std::string& detail, bool must_work,
                  const std::vector<std::string>& names) {
  std::string why;
  if (crashed(ran, why)) return {kCrash, why};
  if (!detail.empty()) return {kCrash, detail};
  if (must_work) return {kWrong, "refused well-scaled input: " + first_line(ran.output)};
  return refusal(ran, names);
}

// ---- the suite ------------------------------------------------------------------------

struct Tally {
  std::size_t counts[5] = {};
  std::size_t tried = 0;
};

struct Suite {
  int cases = 8;
  bool verbose = false;
  Generator g{1};
  TempDir root;
  bool keep = false;  ///< leave the cases' folders for a look
  int next_folder = 0;
  std::vector<std::string> classes;  // in the order they ran
  std::map<std::string, Tally> tally;
  std::vector<std::string> failures;

  // An IDX header for MNIST's training images, then 2 GiB of zeros, gzipped once (2 MiB).
  std::string bomb() {
    if (bomb_.empty()) {
      const std::string header = idx_file({60000, 28, 28}, 0);
      const std::string zeros(kMiB, '\0');
      z_stream z{};
      deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
      std::string chunk(kMiB, '\0');
      const auto feed = [&](const std::string& in, int flush) {
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z.avail_in = static_cast<uInt>(in.size());
        do {
          z.next_out = reinterpret_cast<Bytef*>(&chunk[0]);
          z.avail_out = static_cast<uInt>(chunk.size());
          deflate(&z, flush);
          bomb_.append(chunk.data(), chunk.size() - z.avail_out);
        } while (z.avail_out == 0);
      };
      feed(header, Z_NO_FLUSH);
      for (int i = 0; i < 2048; ++i) feed(zeros, i + 1 < 2048 ? Z_NO_FLUSH : Z_FINISH);
      deflateEnd(&z);
    }
    return bomb_;
  }
  std::string bomb_;

  fs::path folder() {
    const fs::path f = root.path / ("case" + std::to_string(next_folder++));
    fs::create_directories(f);
    return f;
  }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(g.below(n)); }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[pick(v.size())];
  }

  void count(const std::string& klass, const std::string& label, const Judged& j) {
    if (!tally.count(klass)) classes.push_back(klass);
    Tally& t = tally[klass];
    ++t.tried, ++t.counts[j.verdict];
    const std::string line =
        klass + " / " + label + ": " + kVerdictNames[j.verdict] + ": " + j.detail;
    if (j.verdict == kWrong || j.verdict == kUnclear || j.verdict == kCrash)
      failures.push_back(line);
    if (verbose) std::printf("%s\n", line.c_str()), std::fflush(stdout);
  }
};

void write_text(const fs::path& path, const std::string& text) {
  write_file(path.string(), text);
}

std::string yaml_quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

// A power of two: data and weights scaled by it give exactly the same quantizers (every
// rounding scales with it) as long as nothing overflows or underflows.
double power_of_two(int k) {
  return std::ldexp(1.0, k);
}

// ---- finite but extreme data -----------------------------------------------------------

const std::vector<std::string> kAnyLevels = {"uniform",   "kmeans",         "optimal",   "ecsq",
                                             "sparse_l1", "sparse_cluster", "sparse_l0", "gf",
                                             "ls2",       "kashin"};

std::string pick_algorithms(Suite& s, std::size_t k) {
  std::vector<std::string> all = kAnyLevels, chosen;
  while (chosen.size() < k) {
    const std::size_t i = s.pick(all.size());
    chosen.push_back(all[i]);
    all.erase(all.begin() + static_cast<long>(i));
  }
  std::string list;
  for (const auto& a : chosen) list += (list.empty() ? "" : ", ") + a;
  return "[" + list + "]";
}

void extreme_data(Suite& s) {
  const std::string klass = "finite but extreme data";
  for (int i = 0; i < s.cases; ++i) {
    // A third of the cases where every quantizer must work (|x| about 2^±300); the rest
    // anywhere a double reaches, subnormals included.
    const int k =
        i % 3 == 0 ? -300 + static_cast<int>(s.pick(601)) : -1074 + static_cast<int>(s.pick(2098));
    const std::string distribution =
        s.pick(std::vector<std::string>{"gaussian", "laplace", "uniform"});
    const std::string algorithms = pick_algorithms(s, 3);
    const std::uint64_t seed = s.g.below(1000);
    const auto config = [&](double scale) {
      char text[64];
      std::snprintf(text, sizeof text, "%.17g", scale);
      const std::string parameters = distribution == "gaussian" ? "std: " + std::string(text)
                                     : distribution == "laplace"
                                         ? "scale: " + std::string(text)
                                         : "low: -" + std::string(text) + ", high: " + text;
      return "name: x\ndatasets:\n  - name: g\n    synthetic: {distribution: " + distribution +
             ", n: 300, seed: " + std::to_string(seed) + ", " + parameters +
             "}\nalgorithms: " + algorithms + "\nlevels: [4]\nseeds: [3]\n";
    };
    const fs::path dir = s.folder();
    fs::create_directories(dir / "reference");
    write_text(dir / "reference/x.yaml", config(1.0));
    write_text(dir / "x.yaml", config(power_of_two(k)));
    const std::string label = distribution + " × 2^" + std::to_string(k) + " " + algorithms;
    Process ref_run, ran;
    std::map<std::string, Row> expected, rows;
    std::string detail;
    if (!sweep_rows(dir / "reference", "x.yaml", "x", "algorithm", 1, ref_run, expected, detail) ||
        ref_run.code != 0) {
      s.count(klass, label,
              {kCrash, "the unit-scale reference failed: " + first_line(ref_run.output) + detail});
      continue;
    }
    const bool must_work = std::abs(k) <= 300;
    if (!sweep_rows(dir, "x.yaml", "x", "algorithm", 1, ran, rows, detail)) {
      s.count(klass, label, unfinished(ran, detail, must_work, {"x.yaml", "'g'"}));
      continue;
    }
    const double scale = power_of_two(k);
    Judged j = judge_runs(rows, expected, scale * scale);
    if (must_work && j.verdict == kClean) j = {kWrong, "a well-scaled run failed: " + j.detail};
    s.count(klass, label, j);
  }
}

// ---- importance weights ------------------------------------------------------------------

void importance_weights(Suite& s) {
  const std::string klass = "importance weights";
  const std::vector<std::string> weighted = {"kmeans", "optimal", "ecsq", "ls2", "gf", "uniform"};
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    Tensor x;
    x.name = "x", x.shape = {200}, x.values.set_size(200);
    for (double& v : x.values) v = s.g.laplace();
    // equal: one value, any; spread: positive weights over 2^0..2^40; scaled: spread × 2^k.
    const int k =
        i % 3 == 0 ? -200 + static_cast<int>(s.pick(401)) : -1074 + static_cast<int>(s.pick(2098));
    const double c = 0.3 * power_of_two(k);
    Tensor equal = x, spread = x, scaled = x;
    equal.name = "importance/equal/x", spread.name = "importance/spread/x",
    scaled.name = "importance/scaled/x";
    equal.values.fill(c);
    for (std::size_t j = 0; j < 200; ++j) {
      spread.values[j] = std::ldexp(1.0 + s.g.uniform(), static_cast<int>(s.pick(41)));
      scaled.values[j] = spread.values[j] * power_of_two(k);
    }
    write_dataset_file((dir / "d.h5").string(), {x, equal, spread, scaled});
    const std::string algorithm = s.pick(weighted);
    write_text(dir / "w.yaml", "name: w\ndatasets: [{name: d, file: d.h5}]\nalgorithms: [" +
                                   algorithm +
                                   "]\nlevels: [4]\nweights: [none, equal, spread, scaled]\n");
    const std::string label = algorithm + ", weights 0.3 × 2^" + std::to_string(k);
    Process ran;
    std::map<std::string, Row> rows;
    std::string detail;
    const bool must_work = std::abs(k) <= 200;
    if (!sweep_rows(dir, "w.yaml", "w", "weights", 1, ran, rows, detail)) {
      s.count(klass, label,
              unfinished(ran, detail, must_work, {"d.h5", "importance/", "equal", "scaled"}));
      continue;
    }
    // Equal weights give the unweighted runs, scaled weights the spread ones.
    std::map<std::string, Row> expected = {{"none", rows["none"]},
                                           {"equal", rows["none"]},
                                           {"spread", rows["spread"]},
                                           {"scaled", rows["spread"]}};
    Judged j =
        rows["none"].status == "ok" && rows["spread"].status == "ok"
            ? judge_runs(rows, expected, 1.0)
            : Judged{kCrash, "a plain run failed: " + rows["none"].error + rows["spread"].error};
    if (must_work && j.verdict == kClean) j = {kWrong, "a well-scaled run failed: " + j.detail};
    s.count(klass, label, j);
  }
}

// ---- network data ----------------------------------------------------------------------

Tensor image_tensor(const std::string& name, std::vector<std::size_t> shape, Generator& g) {
  Tensor t;
  t.name = name, t.shape = shape, t.dtype = DType::float32;
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  t.values.set_size(n);
  for (double& v : t.values) v = static_cast<double>(g.below(256));
  return t;
}

Tensor label_tensor(const std::string& name, std::size_t n, Generator& g) {
  Tensor t;
  t.name = name, t.shape = {n}, t.dtype = DType::float32;
  t.values.set_size(n);
  for (double& v : t.values) v = static_cast<double>(g.below(10));
  return t;
}

std::vector<Tensor> valid_images(Generator& g) {
  return {image_tensor("train/images", {64, 28, 28}, g), label_tensor("train/labels", 64, g),
          image_tensor("test/images", {32, 28, 28}, g), label_tensor("test/labels", 32, g)};
}

const std::vector<std::string> kTrain = {"net",      "train", "--model", "lenet300",
                                         "--data",   "d.h5",  "--out",   "net.h5",
                                         "--epochs", "1",     "--batch", "16"};

void network_data(Suite& s, fs::path& trained) {
  const std::string klass = "network data";
  const double nan = std::nan(""), inf = INFINITY;
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    std::vector<Tensor> t = valid_images(s.g);
    const std::size_t split = s.pick(2) * 2;  // train or test
    const std::size_t kind = i == 0 ? 7 : s.pick(8);
    std::string label;
    if (kind == 0) {  // a label that is not a class
      const double v =
          s.pick(std::vector<double>{10, 11, 255, -1, -3, 1e9, 2.5, 0.5, nan, inf, -inf});
      t[split + 1].values[s.pick(t[split + 1].size())] = v;
      label = t[split + 1].name + " holds " + shortest(v);
    } else if (kind == 1) {  // images of another size
      std::size_t h = 28, w = 28;
      while (h == 28 && w == 28) h = 1 + s.pick(40), w = 1 + s.pick(40);
      t[split] = image_tensor(t[split].name, {t[split].shape[0], h, w}, s.g);
      label = t[split].name + " " + std::to_string(h) + " × " + std::to_string(w);
    } else if (kind == 2) {  // a pixel outside 0..255
      // (The tensor is float32: a pixel of -1e-300 would be stored as -0, a valid 0.)
      const double v = s.pick(std::vector<double>{nan, inf, -inf, -1, 256, 1e300, -1e-30});
      t[split].values[s.pick(t[split].size())] = v;
      label = t[split].name + " holds " + shortest(v);
    } else if (kind == 3) {  // an empty split
      t[split] = image_tensor(t[split].name, {0, 28, 28}, s.g);
      t[split + 1] = label_tensor(t[split + 1].name, 0, s.g);
      label = "empty " + t[split].name;
    } else if (kind == 4) {  // labels and images disagree in number
      t[split + 1] = label_tensor(t[split + 1].name, t[split].shape[0] + 1 + s.pick(5), s.g);
      label = t[split + 1].name + " longer than the images";
    } else if (kind == 5) {  // labels not a vector
      t[split + 1].shape = {t[split + 1].size() / 2, 2};
      label = t[split + 1].name + " of shape [N/2, 2]";
    } else if (kind == 6) {  // a tensor missing
      label = "no " + t[split + 1].name;
      t.erase(t.begin() + static_cast<long>(split + 1));
    } else {
      label = "valid images";
    }
    write_dataset_file((dir / "d.h5").string(), t);
    const Process p = run(dir, kTrain);
    if (kind == 7) {
      std::string why;
      if (crashed(p, why))
        s.count(klass, label, {kCrash, why});
      else if (p.code != 0)
        s.count(klass, label, {kWrong, "refused valid images: " + first_line(p.output)});
      else
        s.count(klass, label, {kCorrect, "trained"});
      if (p.code == 0 && trained.empty()) trained = dir;
    } else {
      s.count(klass, label, refusal(p, {"d.h5"}));
    }
  }
}

// ---- numeric options of the command line ----------------------------------------------

struct Option {
  std::vector<std::string> command;  ///< everything but the option
  std::string name;
  bool integer;
};

void numeric_options(Suite& s, const fs::path& trained) {
  const std::string klass = "numeric options";
  std::vector<Option> options;
  for (const char* o : {"epochs", "batch", "shift", "seed", "train-limit", "threads"})
    options.push_back({kTrain, o, true});
  for (const char* o : {"lr", "lr-decay", "momentum", "weight-decay"})
    options.push_back({kTrain, o, false});
  const std::vector<std::string> lc = {"net", "lc",       "net.h5", "--data", "d.h5", "--steps",
                                       "1",   "--epochs", "1",      "--out",  "lc.h5"};
  for (const char* o : {"levels", "steps", "epochs", "first-epochs", "batch", "seed", "threads"})
    options.push_back({lc, o, true});
  for (const char* o : {"mu0", "mu-factor", "lr", "lr-step-decay", "momentum"})
    options.push_back({lc, o, false});
  options.push_back({{"run", "q.yaml"}, "threads", true});
  options.push_back({{"status", "q.yaml"}, "shards", true});
  options.push_back(
      {{"dataset", "make", "--name", "t", "--distribution", "gaussian", "--out", "m.h5"},
       "n",
       true});
  options.push_back({{"dataset", "make", "--name", "t", "--distribution", "gaussian", "--n", "10",
                      "--out", "m.h5"},
                     "seed",
                     true});
  const std::vector<std::string> never = {
      "-1",  "-7", "nan", "inf", "-inf", "1e400", "18446744073709551617", "99999999999999999999999",
      "abc", "",   "2x",  "--"};
  for (int i = 0; i < 3 * s.cases; ++i) {
    const fs::path dir = s.folder();
    fs::copy(trained / "d.h5", dir / "d.h5");
    fs::copy(trained / "net.h5", dir / "net.h5");
    write_text(dir / "q.yaml",
               "name: q\ndatasets: [{name: g, synthetic: {distribution: gaussian, n: 50}}]\n"
               "algorithms: [uniform]\nbits: [1]\n");
    const Option& o = s.pick(options);
    std::string value = s.pick(never);
    // 10^23 is a valid real for options declared up to 1e300; as an integer it overflows.
    if (!o.integer && value == "99999999999999999999999") value = "1e400";
    if (o.integer && s.pick(4) == 0) value = s.pick(std::vector<std::string>{"1.5", "1e3", "0.5"});
    std::vector<std::string> args = o.command;
    args.push_back("--" + o.name);
    args.push_back(value);
    const Limits limits{20};
    std::string label;
    for (const auto& a : o.command)
      if (a.rfind("--", 0) != 0 && label.size() < 12) label += a + " ";
    label += "--" + o.name + " '" + value + "'";
    s.count(klass, label, refusal(run(dir, args, limits), {"--" + o.name}));
  }
}

// ---- paths --------------------------------------------------------------------------------

std::set<std::string> files_outside(const fs::path& dir, const fs::path& results) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string p = e.path().string();
    if (p == results.string() || p.rfind(results.string() + "/", 0) == 0 ||
        e.path().filename() == ".output")
      continue;
    files.insert(p);
  }
  return files;
}

bool must_refuse_name(const std::string& name) {
  const bool only_dots = name.find_first_not_of('.') == std::string::npos;
  const bool h5 = name.size() >= 3 && name.compare(name.size() - 3, 3, ".h5") == 0;
  return only_dots || h5;
}

void sweep_names(Suite& s) {
  const std::string klass = "paths: sweep names";
  const std::vector<std::string> pieces = {".", "..", "/", "x", ".h5", "h5", " ", "~", "a.b", "-"};
  const std::vector<std::string> known = {"",     ".",      "..",      "...", "x.h5",
                                          "../x", "/tmp/x", "a/../..", "x/"};
  for (int i = 0; i < s.cases; ++i) {
    std::string name;
    if (i < static_cast<int>(known.size()))
      name = known[static_cast<std::size_t>(i)];
    else
      for (std::size_t n = 1 + s.pick(5); n > 0; --n) name += s.pick(pieces);
    const fs::path dir = s.folder() / "work";
    fs::create_directories(dir);
    write_text(dir / "n.yaml",
               "name: " + yaml_quoted(name) +
                   "\ndatasets: [{name: g, synthetic: {distribution: gaussian, n: 50}}]\n"
                   "algorithms: [uniform]\nbits: [1]\n");
    const auto before = files_outside(dir.parent_path(), dir / "results");
    const Process ran = run(dir, {"run", "n.yaml"});
    const Process merged = ran.code == 0 ? run(dir, {"merge", "n.yaml"}) : ran;
    const auto after = files_outside(dir.parent_path(), dir / "results");
    const bool absolute_escape = !name.empty() && name[0] == '/' && fs::exists(name + "/runs");
    std::vector<std::string> escaped;
    for (const auto& f : after)
      if (!before.count(f)) escaped.push_back(f);
    const std::string label = "name " + yaml_quoted(name);
    std::string why;
    if (crashed(ran, why) || crashed(merged, why))
      s.count(klass, label, {kCrash, why});
    else if (!escaped.empty() || absolute_escape)
      s.count(klass, label,
              {kWrong,
               "wrote outside the results folder: " + (escaped.empty() ? name : escaped.front())});
    else if (ran.code == 0 && merged.code == 0)
      s.count(klass, label,
              must_refuse_name(name) ? Judged{kWrong, "accepted"}
                                     : Judged{kCorrect, "inside results/"});
    else
      s.count(klass, label, refusal(ran.code != 0 ? ran : merged, {"name", "n.yaml"}));
    if (absolute_escape) fs::remove_all(name);
  }
}

void manifest_paths(Suite& s) {
  const std::string klass = "paths: model files";
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    fs::create_directories(dir / "model/sub");
    // A shard that matches the manifest exactly, placed outside the model's folder.
    const std::string shard = bytes_of(kTfjsBytes);
    write_file((dir / "outside.bin").string(), shard);
    std::string path;
    switch (s.pick(7)) {
      case 0:
        path = "../outside.bin";
        break;
      case 1:
        path = (dir / "outside.bin").string();
        break;
      case 2:
        path = s.pick(
            std::vector<std::string>{"/dev/zero", "/dev/urandom", "/proc/self/mem", "/etc/passwd"});
        break;
      case 3:
        path = "sub/../../outside.bin";
        break;
      case 4:
        fs::create_symlink(dir / "outside.bin", dir / "model/link.bin");
        path = "link.bin";
        break;
      case 5:
        ::mkfifo((dir / "model/fifo.bin").c_str(), 0600);
        path = "fifo.bin";
        break;
      default:
        path = "sub";
        break;
    }
    write_text(dir / "model/model.json", tfjs_manifest(tfjs_weights(), {path}).dump());
    const Process p = run(
        dir,
        {"dataset", "import", "--format", "tfjs", "--input", "model/model.json", "--out", "o.h5"},
        Limits{20});
    s.count(klass, "shard path " + path, refusal(p, {"model.json", path}));
  }
}

// ---- allocations bounded by the input ----------------------------------------------------

void header_allocations(Suite& s) {
  const std::string klass = "allocation from a header";
  const Limits small{20, 1024 * kMiB};
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    // From a thousand to four billion: products that fit in memory but not in the file,
    // products beyond memory, and products that wrap.
    const auto huge = [&] {
      const unsigned bits = 10 + static_cast<unsigned>(s.pick(22));
      return static_cast<std::uint32_t>((std::uint64_t{1} << bits) + s.g.below(1000));
    };
    std::string format, label;
    std::vector<std::string> inputs;
    switch (s.pick(8)) {
      case 5: {  // model files: a .npy or safetensors shape far beyond the data
        std::string shape = "(";
        nlohmann::json dims = nlohmann::json::array();
        for (std::size_t d = 1 + s.pick(3); d > 0; --d) {
          const std::uint32_t h = huge();
          shape += std::to_string(h) + ", ";
          dims.push_back(h);
        }
        shape += ")";
        const std::string data = raw_bytes(std::vector<float>{1, 2, 3, 4});
        if (s.pick(2)) {
          write_file((dir / "w.npy").string(), npy_file("<f4", shape, false, data));
          format = "npy", inputs = {"w.npy"}, label = ".npy of shape " + shape;
        } else {
          const nlohmann::json header = {
              {"w", {{"dtype", "F32"}, {"shape", dims}, {"data_offsets", {0, 16}}}}};
          write_file((dir / "w.safetensors").string(), safetensors_file(header.dump(), data));
          format = "safetensors", inputs = {"w.safetensors"},
          label = "safetensors of shape " + dims.dump();
        }
        break;
      }
      case 6: {  // an .npz whose member declares far more than its stored bytes
        ZipMember m("w.npy", npy_file("<f4", "(4,)", false, std::string(16, '\0')), s.pick(2));
        m.declared = huge();
        write_file((dir / "w.npz").string(), zip_file({m}));
        format = "npz", inputs = {"w.npz"},
        label = std::string(m.deflate ? "deflated" : "stored") + " .npz member declaring " +
                std::to_string(*m.declared) + " bytes";
        break;
      }
      case 7: {  // an .npz bomb: a true member of 2 GiB of zeros in 2 MiB
        const std::uint64_t n = std::uint64_t{1} << 31;
        std::string header = npy_file("<f4", "(" + std::to_string(n / 4) + ",)", false, "");
        // Deflate the member as a stream (2 GiB is never held in memory here).
        std::string packed;
        z_stream z{};
        deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
        std::vector<char> zeros(1 << 20, 0), out(1 << 20);
        auto crc = crc32(0, reinterpret_cast<const Bytef*>(header.data()),
                         static_cast<uInt>(header.size()));
        const auto pump = [&](const char* p, std::size_t k, int flush) {
          z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
          z.avail_in = static_cast<uInt>(k);
          do {
            z.next_out = reinterpret_cast<Bytef*>(out.data());
            z.avail_out = static_cast<uInt>(out.size());
            deflate(&z, flush);
            packed.append(out.data(), out.size() - z.avail_out);
          } while (z.avail_out == 0);
        };
        pump(header.data(), header.size(), Z_NO_FLUSH);
        for (std::uint64_t done = 0; done < n; done += zeros.size()) {
          crc = crc32(crc, reinterpret_cast<const Bytef*>(zeros.data()),
                      static_cast<uInt>(zeros.size()));
          pump(zeros.data(), zeros.size(), done + zeros.size() < n ? Z_NO_FLUSH : Z_FINISH);
        }
        deflateEnd(&z);
        ZipMember m("w.npy", "", true);
        m.packed = packed, m.crc = crc;
        m.declared = static_cast<std::uint32_t>(header.size() + n);
        write_file((dir / "w.npz").string(), zip_file({m}));
        format = "npz", inputs = {"w.npz"}, label = ".npz bomb (2 MiB inflating to 2 GiB)";
        break;
      }
      case 0: {  // IDX: images with huge dimensions, maybe gzipped
        std::vector<std::uint32_t> dims(1 + s.pick(3));
        for (auto& d : dims) d = huge();
        const bool gz = s.pick(2);
        write_file((dir / "images.idx").string(),
                   gz ? gzipped(idx_file(dims, 64)) : idx_file(dims, 64));
        write_file((dir / "labels.idx").string(), idx_file({dims[0]}, 16));
        format = "idx", inputs = {"images.idx", "labels.idx"};
        label = std::string(gz ? "gzipped " : "") + "IDX of " + std::to_string(dims.size()) +
                " huge dimensions";
        break;
      }
      case 1: {  // a gzip bomb: a valid header, and far more zeros than it declares
        write_file((dir / "images.idx").string(), s.bomb());
        write_file((dir / "labels.idx").string(), idx_file({60000}, 60000));
        format = "idx", inputs = {"images.idx", "labels.idx"},
        label = "gzip bomb (2 MiB inflating to 2 GiB)";
        break;
      }
      case 2: {  // gnubg nets larger than the file
        write_file((dir / "nets.wd").string(),
                   gnubg_file({{huge(), huge(), 1 + static_cast<std::uint32_t>(s.pick(5))}}, 4));
        format = "gnubg", inputs = {"nets.wd"}, label = "gnubg net of huge size";
        break;
      }
      case 3: {  // word vectors whose size hint asks for much
        const std::string hint = s.pick(
            std::vector<std::string>{"1e12", "4000000000", "18446744073709551615", "1e300", "-5"});
        write_file((dir / "vectors.json").string(), embeddings_json(2, 3, hint));
        format = "embeddings", inputs = {"vectors.json"}, label = "word vectors, size " + hint;
        break;
      }
      default: {  // TF.js shapes whose product is huge or wraps
        nlohmann::json shape = nlohmann::json::array();
        for (std::size_t d = 1 + s.pick(3); d > 0; --d)
          shape.push_back(s.pick(2) ? std::uint64_t{huge()}
                                    : (std::uint64_t{1} << (30 + s.pick(33))));
        fs::create_directories(dir / "model");
        write_text(dir / "model/model.json",
                   tfjs_manifest(nlohmann::json::array(
                                     {{{"name", "w"}, {"shape", shape}, {"dtype", "float32"}}}))
                       .dump());
        write_file((dir / "model/group1-shard1of1.bin").string(), bytes_of(48));
        format = "tfjs", inputs = {"model/model.json"}, label = "TF.js shape " + shape.dump();
      }
    }
    std::vector<std::string> args = {"dataset", "import", "--format", format};
    for (const auto& in : inputs) args.push_back("--input"), args.push_back(in);
    args.push_back("--out"), args.push_back("o.h5");
    s.count(klass, label, refusal(run(dir, args, small), inputs));
  }
}

// ---- configs ------------------------------------------------------------------------------

const std::string kConfig =
    "name: c\n"
    "description: a small sweep\n"
    "datasets:\n"
    "  - name: g\n"
    "    synthetic: {distribution: gaussian, n: 100, seed: 4}\n"
    "  - name: u\n"
    "    synthetic:\n"
    "      distribution: uniform\n"
    "      n: 50\n"
    "algorithms:\n"
    "  - {name: uniform, mode: [minmax, symmetric]}\n"
    "  - name: kmeans\n"
    "    n_init: 2\n"
    "  - optimal\n"
    "bits: [1, 2]\n"
    "seeds: [0, 1]\n"
    "repeat: 1\n";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string t;
  for (const auto& l : lines) t += l + "\n";
  return t;
}

void configs(Suite& s) {
  const std::string klass = "configs";
  const std::vector<std::string> values = {"1e400",
                                           "-1",
                                           "nan",
                                           ".inf",
                                           "010",
                                           "0o10",
                                           "0x10",
                                           "1_000",
                                           "1e3",
                                           "3.0",
                                           "0b11",
                                           "~",
                                           "[]",
                                           "{}",
                                           "&a",
                                           "*a",
                                           "!!binary x",
                                           "\"\\x00\"",
                                           "18446744073709551617"};
  for (int i = 0; i < 4 * s.cases; ++i) {
    std::vector<std::string> lines = lines_of(kConfig);
    std::string label;
    bool must_refuse = false;
    const std::size_t at = s.pick(lines.size());
    switch (s.pick(10)) {
      case 0: {  // a byte changed
        std::string& l = lines[at];
        if (!l.empty()) l[s.pick(l.size())] = static_cast<char>(32 + s.pick(95));
        label = "byte changed in line " + std::to_string(at + 1);
        break;
      }
      case 1:
        label = "line " + std::to_string(at + 1) + " deleted";
        lines.erase(lines.begin() + static_cast<long>(at));
        break;
      case 2: {  // a key given twice: top-level lines are keys of one mapping
        std::vector<std::size_t> top;
        for (std::size_t j = 0; j < lines.size(); ++j)
          if (lines[j][0] != ' ' && lines[j].find(':') != std::string::npos) top.push_back(j);
        const std::size_t k = top[s.pick(top.size())];
        lines.push_back(lines[k].substr(0, lines[k].find(':')) + ": " +
                        lines[k].substr(lines[k].find(':') + 1));
        label = "key of line " + std::to_string(k + 1) + " given twice", must_refuse = true;
        break;
      }
      case 3: {  // a scalar replaced
        std::string& l = lines[at];
        const auto colon = l.find(": ");
        const std::string v = s.pick(values);
        if (colon != std::string::npos)
          l = l.substr(0, colon + 2) + v;
        else
          l += " " + v;
        label = "line " + std::to_string(at + 1) + " value " + v;
        must_refuse = colon != std::string::npos && l.rfind("repeat: ", 0) == 0 &&
                      (v == "1_000" || v == "1e3" || v == "3.0" || v == "0b11" || v == "1e400" ||
                       v == "nan" || v == ".inf" || v == "-1");
        break;
      }
      case 4:
        std::swap(lines[at], lines[s.pick(lines.size())]);
        label = "line " + std::to_string(at + 1) + " swapped";
        break;
      case 5:
        lines.insert(lines.begin() + static_cast<long>(at),
                     s.pick(std::vector<std::string>{"<<: {x: 1}", "- ", "? x", "  <<: *a",
                                                     "%YAML 1.1", "---", "...", "\t"}));
        label = "line inserted: " + lines[at];
        must_refuse = lines[at].find("<<") != std::string::npos;
        break;
      case 6: {  // an alias bomb
        std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        const int levels = 4 + static_cast<int>(s.pick(6));
        for (int l = 1; l <= levels; ++l) {
          const std::string p = "*a" + std::to_string(l - 1);
          bomb += "a" + std::to_string(l) + ": &a" + std::to_string(l) + " [" + p + ", " + p +
                  ", " + p + ", " + p + ", " + p + ", " + p + ", " + p + ", " + p + ", " + p +
                  ", " + p + "]\n";
        }
        lines.insert(lines.begin() + 1, bomb);
        label = "alias bomb of 10^" + std::to_string(levels + 1) + " nodes";
        must_refuse = true;
        break;
      }
      case 7: {  // deep nesting
        const std::size_t depth = std::size_t(1) << (8 + s.pick(10));
        lines.push_back("extra: " + std::string(depth, '[') + std::string(depth, ']'));
        label = "nesting " + std::to_string(depth) + " deep", must_refuse = true;
        break;
      }
      case 8: {  // a byte that is not UTF-8 (the config is ASCII: a lone one never is)
        std::string& l = lines[at];
        l.insert(s.pick(l.size() + 1), 1, static_cast<char>(128 + s.pick(128)));
        label = "a byte above 0x7F in line " + std::to_string(at + 1), must_refuse = true;
        break;
      }
      default: {  // truncated
        std::string t = joined(lines);
        t.resize(s.pick(t.size()));
        lines = lines_of(t);
        label = "truncated to " + std::to_string(t.size()) + " bytes";
      }
    }
    const fs::path dir = s.folder();
    write_text(dir / "case.yaml", joined(lines));
    const Process p = run(dir, {"plan", "case.yaml"}, Limits{20});
    std::string why;
    if (crashed(p, why))
      s.count(klass, label, {kCrash, why});
    else if (p.code == 0)
      s.count(klass, label,
              must_refuse ? Judged{kWrong, "accepted"} : Judged{kCorrect, "accepted"});
    else
      s.count(klass, label, refusal(p, {"case.yaml"}));
  }
}

// ---- damaged files: dataset files and run records --------------------------------------

void damage(Suite& s, const fs::path& file, std::string& label) {
  std::vector<char> b = bytes(file.string());
  switch (s.pick(3)) {
    case 0: {
      const std::size_t n = 1 + s.pick(4);
      for (std::size_t k = 0; k < n; ++k) b[s.pick(b.size())] ^= static_cast<char>(1 + s.pick(255));
      label = std::to_string(n) + " bytes changed";
      break;
    }
    case 1:
      b.resize(s.pick(b.size()));
      label = "truncated to " + std::to_string(b.size()) + " bytes";
      break;
    default:
      b.insert(b.begin() + static_cast<long>(s.pick(b.size())), 1 + s.pick(64), '\x5a');
      label = "bytes inserted";
  }
  write_bytes(file.string(), b);
}

const std::string kFileSweep =
    "name: f\ndatasets: [{name: d, file: d.h5}]\nalgorithms: [optimal, kmeans, uniform]\n"
    "bits: [1, 2]\n";

// `dir` holds d.h5 and f.yaml, run and merged: the pristine results to compare with.
fs::path pristine_sweep(Suite& s) {
  const fs::path dir = s.folder();
  Tensor x;
  x.name = "x", x.shape = {300}, x.values.set_size(300);
  for (double& v : x.values) v = s.g.normal();
  write_dataset_file((dir / "d.h5").string(), {x});
  write_text(dir / "f.yaml", kFileSweep);
  if (run(dir, {"run", "f.yaml"}).code != 0 || run(dir, {"merge", "f.yaml"}).code != 0)
    throw std::runtime_error("the pristine sweep failed");
  return dir;
}

bool equals_pristine(const fs::path& dir, const fs::path& pristine) {
  return run(dir, {"check", "results/f.h5", "--against", (pristine / "results/f.h5").string(),
                   "--rtol", "0", "--atol", "0"})
             .code == 0;
}

void dataset_files(Suite& s, const fs::path& pristine) {
  const std::string klass = "damaged dataset files";
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    fs::copy(pristine / "d.h5", dir / "d.h5");
    fs::copy(pristine / "f.yaml", dir / "f.yaml");
    std::string label;
    damage(s, dir / "d.h5", label);
    const Process ran = run(dir, {"run", "f.yaml"});
    std::string why;
    if (crashed(ran, why)) {
      s.count(klass, label, {kCrash, why});
    } else if (ran.code == 2) {
      s.count(klass, label, refusal(ran, {"d.h5"}));
    } else {
      const Process merged = run(dir, {"merge", "f.yaml"});
      if (crashed(merged, why))
        s.count(klass, label, {kCrash, why});
      else if (ran.code == 0 && equals_pristine(dir, pristine))
        s.count(klass, label, {kCorrect, "unchanged data"});
      else if (ran.code == 0)
        s.count(klass, label, {kWrong, "ran ok with other numbers"});
      else {
        // Runs recorded as failed: each with a message naming the file or the tensor.
        std::map<std::string, Row> rows;
        std::string detail;
        Judged j{kClean, "runs failed, each naming the data"};
        if (!read_rows(dir, "results/f.h5", "algorithm,bits", 2, rows, detail))
          j = {kCrash, detail};
        for (const auto& [key, row] : rows)
          if (row.status != "ok" && (row.error.empty() || is_bare(row.error) ||
                                     !names_one_of(row.error, {"d.h5", "'x'"})))
            j = {kUnclear, key + " failed: " + row.error};
        s.count(klass, label, j);
      }
    }
  }
}

void run_records(Suite& s, const fs::path& pristine) {
  const std::string klass = "damaged run records";
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    for (const char* f : {"d.h5", "f.yaml"}) fs::copy(pristine / f, dir / f);
    fs::copy(pristine / "results", dir / "results", fs::copy_options::recursive);
    fs::remove(dir / "results/f.h5");
    std::vector<fs::path> records;  // the sweep's record logs (one: a single run made them)
    for (const auto& e : fs::directory_iterator(dir / "results/f/runs"))
      if (e.path().extension() == ".records") records.push_back(e.path());
    std::sort(records.begin(), records.end());
    const fs::path record = records[s.pick(records.size())];
    std::string label;
    damage(s, record, label);
    label = record.filename().string().substr(0, 8) + "…: " + label;
    const Process merged = run(dir, {"merge", "f.yaml"});
    std::string why;
    // A log cut inside its last record looks like a run killed while it wrote: that run is
    // missing (not damaged), which merge must say.
    const bool missing = merged.code == 0 && merged.output.find(", 0 of ") == std::string::npos &&
                         merged.output.find(" planned runs not recorded yet") != std::string::npos;
    if (crashed(merged, why))
      s.count(klass, label, {kCrash, why});
    else if (merged.code == 0 && !missing && equals_pristine(dir, pristine))
      s.count(klass, label, {kCorrect, "the damage did not touch the records' content"});
    else if (!missing && merged.output.find("bad record: results/f/runs/" +
                                            record.filename().string()) == std::string::npos)
      s.count(klass, label,
              merged.code == 0 ? Judged{kWrong, "merged without naming the damaged record"}
                               : refusal(merged, {record.filename().string()}));
    else {
      // Named as bad or missing: the next run must redo it and give the pristine table.
      const bool redone = run(dir, {"run", "f.yaml"}).code == 0 &&
                          run(dir, {"merge", "f.yaml"}).code == 0 && equals_pristine(dir, pristine);
      s.count(klass, label,
              redone ? Judged{kClean, "named as bad or missing, and redone by the next run"}
                     : Judged{kWrong, "named as bad or missing, but the next run did not mend it"});
    }
  }
}

void results_files(Suite& s, const fs::path& pristine) {
  const std::string klass = "damaged results files";
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    fs::create_directories(dir / "results");
    fs::copy(pristine / "results/f.h5", dir / "results/f.h5");
    std::string label;
    damage(s, dir / "results/f.h5", label);
    // report and check must each refuse the file by name, or read what the sweep wrote.
    const Process reported = run(dir, {"report", "results/f.h5", "--metric", "mse,sse"});
    const Process pristine_report =
        run(pristine, {"report", "results/f.h5", "--metric", "mse,sse"});
    const Process checked =
        run(dir, {"check", "results/f.h5", "--against", (pristine / "results/f.h5").string(),
                  "--rtol", "0", "--atol", "0"});
    std::string why;
    if (crashed(reported, why) || crashed(checked, why))
      s.count(klass, label, {kCrash, why});
    else if (reported.code == 0 && reported.output != pristine_report.output)
      s.count(klass, label, {kWrong, "report printed other numbers"});
    else if (checked.code == 0 && reported.code == 0)
      s.count(klass, label, {kCorrect, "the damage did not touch the table"});
    else if (checked.code == 0)
      s.count(klass, label, {kWrong, "check passed a file report refuses"});
    else {
      const Judged r = reported.code == 0 ? Judged{kClean, ""} : refusal(reported, {"f.h5"});
      const Judged c = refusal(checked, {"f.h5"});
      s.count(klass, label, r.verdict != kClean ? r : c);
    }
  }
}

// ---- faults -------------------------------------------------------------------------------

const std::string kFaultSweep =
    "name: f\ndatasets:\n"
    "  - {name: a, synthetic: {distribution: gaussian, n: 20000, seed: 1}}\n"
    "  - {name: b, synthetic: {distribution: laplace, n: 20000, seed: 2}}\n"
    "algorithms: [optimal, kmeans, uniform]\nbits: [1, 2, 3, 4]\nseeds: [0, 1]\n";

std::size_t leftovers(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    n += e.path().filename().string().find(".tmp.") != std::string::npos;
  return n;
}

std::size_t done_count(const std::string& output) {
  const auto at = output.find(" done");
  if (at == std::string::npos) return 0;
  auto from = output.rfind(' ', at - 1);
  return std::strtoul(output.c_str() + (from == std::string::npos ? 0 : from + 1), nullptr, 10);
}

void faults(Suite& s) {
  const std::string klass = "faults";
  const fs::path pristine = s.folder();
  write_text(pristine / "f.yaml", kFaultSweep);
  if (run(pristine, {"run", "f.yaml"}).code != 0 || run(pristine, {"merge", "f.yaml"}).code != 0)
    throw std::runtime_error("the pristine fault sweep failed");
  const std::size_t runs = 48;
  for (int i = 0; i < s.cases; ++i) {
    const fs::path dir = s.folder();
    write_text(dir / "f.yaml", kFaultSweep);
    const Limits limits;
    std::string label, why;
    switch (s.pick(4)) {
      case 0: {  // kill -9 during a run, then resume
        const int ms = 20 + static_cast<int>(s.pick(600));
        label = "kill -9 of run after " + std::to_string(ms) + " ms";
        const pid_t pid = start(dir, {"run", "f.yaml", "--threads", "2"}, limits, dir / ".killed");
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        const Process resumed = run(dir, {"run", "f.yaml"});
        const Process merged = run(dir, {"merge", "f.yaml"});
        if (crashed(resumed, why) || crashed(merged, why))
          s.count(klass, label, {kCrash, why});
        else if (resumed.code != 0 || merged.code != 0)
          s.count(klass, label,
                  {kWrong, "resume failed: " + first_line(resumed.output + merged.output)});
        else if (leftovers(dir / "results") != 0)
          s.count(klass, label, {kWrong, "temporary files left behind"});
        else
          s.count(klass, label,
                  equals_pristine(dir, pristine) ? Judged{kCorrect, "resumed to the same table"}
                                                 : Judged{kWrong, "the resumed table differs"});
        break;
      }
      case 1: {  // kill -9 during a merge, then merge again
        run(dir, {"run", "f.yaml"});
        const int ms = 1 + static_cast<int>(s.pick(60));
        label = "kill -9 of merge after " + std::to_string(ms) + " ms";
        const pid_t pid = start(dir, {"merge", "f.yaml"}, limits, dir / ".killed");
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        const Process merged = run(dir, {"merge", "f.yaml"});
        if (crashed(merged, why))
          s.count(klass, label, {kCrash, why});
        else if (leftovers(dir) != 0)
          s.count(klass, label, {kWrong, "temporary files left behind"});
        else
          s.count(klass, label,
                  merged.code == 0 && equals_pristine(dir, pristine)
                      ? Judged{kCorrect, "merged"}
                      : Judged{kWrong, "merge again failed"});
        break;
      }
      case 2: {  // a file size limit: the documented message, no partial record
        Limits capped;
        capped.file_size = 4096 * (1 + s.pick(4));
        label = "ulimit -f " + std::to_string(capped.file_size / 1024) + " KiB";
        // Whichever step meets the limit must say so; what gets through must be right.
        Process p = run(dir, {"run", "f.yaml", "--threads", "1"}, capped);
        if (p.code == 0) p = run(dir, {"merge", "f.yaml"}, capped);
        Judged j = p.code == 0 ? equals_pristine(dir, pristine)
                                     ? Judged{kCorrect, "every file fitted"}
                                     : Judged{kWrong, "the table differs"}
                               : refusal(p, {"ulimit -f"});
        if (j.verdict == kClean && leftovers(dir) != 0) j = {kWrong, "temporary files left behind"};
        s.count(klass, label, j);
        break;
      }
      default: {  // two runs of one sweep at once
        label = "two runs of one sweep at once";
        const pid_t a = start(dir, {"run", "f.yaml", "--threads", "1"}, limits, dir / ".a");
        const pid_t b = start(dir, {"run", "f.yaml", "--threads", "1"}, limits, dir / ".b");
        const Process pa = finish(a, limits, dir / ".a"), pb = finish(b, limits, dir / ".b");
        const std::size_t done = done_count(pa.output) + done_count(pb.output);
        if (crashed(pa, why) || crashed(pb, why))
          s.count(klass, label, {kCrash, why});
        else if (done > runs)
          s.count(klass, label,
                  {kWrong,
                   "both ran: " + std::to_string(done) + " runs done for " + std::to_string(runs)});
        else {
          const Process rest = run(dir, {"run", "f.yaml"});
          const bool same = rest.code == 0 && run(dir, {"merge", "f.yaml"}).code == 0 &&
                            equals_pristine(dir, pristine);
          const Process& refused = pa.code != 0 ? pa : pb;
          if (!same)
            s.count(klass, label, {kWrong, "the table differs"});
          else if (refused.code != 0)
            s.count(klass, label, refusal(refused, {"run.lock", "pid", "holds"}));
          else
            s.count(klass, label, {kCorrect, "one waited or found nothing to do"});
        }
      }
    }
  }
}

void print_table(const Suite& s) {
  std::printf(
      "\n| class | cases tried | clean error | correct | silent wrong | unclear error | crash |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  Tally all;
  for (const auto& klass : s.classes) {
    const Tally& t = s.tally.at(klass);
    std::printf("| %s | %zu | %zu | %zu | %zu | %zu | %zu |\n", klass.c_str(), t.tried,
                t.counts[kClean], t.counts[kCorrect], t.counts[kWrong], t.counts[kUnclear],
                t.counts[kCrash]);
    all.tried += t.tried;
    for (int v = 0; v < 5; ++v) all.counts[v] += t.counts[v];
  }
  std::printf("| all | %zu | %zu | %zu | %zu | %zu | %zu |\n", all.tried, all.counts[kClean],
              all.counts[kCorrect], all.counts[kWrong], all.counts[kUnclear], all.counts[kCrash]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: hostile QUANTLAB [--cases N] [--seed S] [--verbose] [--keep]\n");
    return 2;
  }
  quantlab_bin = fs::absolute(argv[1]).string();
  Suite s;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cases" && i + 1 < argc)
      s.cases = std::atoi(argv[++i]);
    else if (a == "--seed" && i + 1 < argc)
      s.g = Generator(std::strtoull(argv[++i], nullptr, 10));
    else if (a == "--verbose")
      s.verbose = true;
    else if (a == "--keep")
      s.keep = true;
    else {
      std::fprintf(stderr, "hostile: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  try {
    extreme_data(s);
    importance_weights(s);
    fs::path trained;
    network_data(s, trained);
    if (trained.empty()) throw std::runtime_error("no valid network was trained");
    numeric_options(s, trained);
    sweep_names(s);
    manifest_paths(s);
    header_allocations(s);
    configs(s);
    const fs::path pristine = pristine_sweep(s);
    dataset_files(s, pristine);
    run_records(s, pristine);
    results_files(s, pristine);
    faults(s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hostile: %s\n", e.what());
    return 2;
  }
  print_table(s);
  for (const auto& f : s.failures) std::printf("FAILED %s\n", f.c_str());
  if (s.keep) {
    const fs::path kept = s.root.path.string() + "-kept";
    fs::rename(s.root.path, kept);
    std::printf("the cases are in %s\n", kept.c_str());
  }
  return s.failures.empty() ? 0 : 1;
}
