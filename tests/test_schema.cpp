// The result schema: every column declared once; outputs combined over groups as declared;
// records that refuse undeclared columns and verify themselves.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "algorithms/ecsq.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/uniform.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/record_log.hpp"
#include "experiments/result_schema.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;
namespace fs = std::filesystem;

namespace {

// A quantizer that reports an output nobody declared.
class Chatty : public Quantizer {
 private:
  Quantized quantize_values(const arma::vec& x, const arma::vec&, std::size_t,
                            Generator&) const override {
    Quantized q;
    q.reconstruction = x;
    q.codebook = arma::unique(x);
    q.indices.zeros(x.n_elem);
    q.scalars["surprise"] = 1;
    return q;
  }
};

RunRecord minimal_record(const std::string& id) {
  RunRecord r;
  r.text = {{"run_id", id},
            {"status", "ok"},
            {"sweep", "s"},
            {"algorithm", "uniform"},
            {"label", "uniform"}};
  r.numbers = {{"mse", 0.5}, {"alg_step", 0.25}};
  r.vectors = {{"codebook", {-1, 1}}};
  r.provenance = {{"host", "h"}};
  return r;
}

}  // namespace

TEST_CASE("every column is declared once, with a doc; every group has columns") {
  std::set<std::pair<std::string, bool>> seen;
  std::set<ColumnGroup> groups;
  for (const auto& c : core_columns()) {
    CHECK_MESSAGE(seen.insert({c.name, c.type == ColumnType::vector}).second, c.name);
    CHECK_MESSAGE(!c.doc.empty(), c.name);
    groups.insert(c.group);
  }
  for (const auto& a : algorithms())
    for (const auto& c : algorithm_columns(a)) {
      CHECK_MESSAGE(!c.doc.empty(), c.name);
      CHECK(find_column(c.name, c.type == ColumnType::vector, a.name) != nullptr);
      groups.insert(c.group);
    }
  CHECK(groups.size() == 7);
  CHECK(find_column("alg_decomposition_s", false)->group == ColumnGroup::timing);
  CHECK(find_column("alg_step", false, "kmeans") == nullptr);  // uniform's, not kmeans'
  CHECK(parse_group("coding") == ColumnGroup::coding);
  CHECK_FALSE(parse_group("nonsense"));
}

TEST_CASE("a quantizer reporting an undeclared output is an error") {
  const arma::vec x = "1 2 3 4";
  const std::vector<TensorGroup> groups = {TensorGroup::range(0, 4)};
  Generator g(0);
  CHECK_THROWS_AS(quantize_groups(Chatty(), {}, x, {}, groups, {4}, 4, g), std::logic_error);
  const std::vector<OutputSpec> declared = {scalar_output("surprise", Combine::sum, "", "ok")};
  CHECK(quantize_groups(Chatty(), declared, x, {}, groups, {4}, 4, g).scalars.at("surprise") == 1);
}

TEST_CASE("per-group outputs combine as declared: a step per group, entropy weighted by size") {
  // Three rows of different spreads and lengths 4: uniform's step differs per row.
  const arma::vec x = "0 1 2 3  0 10 20 30  -5 -4 6 7";
  const std::vector<TensorGroup> groups = {TensorGroup::range(0, 4), TensorGroup::range(4, 4),
                                           TensorGroup::range(8, 4)};
  Generator g(0);
  const UniformQuantizer uniform(UniformMode::minmax, UniformReconstruction::grid, 0);
  const GroupedResult r =
      quantize_groups(uniform, find_algorithm("uniform")->outputs, x, {}, groups, {4, 4, 4}, 2, g);
  CHECK(std::isnan(r.scalars.at("step")));  // no single step for three rows
  REQUIRE(r.per_group.at("step").size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const Quantized alone = uniform.quantize(groups[i].values_of(x), {}, 2, g);
    CHECK(r.per_group.at("step")[i] == alone.scalars.at("step"));
  }
  CHECK(r.per_group.at("step")[1] == 30);  // minmax, K = 2: the step is the range

  // ecsq_uniform's entropy: each group's weighted by its size (the groups differ in size).
  // One group a list of indices, the other a range.
  const std::vector<TensorGroup> uneven = {TensorGroup(arma::uvec{0, 1}),
                                           TensorGroup::range(2, 10)};
  const UniformEcsqQuantizer ecsq(1.5, 0);
  const GroupedResult e =
      quantize_groups(ecsq, find_algorithm("ecsq_uniform")->outputs, x, {}, uneven, {2, 10}, 8, g);
  const double h0 = ecsq.quantize(x.subvec(0, 1), {}, 2, g).scalars.at("entropy");
  const double h1 = ecsq.quantize(x.subvec(2, 11), {}, 8, g).scalars.at("entropy");
  CHECK(e.scalars.at("entropy") == doctest::Approx((2 * h0 + 10 * h1) / 12).epsilon(1e-15));
  CHECK(h0 != h1);
  // One group: the value itself, no vector.
  const GroupedResult one = quantize_groups(uniform, find_algorithm("uniform")->outputs, x, {},
                                            {TensorGroup::range(0, 12)}, {12}, 2, g);
  CHECK(one.scalars.at("step") == 35);
  CHECK(one.per_group.empty());
}

