// Hostile input for every importer: files built here to break each class of check (sizes that
// disagree, huge declared dimensions, shape products that overflow, gzip bombs, manifest paths
// leaving the model's folder, devices and FIFOs, fields of the wrong type), then seeded random
// mutations of small valid files. Each import runs in a forked child under an address-space
// limit, so that a crash, a runaway allocation or a read that blocks is a failed case here
// rather than a dead test; the only acceptable failure is one std::runtime_error line naming
// the input file.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#define ONNX_ML 1
#include <onnx/onnx_pb.h>

#include "datasets/dataset_import.hpp"
#include "tests/hostile/hostile_files.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using nlohmann::json;
using namespace quantlab::testing;
namespace fs = std::filesystem;

namespace {

const std::size_t kMiB = std::size_t(1) << 20;
const std::size_t kGiB = std::size_t(1) << 30;

// ---- running one import in a child ---------------------------------------------------

enum class Outcome { imported, clean, unnamed, other, crashed };

struct Case {
  std::string klass;  ///< the row of the table it counts in
  std::string label;
  std::string format;
  std::vector<std::string> inputs;
  std::string out;
  std::size_t headroom = kGiB;  ///< address space allowed above the parent's
  bool valid = false;           ///< hostile only in what it claims: must import
};

std::size_t address_space_in_use() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  statm >> pages;
  return pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void limit_address_space(std::size_t headroom) {
  const rlim_t limit = address_space_in_use() + headroom;
  const struct rlimit r { limit, limit };
  ::setrlimit(RLIMIT_AS, &r);
}

bool names_an_input(const std::string& message, const std::vector<std::string>& inputs) {
  for (const auto& i : inputs)
    if (message.find(i) != std::string::npos) return true;
  return false;
}

// The outcome of `f` in this process: what the child reports.
char classify(const std::function<void()>& f, const std::vector<std::string>& inputs,
              std::string& message) {
  try {
    f();
    return 'I';
  } catch (const std::runtime_error& e) {
    message = e.what();
    return names_an_input(message, inputs) && message.find('\n') == std::string::npos ? 'C' : 'U';
  } catch (const std::exception& e) {
    message = std::string(typeid(e).name()) + ": " + e.what();
  } catch (...) {
    message = "an exception not derived from std::exception";
  }
  return 'O';
}

// Runs `body` in a forked child under the address-space limit and an alarm; `body` writes
// its report to the pipe. Returns false with `detail` when the child died.
bool in_child(std::size_t headroom, unsigned seconds, const std::function<std::string()>& body,
              std::string& report, std::string& detail) {
  std::fflush(nullptr);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    limit_address_space(headroom);
    ::alarm(seconds);
    const std::string text = body();
    std::size_t at = 0;
    while (at < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + at, text.size() - at);
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  report.clear();
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
    report.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    detail = std::string("killed by signal ") + std::to_string(WTERMSIG(status)) +
             (WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
    return false;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    detail = "exited with status " + std::to_string(WEXITSTATUS(status));
    return false;
  }
  return true;
}

Outcome run_case(const Case& c, std::string& detail) {
  std::string report;
  const bool ok = in_child(
      c.headroom, 10,
      [&] {
        std::string message;
        const char code = classify([&] { import_files(c.format, c.inputs, "m", c.out, true); },
                                   c.inputs, message);
        return std::string(1, code) + message;
      },
      report, detail);
  if (!ok || report.empty()) {
    if (detail.empty()) detail = "no report";
    return Outcome::crashed;
  }
  detail = report.substr(1);
  switch (report[0]) {
    case 'I':
      return Outcome::imported;
    case 'C':
      return Outcome::clean;
    case 'U':
      return Outcome::unnamed;
    default:
      return Outcome::other;
  }
}

struct Tally {
  std::size_t tried = 0, clean = 0, imported = 0, unnamed = 0, other = 0, crashed = 0;
};

void print_table(const std::string& title, const std::map<std::string, Tally>& rows) {
  std::printf(
      "\n%s\n| class | cases tried | clean error | imported | unnamed error | "
      "other exception | crash |\n| --- | --- | --- | --- | --- | --- | --- |\n",
      title.c_str());
  for (const auto& [klass, t] : rows)
    std::printf("| %s | %zu | %zu | %zu | %zu | %zu | %zu |\n", klass.c_str(), t.tried, t.clean,
                t.imported, t.unnamed, t.other, t.crashed);
  std::fflush(stdout);
}

// Every hostile case must be refused with one clean line naming its file.
void run_hostile(const std::string& title, const std::vector<Case>& cases) {
  std::map<std::string, Tally> rows;
  for (const Case& c : cases) {
    std::string detail;
    const Outcome o = run_case(c, detail);
    Tally& t = rows[c.klass];
    ++t.tried;
    const std::string name[] = {"imported", "clean", "unnamed", "other", "crashed"};
    (o == Outcome::clean      ? t.clean
     : o == Outcome::imported ? t.imported
     : o == Outcome::unnamed  ? t.unnamed
     : o == Outcome::other    ? t.other
                              : t.crashed)++;
    if (std::getenv("QUANTLAB_HOSTILE_VERBOSE"))
      std::printf("%s / %s: %s: %s\n", c.format.c_str(), c.label.c_str(),
                  name[static_cast<int>(o)].c_str(), detail.c_str());
    CHECK_MESSAGE(
        o == (c.valid ? Outcome::imported : Outcome::clean),
        c.format << " / " << c.label << ": " << name[static_cast<int>(o)] << ": " << detail);
  }
  print_table(title, rows);
}

// ---- the hostile cases, per format ---------------------------------------------------

// Each case gets its own folder under `root`.
struct Builder {
  explicit Builder(const TempDir& r) : root(r) {}
  const TempDir& root;
  std::vector<Case> cases;
  int next = 0;

