#pragma once
// Running the quantlab executable in a scratch folder, for end-to-end tests.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "experiments/record_log.hpp"
#include "tests/test_support.hpp"

namespace quantlab::testing {

struct Result {
  int status;
  std::string output;  // stdout and stderr
};

struct Sandbox {
  TempDir temp;
  const std::filesystem::path& dir = temp.path;

  std::string path(const std::string& name) const { return (dir / name).string(); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }

  /// Runs `quantlab args` in the folder; `environment` ("NAME=value ...") is set for it.
  Result quantlab(const std::string& args, const std::string& environment = "") const {
    const char* bin = std::getenv("QUANTLAB_BIN");
    REQUIRE_MESSAGE(bin, "QUANTLAB_BIN must name the quantlab executable");
    const std::string command =
        "cd " + dir.string() + " && " + environment + " " + bin + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string output;
    std::array<char, 4096> buffer;
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
      output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    return {WEXITSTATUS(status), output};
  }

  /// Rewrites the sweep's records into one new log: `edit` may change each record, and drops
  /// it by returning false. Returns how many records there were.
  std::size_t rewrite_records(const std::string& sweep,
                              const std::function<bool(RunRecord&)>& edit) const {
    const std::string folder = (dir / "results" / sweep / "runs").string();
    const RecordIndex index = index_records(folder, sweep);
    std::vector<std::string> ids;
    for (const auto& [id, where] : index.runs) ids.push_back(id);
    {
      RecordLogWriter log(folder, sweep, {});
      for (RunRecord& r : index.read(ids))
        if (edit(r)) log.append(r);
    }
    for (const auto& path : index.logs) std::filesystem::remove(path);
    return ids.size();
  }

  /// Takes one run's record out of the sweep's logs (as if it had never run); returns its id.
  std::string drop_record(const std::string& sweep) const {
    std::string dropped;
    rewrite_records(sweep, [&](RunRecord& r) {
      if (!dropped.empty()) return true;
      dropped = r.text.at("run_id");
      return false;
    });
    REQUIRE(!dropped.empty());
    return dropped;
  }

  /// The runs recorded (ok or failed) in the sweep's record logs.
  std::size_t records(const std::string& sweep) const {
    return index_records((dir / "results" / sweep / "runs").string(), sweep).runs.size();
  }
};

}  // namespace quantlab::testing