TEST_CASE("a record with an undeclared column is refused when written") {
  quantlab::testing::TempDir dir;
  RecordLogWriter log(dir.path, "s", {{"host", "h"}});
  RunRecord r = minimal_record("0123456789abcdef");
  r.numbers["mystery"] = 1;
  CHECK_THROWS_AS(log.append(r), std::logic_error);
  r = minimal_record("0123456789abcdef");
  r.numbers["alg_restarts"] = 1;  // kmeans's output, not uniform's
  CHECK_THROWS_AS(log.append(r), std::logic_error);
  r = minimal_record("0123456789abcdef");
  r.provenance["mse"] = "1";  // a column, but not provenance
  CHECK_THROWS_AS(log.append(r), std::logic_error);
  r = minimal_record("0123456789abcdef");
  r.text.erase("sweep");
  CHECK_THROWS_AS(log.append(r), std::logic_error);
  const RecordIndex index = index_records(dir.path, "s");
  CHECK(index.logs.size() == 1);
  CHECK(index.runs.empty());
  CHECK(index.bad.empty());
}

TEST_CASE("a log larger than a piece is indexed a piece at a time and its records read again") {
  // 5,000 records of 8 KB and, among them, one of 40 MB (larger than the 32 MiB piece the
  // indexer reads at a time): every record read back is the one written.
  quantlab::testing::TempDir dir;
  std::vector<RunRecord> written;
  std::string path;
  {
    RecordLogWriter log(dir.path, "s", {{"cpu", "c"}});
    for (std::size_t i = 0; i < 5001; ++i) {
      char id[17];
      std::snprintf(id, sizeof id, "%016zx", i);
      RunRecord r = minimal_record(id);
      r.numbers["mse"] = static_cast<double>(i);
      r.vectors["codebook"].assign(i == 2500 ? 5000000 : 1000, static_cast<double>(i) / 7);
      if (i % 3 == 0) r.text["status"] = "failed";
      log.append(r);
      written.push_back(std::move(r));
    }
    path = log.path();
  }
  const RecordIndex index = index_records(dir.path, "s");
  REQUIRE(index.bad.empty());
  CHECK(index.notes.empty());
  REQUIRE(index.runs.size() == written.size());
  std::vector<std::string> ids;
  for (const auto& r : written) ids.push_back(r.text.at("run_id"));
  const std::vector<RunRecord> back = index.read(ids, 2);
  std::size_t equal = 0;
  for (std::size_t i = 0; i < written.size(); ++i)
    equal += back[i].text == written[i].text && back[i].numbers == written[i].numbers &&
             back[i].vectors == written[i].vectors;
  CHECK(equal == written.size());
  CHECK(index.state(ids[3]) == RunState::failed);
  CHECK(index.state(ids[4]) == RunState::done);

  // The log rewritten since it was indexed, one byte of a record changed, then cut back:
  // the records are not read from it.
  std::vector<char> all = bytes(path);
  all[index.runs.at(ids[7]).offset + 10] ^= 1;
  fs::remove(path);
  write_bytes(path, all);
  CHECK_THROWS_WITH(index.read({ids[7]}), doctest::Contains(path.c_str()));
  all[index.runs.at(ids[7]).offset + 10] ^= 1;  // healthy again

  // Damage in the last piece, found after the records of the first were indexed: they are
  // forgotten, and the log read whole counts each good record once and names the damage.
  all[index.runs.at(ids.back()).offset + 10] ^= 1;
  write_bytes(path, all);
  const RecordIndex damaged = index_records(dir.path, "s");
  CHECK(damaged.bad.size() == 1);
  CHECK(damaged.runs.size() == written.size() - 1);
  CHECK(damaged.superseded == 0);
  CHECK(damaged.state(ids.back()) == RunState::missing);
  all[index.runs.at(ids.back()).offset + 10] ^= 1;

  write_bytes(path, all);
  const RecordIndex again = index_records(dir.path, "s");
  REQUIRE(again.bad.empty());
  REQUIRE(::truncate(path.c_str(), static_cast<off_t>(all.size() / 2)) == 0);
  CHECK_THROWS_WITH(again.read({ids.back()}), doctest::Contains(path.c_str()));
}