  std::string folder() {
    const std::string f = root / ("case" + std::to_string(next++));
    fs::create_directories(f);
    return f;
  }
  void add(const std::string& klass, const std::string& label, const std::string& format,
           std::vector<std::string> inputs, std::size_t headroom = kGiB, bool valid = false) {
    cases.push_back({klass, label, format, std::move(inputs),
                     root / ("out" + std::to_string(cases.size()) + ".h5"), headroom, valid});
  }
};

const char* kAlloc = "allocation bounded by the header";
const char* kOverflow = "shape product overflow";
const char* kPath = "path escape / not a regular file";
const char* kMalformed = "malformed field or value";

std::string make_fifo(const std::string& path) {
  ::mkfifo(path.c_str(), 0600);
  return path;
}

void tfjs_cases(Builder& b) {
  // A manifest and shard in a folder of their own; `shard` empty = no shard written.
  auto model = [&](const json& manifest, const std::string& shard, bool write_shard = true) {
    const std::string f = b.folder();
    write_file(f + "/model.json", manifest.dump());
    if (write_shard) write_file(f + "/group1-shard1of1.bin", shard);
    return f + "/model.json";
  };
  auto one = [](const json& shape, const std::string& dtype = "float32") {
    return tfjs_manifest(json::array({{{"name", "w"}, {"shape", shape}, {"dtype", dtype}}}));
  };
  const std::string good = bytes_of(kTfjsBytes);
  b.add(kAlloc, "shard 2 bytes short", "tfjs",
        {model(tfjs_manifest(tfjs_weights()), good.substr(2))});
  b.add(kAlloc, "shard 1 MiB too long", "tfjs",
        {model(tfjs_manifest(tfjs_weights()), good + std::string(kMiB, 'x'))});
  b.add(kAlloc, "[1048576, 1048576] float32 in 48 bytes", "tfjs",
        {model(one({1048576, 1048576}), good)});
  b.add(kAlloc, "[65536, 65536, 65536] uint16 in 48 bytes", "tfjs",
        {model(one({65536, 65536, 65536}, "float16"), good)});
  b.add(kAlloc, "a missing shard", "tfjs", {model(tfjs_manifest(tfjs_weights()), "", false)});

  // Shapes whose product (or byte size, or the group's sum) wraps around 2^64 to what the
  // shard holds: without checked arithmetic they are accepted.
  b.add(kOverflow, "[2^32, 2^32] wraps to 0 values", "tfjs",
        {model(one({4294967296ull, 4294967296ull}), "")});
  b.add(kOverflow, "[2^62 + 2] float32 wraps to 8 bytes", "tfjs",
        {model(one({4611686018427387906ull}), bytes_of(8))});
  b.add(kOverflow, "[3, 6148914691236517206] wraps to 2 values", "tfjs",
        {model(one({3ull, 6148914691236517206ull}), bytes_of(8))});
  b.add(kOverflow, "[2^63 + 1] float16 wraps to 2 bytes", "tfjs",
        {model(one({9223372036854775809ull}, "float16"), bytes_of(2))});
  b.add(kOverflow, "two [2^61] float32 tensors sum to 2^64 bytes", "tfjs",
        {model(tfjs_manifest(json::array(
                   {{{"name", "a"}, {"shape", {2305843009213693952ull}}, {"dtype", "float32"}},
                    {{"name", "b"}, {"shape", {2305843009213693952ull}}, {"dtype", "float32"}}})),
               "")});
  b.add(kOverflow, "[2^32, 2^32, 2^32] uint8-quantized", "tfjs",
        {model(tfjs_manifest(json::array(
                   {{{"name", "q"},
                     {"shape", {4294967296ull, 4294967296ull, 4294967296ull}},
                     {"dtype", "float32"},
                     {"quantization", {{"dtype", "uint8"}, {"scale", 1}, {"min", 0}}}}})),
               "")});

  // Shard paths: every one names a file of exactly the declared size, so that only the path
  // check can refuse it.
  auto escaping = [&](const std::string& label,
                      const std::function<std::string(const std::string& folder)>& path_in) {
    const std::string f = b.folder();
    const std::string path = path_in(f);
    write_file(f + "/model.json", tfjs_manifest(tfjs_weights(), {path}).dump());
    b.add(kPath, label, "tfjs", {f + "/model.json"});
  };
  write_file(b.root / "outside.bin", good);
  escaping("../outside.bin", [](const std::string&) { return "../outside.bin"; });
  escaping("sub/../../outside.bin", [](const std::string& f) {
    fs::create_directories(f + "/sub");
    return "sub/../../outside.bin";
  });
  escaping("an absolute path to a file of the right size",
           [&](const std::string&) { return b.root / "outside.bin"; });
  escaping("/etc/passwd", [](const std::string&) { return "/etc/passwd"; });
  escaping("/dev/zero", [](const std::string&) { return "/dev/zero"; });
  escaping("a symlink out of the folder", [&](const std::string& f) {
    fs::create_symlink(b.root / "outside.bin", f + "/link.bin");
    return "link.bin";
  });
  escaping("a symlink to /dev/zero", [](const std::string& f) {
    fs::create_symlink("/dev/zero", f + "/zero.bin");
    return "zero.bin";
  });
  escaping("a FIFO in the folder", [](const std::string& f) {
    make_fifo(f + "/fifo.bin");
    return "fifo.bin";
  });
  escaping("a directory in the folder", [](const std::string& f) {
    fs::create_directories(f + "/dir.bin");
    return "dir.bin";
  });
  escaping("an empty path", [](const std::string&) { return ""; });
  escaping("the folder itself (.)", [](const std::string&) { return "."; });
  b.add(kPath, "the manifest is /dev/zero", "tfjs", {"/dev/zero"});
  b.add(kPath, "the manifest is a FIFO", "tfjs", {make_fifo(b.folder() + "/model.json")});
  b.add(kPath, "the manifest is a directory", "tfjs", {b.folder()});

  // Fields of the wrong type or value: nlohmann's bare type_error / out_of_range before.
  auto variant = [&](const std::string& label, const std::function<void(json&)>& change,
                     const std::string& shard) {
    json m = tfjs_manifest(tfjs_weights());
    change(m);
    b.add(kMalformed, label, "tfjs", {model(m, shard)});
  };
  auto weight0 = [](json& m) -> json& { return m["weightsManifest"][0]["weights"][0]; };
  auto group = [](json& m) -> json& { return m["weightsManifest"][0]; };
  variant(
      "weightsManifest is an object", [](json& m) { m["weightsManifest"] = json::object(); }, good);
  variant(
      "a group is a number", [](json& m) { m["weightsManifest"][0] = 7; }, good);
  variant(
      "a group has no paths", [&](json& m) { group(m).erase("paths"); }, good);
  variant(
      "paths is a string", [&](json& m) { group(m)["paths"] = "group1-shard1of1.bin"; }, good);
  variant(
      "a path is a number", [&](json& m) { group(m)["paths"] = {7}; }, good);
  variant(
      "a group has no weights", [&](json& m) { group(m).erase("weights"); }, good);
  variant(
      "a weight is a string", [&](json& m) { group(m)["weights"][0] = "w"; }, good);
  variant(
      "a weight has no name", [&](json& m) { weight0(m).erase("name"); }, good);
  variant(
      "a name is a number", [&](json& m) { weight0(m)["name"] = 3; }, good);
  variant(
      "a weight has no dtype", [&](json& m) { weight0(m).erase("dtype"); }, good);
  variant(
      "a dtype is a list", [&](json& m) { weight0(m)["dtype"] = {1}; }, good);
  variant(
      "an unknown dtype", [&](json& m) { weight0(m)["dtype"] = "complex64"; }, good);
  variant(
      "a weight has no shape", [&](json& m) { weight0(m).erase("shape"); }, good);
  variant(
      "a shape is a string", [&](json& m) { weight0(m)["shape"] = "2,3"; }, good);
  variant(
      "a dimension is -1",
      [&](json& m) {
        weight0(m)["shape"] = {-1, 3};
      },
      good);
  variant(
      "a dimension is 2.5",
      [&](json& m) {
        weight0(m)["shape"] = {2.5, 3};
      },
      good);
  variant(
      "a dimension is \"3\"",
      [&](json& m) {
        weight0(m)["shape"] = {"2", 3};
      },
      good);
  variant(
      "a dimension is null",
      [&](json& m) {
        weight0(m)["shape"] = {nullptr, 3};
      },
      good);
  auto quant = [](json& m) -> json& { return m["weightsManifest"][0]["weights"][2]; };
  variant(
      "quantization is a number", [&](json& m) { quant(m)["quantization"] = 8; }, good);
  variant(
      "quantization has no dtype", [&](json& m) { quant(m)["quantization"].erase("dtype"); }, good);
  variant(
      "quantization has no scale", [&](json& m) { quant(m)["quantization"].erase("scale"); }, good);
  variant(
      "a scale is a string", [&](json& m) { quant(m)["quantization"]["scale"] = "0.5"; }, good);
  variant(
      "a scale of 1e300 leaves float32's range",
      [&](json& m) { quant(m)["quantization"]["scale"] = 1e300; }, good);
  variant(
      "quantization dtype int8", [&](json& m) { quant(m)["quantization"]["dtype"] = "int8"; },
      good);
  variant(
      "an empty tensor name", [&](json& m) { weight0(m)["name"] = ""; }, good);
  variant(
      "a tensor name a//b", [&](json& m) { weight0(m)["name"] = "a//b"; }, good);
  variant(
      "two tensors of one name", [&](json& m) { group(m)["weights"][4]["name"] = "dense/kernel"; },
      good);
  auto text = [&](const std::string& label, const std::string& manifest) {
    const std::string f = b.folder();
    write_file(f + "/model.json", manifest);
    write_file(f + "/group1-shard1of1.bin", good);
    b.add(kMalformed, label, "tfjs", {f + "/model.json"});
  };
  const std::string dump = tfjs_manifest(tfjs_weights()).dump();
  text("an empty manifest", "");
  text("a truncated manifest", dump.substr(0, dump.size() / 2));
  text("a manifest that is a list", "[1, 2]");
  text("a manifest with a NUL byte", std::string("{\"weightsManifest\"\0:[]}", 23));
  b.add(kMalformed, "a missing manifest", "tfjs", {b.folder() + "/model.json"});
}

void idx_cases(Builder& b) {
  // images, labels in a new folder; gz = compress that file.
  auto pair = [&](const std::string& klass, const std::string& label, const std::string& images,
                  const std::string& labels, bool gz_images = false, bool gz_labels = false,
                  std::size_t headroom = kGiB) {
    const std::string f = b.folder();
    const std::string x = f + (gz_images ? "/images.gz" : "/images");
    const std::string y = f + (gz_labels ? "/labels.gz" : "/labels");
    write_file(x, gz_images ? gzipped(images) : images);
    write_file(y, gz_labels ? gzipped(labels) : labels);
    b.add(klass, label, "idx", {x, y}, headroom);
  };
  const std::string images = idx_file({3, 2, 2}, 12), labels = idx_file({3}, 3);
  pair(kAlloc, "images 5 bytes short", images.substr(0, images.size() - 5), labels);
  pair(kAlloc, "images 1 byte too long", images + "x", labels);
  pair(kAlloc, "labels 1 byte short", images, labels.substr(0, labels.size() - 1));
  pair(kAlloc, "gzip images 5 bytes short", images.substr(0, images.size() - 5), labels, true);
  pair(kAlloc, "gzip labels 1 MiB too long", images, labels + std::string(kMiB, '\0'), false, true);
  pair(kAlloc, "[60000, 60000, 60000] in 12 bytes", idx_file({60000, 60000, 60000}, 12), labels);
  pair(kAlloc, "gzip [60000, 60000, 60000] in 12 bytes", idx_file({60000, 60000, 60000}, 12),
       labels, true);
  pair(kAlloc, "gzip [65536, 65536] (4 GiB) in a few KB", idx_file({65536, 65536}, 4096), labels,
       true);
  // 64 MiB of zeros behind a header declaring 12 bytes, allowed 48 MiB: only a reader that
  // stops at the declared size passes.
  const std::string bomb = idx_file({3, 2, 2}, 12) + std::string(64 * kMiB, '\0');
  pair(kAlloc, "gzip bomb: 64 MiB of zeros declared as 12 bytes (48 MiB allowed)", bomb, labels,
       true, false, 48 * kMiB);
  pair(kAlloc, "gzip bomb in the labels (48 MiB allowed)", images,
       idx_file({3}, 3) + std::string(64 * kMiB, '\0'), false, true, 48 * kMiB);

  // Products that wrap around 2^64: 2^16 x 2^16 x 2^16 x 2^16 = 2^64 = 0 values.
  pair(kOverflow, "[2^16, 2^16, 2^16, 2^16] wraps to 0 bytes",
       idx_file({65536, 65536, 65536, 65536}, 0), idx_file({65536}, 65536));
  pair(kOverflow, "gzip [2^16 x 4] wraps to 0 bytes", idx_file({65536, 65536, 65536, 65536}, 0),
       idx_file({65536}, 65536), true, true);
  pair(kOverflow, "[2^16 x 4, 3] wraps to 0 bytes", idx_file({65536, 65536, 65536, 65536, 3}, 0),
       idx_file({65536}, 65536));
  pair(kOverflow, "labels [2^32-1, 2^32-1, 2^32-1]", images,
       idx_file({4294967295u, 4294967295u, 4294967295u}, 0));

  pair(kMalformed, "a bad magic number", "\x01\x02" + images.substr(2), labels);
  pair(kMalformed, "type 0x0D (float)", idx_file({3, 2, 2}, 12, 0x0D), labels);
  pair(kMalformed, "images of rank 0", idx_file({}, 1), labels);
  pair(kMalformed, "labels of rank 2", images, idx_file({3, 1}, 3));
  pair(kMalformed, "4 labels for 3 images", images, idx_file({4}, 4));
  pair(kMalformed, "a header cut inside its dimensions", images.substr(0, 10), labels);
  pair(kMalformed, "rank 255 and no dimensions", std::string("\x00\x00\x08\xff", 4), labels);
  pair(kMalformed, "an empty images file", "", labels);
  pair(kMalformed, "a 3-byte file", std::string("\x00\x00\x08", 3), labels);
  {
    const std::string f = b.folder();
    std::string z = gzipped(bomb.substr(0, 100000) + images);
    for (std::size_t i = 20; i < z.size() && i < 60; i += 3) z[i] = static_cast<char>(z[i] ^ 0x5a);
    write_file(f + "/corrupt.gz", z);
    write_file(f + "/labels", labels);
    b.add(kMalformed, "a corrupt gzip stream", "idx", {f + "/corrupt.gz", f + "/labels"});
    const std::string g = gzipped(images);
    write_file(f + "/cut.gz", g.substr(0, g.size() / 2));
    b.add(kMalformed, "a gzip stream cut in half", "idx", {f + "/cut.gz", f + "/labels"});
    write_file(f + "/header.gz", "\x1f\x8b\x08\xff garbage");
    b.add(kMalformed, "a gzip header and garbage", "idx", {f + "/header.gz", f + "/labels"});
    b.add(kPath, "images /dev/zero", "idx", {"/dev/zero", f + "/labels"});
    b.add(kPath, "labels a FIFO", "idx", {f + "/labels", make_fifo(f + "/fifo")});
    b.add(kPath, "images a directory", "idx", {f, f + "/labels"});
    b.add(kMalformed, "a missing images file", "idx", {f + "/missing", f + "/labels"});
  }
}

void gnubg_cases(Builder& b) {
  auto file = [&](const std::string& klass, const std::string& label, const std::string& bytes) {
    const std::string f = b.folder() + "/gnubg.wd";
    write_file(f, bytes);
    b.add(klass, label, "gnubg", {f});
  };
  const std::string good = gnubg_file({{3, 2, 1}, {2, 4, 2}});
  // 48 bytes: magic, version, a net header (1, 1, 2^28) and 16 bytes of weights.
  file(kAlloc, "48 bytes declaring 2^28 outputs (1 GiB)", gnubg_file({{1, 1, 1u << 28}}, 4));
  file(kAlloc, "1 input, 2^28 hidden", gnubg_file({{1, 1u << 28, 1}}, 4));
  file(kAlloc, "[2^14 x 2^14] hidden weights", gnubg_file({{1u << 14, 1u << 14, 1}}, 4));
  file(kAlloc, "2^30 outputs after a valid net",
       good + gnubg_file({{1, 1, 1u << 30}}, 4).substr(8));
  file(kAlloc, "(2^32-1)^3", gnubg_file({{4294967295u, 4294967295u, 4294967295u}}, 4));
  file(kAlloc, "2^31 hidden, 2 outputs", gnubg_file({{2, 1u << 31, 2}}, 4));
  for (std::size_t cut : {9, 20, 33, 40, 60, 100, 130})
    file(kAlloc, "cut to " + std::to_string(cut) + " bytes", good.substr(0, cut));
  for (std::size_t extra : {1, 4, 11, 23})
    file(kAlloc, "+" + std::to_string(extra) + " bytes", good + std::string(extra, '\x01'));
  file(kMalformed, "a zero dimension", gnubg_file({{3, 0, 1}}));
  file(kMalformed, "a bad magic number", "xxxx" + good.substr(4));
  file(kMalformed, "an empty file", "");
  file(kMalformed, "4 bytes", good.substr(0, 4));
  b.add(kPath, "/dev/zero", "gnubg", {"/dev/zero"});
  b.add(kPath, "a FIFO", "gnubg", {make_fifo(b.folder() + "/fifo.wd")});
  b.add(kPath, "a directory", "gnubg", {b.folder()});
  b.add(kMalformed, "a missing file", "gnubg", {b.folder() + "/missing.wd"});
}

void digits_cases(Builder& b) {
  auto file = [&](const std::string& klass, const std::string& label, const std::string& csv,
                  bool gz, std::size_t headroom = kGiB) {
    const std::string f = b.folder() + (gz ? "/digits.csv.gz" : "/digits.csv");
    write_file(f, gz ? gzipped(csv) : csv);
    b.add(klass, label, "digits", {f}, headroom);
  };
  const std::string good = digits_csv(3);
  file(kAlloc, "gzip bomb: 64 MiB of NUL bytes (48 MiB allowed)", std::string(64 * kMiB, '\0'),
       true, 48 * kMiB);
  file(kAlloc, "gzip bomb: 64 MiB of '0' in one line (48 MiB allowed)", std::string(64 * kMiB, '0'),
       true, 48 * kMiB);
  std::string commas;
  for (std::size_t i = 0; i < 32 * kMiB; ++i) commas += "1,";
  file(kAlloc, "gzip bomb: 32 Mi fields in one row (48 MiB allowed)", commas + "\n", true,
       48 * kMiB);
  file(kAlloc, "a 10 MiB row", std::string(10 * kMiB, '7'), false);
  file(kMalformed, "a row of 3 fields", good + "1,2,3\n", true);
  file(kMalformed, "a row of 66 fields", good + "0," + good.substr(0, good.find('\n') + 1), false);
  file(kMalformed, "a cell abc", "abc," + good.substr(2), false);
  file(kMalformed, "a cell 5abc", "5abc," + good.substr(2), false);
  file(kMalformed, "an empty cell", "," + good.substr(2), false);
  file(kMalformed, "a cell 1e50", "1e50," + good.substr(2), false);
  file(kMalformed, "a cell nan", "nan," + good.substr(2), false);
  file(kMalformed, "an empty file", "", false);
  file(kMalformed, "only newlines", "\n\n\n", true);
  {
    const std::string f = b.folder();
    const std::string g = gzipped(good);
    write_file(f + "/cut.csv.gz", g.substr(0, g.size() / 2));
    b.add(kMalformed, "a gzip stream cut in half", "digits", {f + "/cut.csv.gz"});
    std::string z = gzipped(digits_csv(200));
    for (std::size_t i = 30; i < 50; ++i) z[i] = static_cast<char>(z[i] ^ 0xa5);
    write_file(f + "/corrupt.csv.gz", z);
    b.add(kMalformed, "a corrupt gzip stream", "digits", {f + "/corrupt.csv.gz"});
    b.add(kPath, "/dev/zero", "digits", {"/dev/zero"});
    b.add(kPath, "a FIFO", "digits", {make_fifo(f + "/fifo.csv")});
    b.add(kPath, "a directory", "digits", {f});
    b.add(kMalformed, "a missing file", "digits", {f + "/missing.csv"});
  }
}

void embeddings_cases(Builder& b) {
  auto file = [&](const std::string& klass, const std::string& label, const std::string& text) {
    const std::string f = b.folder() + "/vectors.json";
    write_file(f, text);
    b.add(klass, label, "embeddings", {f});
  };
  // The 60-byte file that asked for 40 GB, and smaller lies before valid words: those must
  // import (the size is a hint) within 256 MiB, without reserving what the hint claims.
  file(kAlloc, "size 99999999 in 60 bytes", "{\"size\":99999999,\"vectors\":{}}");
  for (const char* size : {"1000000", "10000000", "50000000", "99999999"}) {
    const std::string f = b.folder() + "/vectors.json";
    write_file(f, embeddings_json(2, 100, size));
    b.add(kAlloc, std::string("size ") + size + " before 2 real words (must import)", "embeddings",
          {f}, 256 * kMiB, true);
  }
  const std::string good = embeddings_json(2, 102);
  file(kMalformed, "a truncated file", good.substr(0, good.size() / 2));
  file(kMalformed, "a word of 99 numbers", embeddings_json(2, 99));
  file(kMalformed, "vectors is a list", "{\"vectors\":[[1,2,3]]}");
  file(kMalformed, "vectors is a number", "{\"vectors\":7}");
  std::string ones;
  for (int i = 0; i < 99; ++i) ones += ",1";
  file(kMalformed, "a value 1e39 outside float32's range",
       "{\"vectors\":{\"a\":[1e39" + ones + "]}}");
  file(kMalformed, "a number 1e400", "{\"vectors\":{\"a\":[1e400]}}");
  file(kMalformed, "100000 nested lists", std::string(100000, '[') + std::string(100000, ']'));
  file(kMalformed, "invalid UTF-8 in a word", "{\"vectors\":{\"\xff\xfe\":[1]}}");
  file(kMalformed, "a NUL byte", std::string("{\"vectors\"\0:{}}", 15));
  file(kMalformed, "an empty file", "");
  file(kMalformed, "not JSON", "hello");
  b.add(kPath, "/dev/zero", "embeddings", {"/dev/zero"});
  b.add(kPath, "a FIFO", "embeddings", {make_fifo(b.folder() + "/fifo.json")});
  b.add(kPath, "a directory", "embeddings", {b.folder()});
  b.add(kMalformed, "a missing file", "embeddings", {b.folder() + "/missing.json"});
}

// ---- seeded mutations ----------------------------------------------------------------

// Small, portable and fixed: the same mutations on every machine.
struct Mutator {
  std::mt19937_64 rng;
  explicit Mutator(std::uint64_t seed) : rng(seed) {}
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; }

