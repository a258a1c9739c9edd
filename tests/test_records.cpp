// Records that verify themselves and stand alone, through the command line: corrupt records
// and misplaced logs, merge and status without datasets, plans that download nothing, rules at
// plan time, identical sweeps that check equal, and random damage that never crashes.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "algorithms/generator.hpp"
#include "datasets/dataset_file.hpp"
#include "experiments/results_table.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using namespace quantlab;
using namespace quantlab::testing;

namespace {

const char* kSweep = R"(name: rec
datasets:
  - {name: w, file: data.h5}
algorithms: [uniform, kmeans, optimal, kashin]
bits: [1, 2]
seeds: [0]
)";  // 1 tensor x 4 algorithms x 2 K = 8 runs

void make_data(const Sandbox& box) {
  Tensor t;
  t.name = "w";
  t.shape = {40, 32};
  t.values.set_size(40 * 32);
  Generator g(5);
  for (double& v : t.values) v = g.normal();
  write_dataset_file(box.path("data.h5"), {t});
}

std::vector<fs::path> records(const Sandbox& box, const std::string& sweep) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(box.dir / "results" / sweep / "runs"))
    out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a flipped byte and another sweep's log: status and merge name them, run redoes one") {
  Sandbox box;
  make_data(box);
  box.write("rec.yaml", kSweep);
  REQUIRE(box.quantlab("run rec.yaml").status == 0);
  REQUIRE(box.quantlab("merge rec.yaml").status == 0);
  fs::copy_file(box.path("results/rec.h5"), box.path("reference.h5"));
  const auto logs = records(box, "rec");
  REQUIRE(logs.size() == 1);
  const RecordIndex index = index_records((box.dir / "results/rec/runs").string(), "rec");
  REQUIRE(index.runs.size() == 8);
  // As the commands name them: relative to the folder they run in.
  const std::string log = fs::relative(logs[0], box.dir).string();
  // A flipped byte deep inside one record (an mse, a codebook: the checksum sees any).
  const RecordLocation& victim = index.runs.begin()->second;
  std::vector<char> b = bytes(logs[0]);
  b[victim.offset + victim.size - 100] ^= 0x01;
  write_bytes(logs[0], b);
  // Another sweep's log put into this sweep's folder.
  box.write("other.yaml", std::string(kSweep).replace(0, 9, "name: other"));
  REQUIRE(box.quantlab("run other.yaml").status == 0);
  const fs::path foreign = records(box, "other")[0];
  fs::copy_file(foreign, box.dir / "results/rec/runs" / foreign.filename());
  const std::string misfiled = "results/rec/runs/" + foreign.filename().string();

  const Result status = box.quantlab("status rec.yaml");
  CHECK(status.status == 0);
  CHECK_MESSAGE(
      status.output.find("7 done, 0 failed, 1 missing, 1 bad records") != std::string::npos,
      status.output);
  CHECK(status.output.find(log + ": bytes ") != std::string::npos);
  CHECK(status.output.find("checksum mismatch") != std::string::npos);
  // Another sweep's log is noted, not read, and harms nothing.
  CHECK(status.output.find("note: " + misfiled +
                           ": the log of sweep 'other', filed under sweep 'rec'") !=
        std::string::npos);
  const Result json = box.quantlab("status rec.yaml --format json --shards 3");
  const auto j = nlohmann::json::parse(json.output);
  CHECK(j["bad"].size() == 1);
  CHECK(j["notes"].size() == 1);
  CHECK(j["done"] == 7);
  CHECK(j["format"] == "quantlab-status");

  // merge reports the damage (and the note) and writes no table; --skip-bad writes one
  // without the damaged record.
  fs::remove(box.path("results/rec.h5"));
  Result merge = box.quantlab("merge rec.yaml");
  CHECK(merge.status == 1);
  CHECK(merge.output.find("bad record: " + log) != std::string::npos);
  CHECK(merge.output.find("note: " + misfiled) != std::string::npos);
  CHECK_FALSE(fs::exists(box.path("results/rec.h5")));
  merge = box.quantlab("merge rec.yaml --skip-bad");
  CHECK(merge.status == 1);
  CHECK(read_results(box.path("results/rec.h5")).rows == 7);

  // run redoes the damaged one, saying so, and drops the bad bytes; then everything is as
  // before, bit for bit.
  const Result run = box.quantlab("run rec.yaml");
  CHECK(run.status == 0);
  CHECK(run.output.find("1 done, 7 already recorded") != std::string::npos);
  CHECK(run.output.find(log + ": bytes ") != std::string::npos);
  CHECK(run.output.find("1 record file rewritten or removed without the bad records") !=
        std::string::npos);
  CHECK(fs::exists(box.path(misfiled)));  // not this sweep's to remove
  const Result clean = box.quantlab("status rec.yaml");
  CHECK_MESSAGE(clean.output.find("8 done, 0 failed, 0 missing\n") != std::string::npos,
                clean.output);
  REQUIRE(box.quantlab("merge rec.yaml").status == 0);
  const Result c = box.quantlab("check results/rec.h5 --against reference.h5 --rtol 0 --atol 0");
  CHECK_MESSAGE(c.status == 0, c.output);
}