TEST_CASE("record logs verify themselves: every flipped byte, a torn end, another sweep's") {
  quantlab::testing::TempDir dir;
  const RunRecord first = minimal_record("0123456789abcdef");
  RunRecord second = minimal_record("fedcba9876543210");
  second.numbers["mse"] = 0.25;
  second.vectors["codebook"] = {-2, 0, 2};
  std::string path;
  {
    RecordLogWriter log(dir.path, "s", {{"cpu", "c"}});
    log.append(first);
    log.append(second);
    path = log.path();
  }
  RecordIndex index = index_records(dir.path, "s");
  REQUIRE(index.bad.empty());
  REQUIRE(index.runs.size() == 2);
  auto same = [](const RunRecord& a, const RunRecord& b) {
    return a.text == b.text && a.numbers == b.numbers && a.vectors == b.vectors;
  };
  const std::vector<RunRecord> back = index.read({"fedcba9876543210", "0123456789abcdef"}, 2);
  CHECK(same(back[0], second));
  CHECK(same(back[1], first));
  // The shared provenance, stored once in the log's header, is in every record read.
  CHECK(back[0].provenance == std::map<std::string, std::string>{{"cpu", "c"}, {"host", "h"}});

  const std::vector<char> good = bytes(path);
  // Every byte flipped in turn: the damage is named (with the file), and every record still
  // counted is exactly one written.
  // A longer length in the last frame's header looks like a frame torn by a kill: that run
  // is missing (to be run again), not damaged.
  std::size_t named = 0, torn = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::vector<char> bad = good;
    bad[i] ^= 0x10;
    write_bytes(path, bad);
    const RecordIndex damaged = index_records(dir.path, "s");
    // (A flipped magic makes it a file that is not a log: noted, not read.)
    const auto& told = damaged.bad.empty() ? damaged.notes : damaged.bad;
    named += !told.empty() && told[0].find(path) != std::string::npos;
    torn += damaged.bad.empty() && damaged.unfinished == 1 && damaged.runs.size() == 1;
    for (const auto& [id, where] : damaged.runs) {
      const RunRecord r = damaged.read({id})[0];
      CHECK_MESSAGE(same(r, id == first.text.at("run_id") ? first : second), i);
    }
  }
  CHECK(named + torn == good.size());
  CHECK(torn <= 8);

  // Cut inside the last record (a run killed while writing): that run is missing, no damage.
  write_bytes(path, std::vector<char>(good.begin(), good.end() - 9));
  index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  CHECK(index.unfinished == 1);
  CHECK(index.runs.size() == 1);
  CHECK(index.state("0123456789abcdef") == RunState::done);
  CHECK(index.state("fedcba9876543210") == RunState::missing);

  // Damage in the first record: named, and a repair keeps the second record alone.
  std::vector<char> bad = good;
  bad[good.size() - 200] ^= 0x01;
  bad[220] ^= 0x01;
  write_bytes(path, bad);
  index = index_records(dir.path, "s");
  REQUIRE(index.bad.size() == 1);
  CHECK(index.bad[0].find("checksum mismatch") != std::string::npos);
  CHECK(index.runs.size() == 0);
  write_bytes(path, good);
  bad = good;
  bad[220] ^= 0x01;  // inside the first record
  write_bytes(path, bad);
  index = index_records(dir.path, "s");
  REQUIRE(index.bad.size() == 1);
  CHECK(index.runs.size() == 1);
  CHECK(repair_logs(index) == 1);
  CHECK_FALSE(fs::exists(path));
  index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  CHECK(index.runs.size() == 1);
  CHECK(same(index.read({"fedcba9876543210"})[0], second));

  // Another sweep's log, a file that is no log at all, one being started and a FIFO: noted,
  // never read as records, never a reason to refuse a merge.
  const RecordIndex other = index_records(dir.path, "t");
  CHECK(other.bad.empty());
  CHECK(other.runs.empty());
  REQUIRE(other.notes.size() == 1);
  CHECK(other.notes[0].find("the log of sweep 's', filed under sweep 't'") != std::string::npos);
  write_bytes(dir / "x.records", std::vector<char>(2000, 'x'));
  write_bytes(dir / "y.records", std::vector<char>(5, 'Q'));
  REQUIRE(::mkfifo((dir / "z.records").c_str(), 0644) == 0);
  index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  CHECK(index.runs.size() == 1);
  REQUIRE(index.notes.size() == 2);
  const std::string notes = index.notes[0] + index.notes[1];
  CHECK(notes.find("x.records: not a record log (no QLRECLOG") != std::string::npos);
  CHECK(notes.find("z.records: not a regular file") != std::string::npos);
}