  std::string operator()(std::string s, bool text) {
    const std::size_t kinds = text ? 7 : 5;
    const std::size_t rounds = 1 + below(3);
    for (std::size_t r = 0; r < rounds; ++r) {
      switch (below(kinds)) {
        case 0:  // overwrite a few bytes
          for (std::size_t i = 0, n = 1 + below(4); i < n && !s.empty(); ++i)
            s[below(s.size())] = static_cast<char>(rng());
          break;
        case 1:  // truncate
          s.resize(below(s.size() + 1));
          break;
        case 2:  // insert random bytes
          s.insert(below(s.size() + 1), std::string(1 + below(8), static_cast<char>(rng())));
          break;
        case 3: {  // delete a range
          const std::size_t at = below(s.size() + 1);
          s.erase(at, below(16));
          break;
        }
        case 4: {  // duplicate a range
          const std::size_t at = below(s.size() + 1);
          s.insert(below(s.size() + 1), s.substr(at, below(64)));
          break;
        }
        default: {  // a number in a text format replaced by a hostile one
          static const char* numbers[] = {"0",
                                          "-1",
                                          "4294967296",
                                          "18446744073709551615",
                                          "1e400",
                                          "2.5",
                                          "99999999999999999999",
                                          "\"7\"",
                                          "null",
                                          "9223372036854775807"};
          std::vector<std::size_t> digits;
          for (std::size_t i = 0; i < s.size(); ++i)
            if (s[i] >= '0' && s[i] <= '9' && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9'))
              digits.push_back(i);
          if (digits.empty()) break;
          const std::size_t at = digits[below(digits.size())];
          std::size_t end = at;
          while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
          s.replace(at, end - at, numbers[below(sizeof numbers / sizeof *numbers)]);
        }
      }
    }
    return s;
  }
};

struct Mutations {
  std::map<std::string, Tally> rows;
  std::vector<std::string> failures;
};

// `per_format` mutations of a small valid file of each format, imported one after the other.
Mutations mutate_all(const TempDir& root, std::size_t per_format, std::uint64_t seed) {
  Mutations m;
  Mutator mutate(seed);
  auto import = [&](const std::string& format, const std::vector<std::string>& inputs,
                    const std::string& label) {
    std::string message;
    const char code = classify(
        [&] { import_files(format, inputs, "m", root / "mutated.h5", true); }, inputs, message);
    Tally& t = m.rows["random mutations: " + format];
    ++t.tried;
    (code == 'I' ? t.imported : code == 'C' ? t.clean : code == 'U' ? t.unnamed : t.other)++;
    if (code == 'U' || code == 'O') m.failures.push_back(format + " " + label + ": " + message);
  };

  const std::string dir = root / "mutations";
  fs::create_directories(dir);
  const std::string model = dir + "/model.json", shard = dir + "/group1-shard1of1.bin";
  const std::string manifest = tfjs_manifest(tfjs_weights()).dump(), good = bytes_of(kTfjsBytes);
  const std::string images = idx_file({3, 2, 2}, 12), labels = idx_file({3}, 3);
  const std::string gnubg = gnubg_file({{3, 2, 1}, {2, 4, 2}});
  const std::string csv = digits_csv(3), vectors = embeddings_json(3, 102, "3");
  const std::string npy =
      npy_file("<f4", "(2, 3)", false, raw_bytes(std::vector<float>{1, 2, 3, 4, 5, 6}));
  const std::string npz = zip_file({{"a.npy", npy, true}, {"b/c.npy", npy}});
  const std::string safetensors = safetensors_file(
      R"({"a/w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
      R"("b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"__metadata__":{"k":"v"}})",
      raw_bytes(std::vector<float>{1, 2, 3, 4}) + std::string("\x00\x3c\x00\xc0", 4));
  std::string onnx_model;
  {
    onnx::ModelProto m;
    onnx::TensorProto* w = m.mutable_graph()->add_initializer();
    w->set_name("conv/w"), w->set_data_type(onnx::TensorProto_DataType_FLOAT);
    w->add_dims(2), w->add_dims(2);
    w->set_raw_data(raw_bytes(std::vector<float>{1, 2, 3, 4}));
    onnx::TensorProto* h = m.mutable_graph()->add_initializer();
    h->set_name("h"), h->set_data_type(onnx::TensorProto_DataType_FLOAT16), h->add_dims(2);
    h->add_int32_data(0x3c00), h->add_int32_data(0xc000);
    m.SerializeToString(&onnx_model);
  }
  for (std::size_t i = 0; i < per_format; ++i) {
    const std::string n = "#" + std::to_string(i);
    const std::size_t which = mutate.below(3);
    write_file(model, which != 1 ? mutate(manifest, true) : manifest);
    write_file(shard, which != 0 ? mutate(good, false) : good);
    import("tfjs", {model}, n);

    const bool gz = mutate.below(2), after = mutate.below(2);
    const std::string x = mutate.below(2) ? mutate(images, false) : images;
    const std::string y = x == images ? mutate(labels, false) : labels;
    // Mutated before compression (the parser meets it) or after (zlib meets it).
    write_file(dir + "/images", gz ? (after ? mutate(gzipped(images), false) : gzipped(x)) : x);
    write_file(dir + "/labels", gz ? gzipped(y) : y);
    import("idx", {dir + "/images", dir + "/labels"}, n);

    write_file(dir + "/gnubg.wd", mutate(gnubg, false));
    import("gnubg", {dir + "/gnubg.wd"}, n);

    const std::string c = mutate(csv, true);
    write_file(dir + "/digits.csv", gz ? (after ? mutate(gzipped(csv), false) : gzipped(c)) : c);
    import("digits", {dir + "/digits.csv"}, n);

    write_file(dir + "/vectors.json", mutate(vectors, true));
    import("embeddings", {dir + "/vectors.json"}, n);

    write_file(dir + "/w.npy", mutate(npy, mutate.below(2)));
    import("npy", {dir + "/w.npy"}, n);

    write_file(dir + "/w.npz", mutate(npz, false));
    import("npz", {dir + "/w.npz"}, n);

    write_file(dir + "/w.safetensors", mutate(safetensors, mutate.below(2)));
    import("safetensors", {dir + "/w.safetensors"}, n);

    write_file(dir + "/m.onnx", mutate(onnx_model, false));
    import("onnx", {dir + "/m.onnx"}, n);
  }
  return m;
}

}  // namespace