TEST_CASE("merge, status, report and check need no dataset; plan downloads nothing") {
  Sandbox box;
  make_data(box);
  box.write("rec.yaml", kSweep);
  REQUIRE(box.quantlab("run rec.yaml").status == 0);
  fs::remove(box.path("data.h5"));
  const Result merge = box.quantlab("merge rec.yaml");
  CHECK_MESSAGE(merge.status == 0, merge.output);
  CHECK(merge.output.find("8 runs (0 failed), 0 of 8") != std::string::npos);
  const Result status = box.quantlab("status rec.yaml");
  CHECK_MESSAGE(status.status == 0, status.output);
  CHECK(status.output.find("8 done") != std::string::npos);
  CHECK(box.quantlab("report results/rec.h5 --metric mse,gap_to_optimal").status == 0);
  CHECK(box.quantlab("check results/rec.h5 --against results/rec.h5").status == 0);
  // The config stored once, its hash in every record.
  const ResultsTable t = read_results(box.path("results/rec.h5"));
  const std::string sha = t.text.at("config_sha256")[0];
  CHECK(fs::exists(box.path("results/rec/configs/" + sha + ".yaml")));
  CHECK(t.config == kSweep);

  // The saved plan: one line of JSON, the merged runs'. Damaged, it is one error naming it.
  const std::string plan_path = box.path("results/rec/plan.json");
  std::string saved;
  {
    std::ifstream in(plan_path);
    std::getline(in, saved);
  }
  const auto plan_json = nlohmann::json::parse(saved);
  REQUIRE(plan_json["runs"].size() == 8);
  std::set<std::string> planned, merged(t.text.at("run_id").begin(), t.text.at("run_id").end());
  for (const auto& r : plan_json["runs"]) planned.insert(r["run_id"].get<std::string>());
  CHECK(planned == merged);
  auto damaged = [&](const std::string& from, const std::string& to, const std::string& why) {
    std::string text = saved;
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    box.write("results/rec/plan.json", text);
    const Result r = box.quantlab("status rec.yaml");
    CHECK(r.status != 0);
    CHECK_MESSAGE(r.output.find("plan.json: ") != std::string::npos, r.output);
    CHECK_MESSAGE(r.output.find(why) != std::string::npos, r.output);
    CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  };
  damaged("\"levels\":2", "\"levels\":\"2\"", "'levels' is not a count");
  damaged("\"label\":\"uniform\",", "", " lacks a field");
  damaged("\"runs\":[", "\"runz\":[", "not a plan (no runs)");
  damaged("quantlab-plan", "quantlab-plot", "not a quantlab plan");
  damaged("\"runs\":[", "\"runs\":[[],", "'runs' holds a list, not a run");
  damaged("\"sweep\":\"rec\"", "\"sweep\":\"../x\"", "the plan of sweep '../x', filed under 'rec'");
  damaged(saved.substr(saved.size() / 2), "", "not a readable plan");
  box.write("results/rec/plan.json", saved + "\n");
  CHECK(box.quantlab("status rec.yaml").status == 0);

  // A source not imported yet: plan lists it and fetches nothing.
  box.write("src.yaml",
            "name: src\ndatasets:\n  - {name: e, import: esrgan-slim}\n"
            "  - {name: g, synthetic: {distribution: gaussian, n: 100}}\n"
            "algorithms: [optimal]\nlevels: [2]\n");
  const Result plan = box.quantlab("plan src.yaml");
  CHECK_MESSAGE(plan.status == 0, plan.output);
  CHECK(plan.output.find("dataset e (esrgan-slim): not imported yet") != std::string::npos);
  CHECK(plan.output.find("\n1 runs\n") != std::string::npos);
  CHECK_FALSE(fs::exists(box.path("datasets")));
  const auto j = nlohmann::json::parse(box.quantlab("plan src.yaml --format json").output);
  CHECK(j["runs"].size() == 1);
  CHECK(j["runs"][0]["index"] == 0);
  CHECK(j["runs"][0]["done"] == false);
  CHECK(j["not_imported"][0] == "e (esrgan-slim)");
}