// A format-2 record as quantlab wrote them before record logs (results/README.md of then):
// a sealed HDF5 file <run-id>.h5 with groups fields, vectors and provenance.
void write_format2_record(const std::string& path, const RunRecord& record) {
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, {"quantlab-run", 2, "run record", ""});
        H5::Group fields = root.createGroup("fields");
        for (const auto& [key, value] : record.text) hdf5::set_attribute(fields, key, value);
        for (const auto& [key, value] : record.numbers) hdf5::set_attribute(fields, key, value);
        H5::Group vectors = root.createGroup("vectors");
        for (const auto& [key, value] : record.vectors) hdf5::write_vector(vectors, key, value);
        H5::Group provenance = root.createGroup("provenance");
        for (const auto& [key, value] : record.provenance)
          hdf5::set_attribute(provenance, key, value);
      },
      /*sealed=*/true);
}

TEST_CASE("format-2 records (one HDF5 file a run) are still read, and a damaged one is dropped") {
  quantlab::testing::TempDir dir;
  const RunRecord old = minimal_record("0123456789abcdef");
  write_format2_record(dir / "0123456789abcdef.h5", old);
  RunRecord failed = minimal_record("fedcba9876543210");
  failed.text["status"] = "failed";
  write_format2_record(dir / "fedcba9876543210.h5", failed);
  {  // the failed run run again, into a log: it counts over the old failure
    RecordLogWriter log(dir.path, "s", {});
    log.append(minimal_record("fedcba9876543210"));
  }
  RecordIndex index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  CHECK(index.state("0123456789abcdef") == RunState::done);
  CHECK(index.state("fedcba9876543210") == RunState::done);
  const RunRecord back = index.read({"0123456789abcdef"})[0];
  CHECK(back.numbers == old.numbers);
  CHECK(back.vectors == old.vectors);
  CHECK(back.provenance == old.provenance);
  // Filed under another run's name, damaged, not a record at all: noted and left in place;
  // their runs are missing until recorded again in a log.
  fs::copy_file(dir / "0123456789abcdef.h5", dir / "1111111111111111.h5");
  std::vector<char> b = bytes(dir / "0123456789abcdef.h5");
  b[b.size() - 100] ^= 0x01;
  write_bytes(dir / "0123456789abcdef.h5", b);
  write_bytes(dir / "junk.h5", {});
  index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  REQUIRE(index.notes.size() == 3);
  CHECK(index.notes[0].find("0123456789abcdef.h5: checksum") != std::string::npos);
  CHECK(index.notes[1].find("filed under another run's name") != std::string::npos);
  CHECK(index.notes[2].find("junk.h5") != std::string::npos);
  CHECK(index.state("0123456789abcdef") == RunState::missing);
  CHECK(repair_logs(index) == 0);
  CHECK(fs::exists(dir / "0123456789abcdef.h5"));
  {
    RecordLogWriter log(dir.path, "s", {});
    log.append(minimal_record("0123456789abcdef"));
  }
  index = index_records(dir.path, "s");
  CHECK(index.notes[0].find("(recorded again since)") != std::string::npos);
  CHECK(index.runs.size() == 2);
}