TEST_CASE("hostile TF.js manifests and shards: one clean line naming the manifest") {
  TempDir dir;
  Builder b(dir);
  tfjs_cases(b);
  run_hostile("TF.js", b.cases);
}

TEST_CASE("hostile IDX files, plain and gzip: one clean line naming the file") {
  TempDir dir;
  Builder b(dir);
  idx_cases(b);
  run_hostile("IDX", b.cases);
}

TEST_CASE("hostile gnubg weights files: one clean line naming the file") {
  TempDir dir;
  Builder b(dir);
  gnubg_cases(b);
  run_hostile("gnubg", b.cases);
}

TEST_CASE("hostile digits CSV files: one clean line naming the file") {
  TempDir dir;
  Builder b(dir);
  digits_cases(b);
  run_hostile("digits", b.cases);
}

TEST_CASE("hostile word-vector JSON files: one clean line naming the file") {
  TempDir dir;
  Builder b(dir);
  embeddings_cases(b);
  run_hostile("embeddings", b.cases);
}

TEST_CASE("seeded random mutations import or fail cleanly, within 1 GiB, in a child") {
  TempDir dir;
  const std::size_t per_format = 200;
  std::string report, detail;
  // The whole loop in one child under RLIMIT_AS: a bad_alloc, a crash or a runaway read
  // fails the test, and the child's report says what happened to every mutation.
  const bool ok = in_child(
      kGiB, 120,
      [&] {
        const Mutations m = mutate_all(dir, per_format, 20240601);
        std::string text;
        for (const auto& [klass, t] : m.rows)
          text += klass + "\t" + std::to_string(t.tried) + "\t" + std::to_string(t.clean) + "\t" +
                  std::to_string(t.imported) + "\t" + std::to_string(t.unnamed) + "\t" +
                  std::to_string(t.other) + "\n";
        for (const auto& f : m.failures) text += "FAIL\t" + f + "\n";
        return text;
      },
      report, detail);
  REQUIRE_MESSAGE(ok, "the mutation loop's child " << detail);
  std::map<std::string, Tally> rows;
  std::size_t tried = 0;
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("FAIL\t", 0) == 0) {
      FAIL_CHECK(line.substr(5));
      continue;
    }
    std::istringstream fields(line);
    std::string klass;
    Tally t;
    std::getline(fields, klass, '\t');
    fields >> t.tried >> t.clean >> t.imported >> t.unnamed >> t.other;
    tried += t.tried;
    CHECK_MESSAGE(t.unnamed + t.other == 0, klass);
    rows[klass] = t;
  }
  CHECK(tried == 9 * per_format);  // nine formats
  print_table("random mutations (seed 20240601)", rows);
}