TEST_CASE("cross-parameter rules fail at plan time with the algorithm entry's line") {
  Sandbox box;
  box.write("rule.yaml",
            "name: rule\ndatasets:\n  - {name: g, synthetic: {distribution: gaussian, n: 100}}\n"
            "algorithms:\n  - optimal\n  - {name: ecsq_uniform, label: e}\nlevels: [4]\n");
  for (const char* command : {"plan", "run"}) {
    const Result r = box.quantlab(std::string(command) + " rule.yaml");
    CHECK(r.status == 2);
    CHECK(r.output.find("rule.yaml:6:") != std::string::npos);
    CHECK(r.output.find("needs a step or a rate") != std::string::npos);
  }
  CHECK(box.records("rule") == 0);
}

TEST_CASE("two identical sweeps with kashin's timings check equal at zero tolerance") {
  Sandbox a, b;
  for (const Sandbox* box : {&a, &b}) {
    make_data(*box);
    box->write("rec.yaml", kSweep);
    REQUIRE(box->quantlab("run rec.yaml --threads 2").status == 0);
    REQUIRE(box->quantlab("merge rec.yaml").status == 0);
  }
  const Result c = a.quantlab("check results/rec.h5 --against " + b.path("results/rec.h5") +
                              " --rtol 0 --atol 0");
  CHECK_MESSAGE(c.status == 0, c.output);
  // With the timing group compared they differ (alg_decomposition_s, time_s).
  const Result all = a.quantlab("check results/rec.h5 --against " + b.path("results/rec.h5") +
                                " --rtol 0 --atol 0 --compare-all");
  CHECK(all.status == 1);
  CHECK(a.quantlab("check results/rec.h5 --against results/rec.h5 --ignore nonsense").status == 2);
}

TEST_CASE("random damage to records and dataset files: clean errors, no signal, bounded memory") {
  Sandbox box;
  make_data(box);
  box.write("rec.yaml", kSweep);
  REQUIRE(box.quantlab("run rec.yaml").status == 0);
  const fs::path record = records(box, "rec")[0];  // the sweep's one log: 8 records
  const std::vector<char> good_record = bytes(record);
  const std::vector<char> good_data = bytes(box.path("data.h5"));
  Generator g(2026);
  // Under a 2 GiB address-space limit, an allocation sized by a damaged header fails the
  // command (and so this test) instead of the machine.
  const std::string limit = "ulimit -v 2097152;";
  std::size_t tried = 0, clean = 0, signals = 0;
  auto damage = [&](std::vector<char> b) {
    const std::size_t kind = g.below(3);
    if (kind == 0) {  // a few flipped bytes
      for (int k = 0; k < 1 + static_cast<int>(g.below(4)); ++k)
        b[g.below(b.size())] ^= static_cast<char>(1 + g.below(255));
    } else if (kind == 1) {  // truncated
      b.resize(g.below(b.size()));
    } else {  // a run of random bytes
      const std::size_t at = g.below(b.size()), n = std::min<std::size_t>(64, b.size() - at);
      for (std::size_t i = 0; i < n; ++i) b[at + i] = static_cast<char>(g.below(256));
    }
    return b;
  };
  auto count = [&](const Result& r) {
    ++tried;
    // 0: damage the command could not see (in padding or in a value) or read cleanly;
    // 1 or 2: a clean error. Anything else is a signal (128 + n from the shell) or an abort.
    if (r.status == 0 || r.status == 1 || r.status == 2) ++clean;
    if (r.status > 2) {
      ++signals;
      MESSAGE(r.output);
    }
  };
  for (int i = 0; i < 150; ++i) {
    write_bytes(record, damage(good_record));
    const Result status = box.quantlab("status rec.yaml", limit);
    count(status);
    count(box.quantlab("merge rec.yaml", limit));
    // A damaged record is never read as done.
    if (bytes(record) != good_record) CHECK(status.output.find("8 done") == std::string::npos);
  }
  write_bytes(record, good_record);
  for (int i = 0; i < 150; ++i) {
    write_bytes(box.path("data.h5"), damage(good_data));
    count(box.quantlab("dataset ls data.h5", limit));
  }
  MESSAGE("damaged files tried: ", tried, ", clean: ", clean, ", signals: ", signals);
  CHECK(tried == 450);
  CHECK(signals == 0);
  CHECK(clean == tried);
}