TEST_CASE("a damaged reserved word is mended by a repair; a field twice is a bad record") {
  quantlab::testing::TempDir dir;
  std::string path;
  {
    RecordLogWriter log(dir.path, "s", {});
    log.append(minimal_record("0123456789abcdef"));
    path = log.path();
  }
  std::vector<char> b = bytes(path);
  b[13] = 1;
  write_bytes(path, b);
  RecordIndex index = index_records(dir.path, "s");
  REQUIRE(index.bad.size() == 1);
  CHECK(index.bad[0].find("reserved word") != std::string::npos);
  CHECK(index.runs.size() == 1);  // its records verify on their own
  CHECK(repair_logs(index) == 1);
  index = index_records(dir.path, "s");
  CHECK(index.bad.empty());
  CHECK(index.runs.size() == 1);

  // The encoding of a record with a number given twice (no writer makes one): refused.
  std::string payload = encode_run_record(minimal_record("0123456789abcdef"));
  const std::string mse = std::string("\x03\0\0\0mse", 7);
  const std::size_t at = payload.find(mse);
  REQUIRE(at != std::string::npos);
  std::string twice = payload.substr(0, at) + payload.substr(at, 7 + 8) + payload.substr(at);
  // The count of numbers, one more.
  const std::size_t count_at = payload.rfind(std::string("\x02\0\0\0", 4), at);
  REQUIRE(count_at != std::string::npos);
  twice[count_at] = 3;
  CHECK_THROWS_WITH_AS(decode_run_record(twice.data(), twice.size()),
                       doctest::Contains("the field 'mse' twice"), std::runtime_error);

  // Fields out of their name order (no writer makes them) are refused as well.
  const std::string step = std::string("\x08\0\0\0alg_step", 12);
  const std::size_t first = payload.find(step);
  REQUIRE(first != std::string::npos);
  REQUIRE(first + 12 + 8 == at);  // alg_step's number, then mse's
  const std::string swapped = payload.substr(0, first) + payload.substr(at, 7 + 8) +
                              payload.substr(first, 12 + 8) + payload.substr(at + 7 + 8);
  CHECK_THROWS_WITH_AS(decode_run_record(swapped.data(), swapped.size()),
                       doctest::Contains("the field 'alg_step' out of order"), std::runtime_error);
  RecordView view;
  CHECK_THROWS_AS(view_run_record(swapped.data(), swapped.size(), view), std::runtime_error);
  view_run_record(payload.data(), payload.size(), view);
  CHECK(view.run_id == "0123456789abcdef");
  REQUIRE(view.numbers.size() == 2);
  CHECK(view.numbers[1].first == "mse");
  CHECK(view.numbers[1].second == 0.5);
  REQUIRE(view.vectors.size() == 1);
  CHECK(view.vectors[0].second.copy() == std::vector<double>{-1, 1});
}

TEST_CASE("a run recorded twice counts once: ok over failed, else the later record") {
  quantlab::testing::TempDir dir;
  RunRecord failed = minimal_record("0123456789abcdef");
  failed.text["status"] = "failed";
  {
    RecordLogWriter log(dir.path, "s", {});
    log.append(minimal_record("0123456789abcdef"));
    log.append(failed);  // a failure after an ok (not written by quantlab, but readable)
    log.append(failed);
  }
  RecordIndex index = index_records(dir.path, "s");
  CHECK(index.superseded == 2);
  CHECK(index.state("0123456789abcdef") == RunState::done);
  // A copy of the log: each record twice, counted once.
  fs::copy_file(index.logs[0], dir / "copy.records");
  index = index_records(dir.path, "s");
  CHECK(index.runs.size() == 1);
  CHECK(index.bad.empty());
}
