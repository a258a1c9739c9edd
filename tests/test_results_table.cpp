// The merged results table: text columns as codes into their distinct values (in memory and
// in format 4 files), read back equal; format-3 files still read; damaged codes refused.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>

#include "algorithms/generator.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/results_table.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;
using namespace quantlab::testing;

TEST_CASE("a text column reads as the vector of strings it was given, whatever the edits") {
  Generator g(3);
  const std::vector<std::string> words = {
      "", "kmeans", "optimal", "a much longer cell value x", "Optimal", "kmeans "};
  for (int trial = 0; trial < 200; ++trial) {
    TextColumn column;
    std::vector<std::string> reference;
    for (int step = 0; step < 30; ++step) {
      const std::string& w = words[g.below(words.size())];
      switch (g.below(5)) {
        case 0:
          column.push_back(w);
          reference.push_back(w);
          break;
        case 1: {
          const std::size_t n = g.below(12);
          column.resize(n, w);
          reference.resize(n, w);
          break;
        }
        case 2: {
          const TextColumn other = {w, words[1], w};
          column.append(other);
          reference.insert(reference.end(), {w, words[1], w});
          break;
        }
        case 3:
          column.resize(column.size() + 2);  // empty cells
          reference.resize(reference.size() + 2);
          break;
        default:
          if (!reference.empty()) {
            const std::size_t row = g.below(reference.size());
            column.set(row, w);
            reference[row] = w;
          }
      }
      REQUIRE(column == reference);
    }
    // Each distinct value is stored once, and the codes index them.
    std::map<std::string, int> distinct;
    for (const auto& v : column.values()) CHECK(++distinct[v] == 1);
    for (std::size_t row = 0; row < column.size(); ++row)
      CHECK(column.values()[column.codes()[row]] == reference[row]);
    CHECK(std::vector<std::string>(column.begin(), column.end()) == reference);
  }
  // Many distinct values: the table grows and still finds each.
  TextColumn ids;
  for (int i = 0; i < 5000; ++i) ids.push_back("run" + std::to_string(i % 3000));
  CHECK(ids.values().size() == 3000);
  for (int i = 0; i < 5000; ++i) CHECK(ids[i] == "run" + std::to_string(i % 3000));
  CHECK_THROWS_AS(ids.at(5000), std::out_of_range);
}

TEST_CASE("a column from stored codes is refused when a code or a value is wrong") {
  const TextColumn c = TextColumn::from_codes({1, 0, 1}, {"a", "b"});
  CHECK(c == std::vector<std::string>{"b", "a", "b"});
  CHECK_THROWS_WITH_AS(TextColumn::from_codes({0, 2}, {"a", "b"}),
                       doctest::Contains("a code 2 for 2 values"), std::runtime_error);
  CHECK_THROWS_WITH_AS(TextColumn::from_codes({0}, {"a", "a"}),
                       doctest::Contains("the value 'a' twice"), std::runtime_error);
}

namespace {

ResultsTable small_table() {
  ResultsTable t;
  t.sweep = "s";
  t.config = "name: s\n";
  t.rows = 4;
  t.columns = {"run_id", "status", "mse", "label"};
  t.text["run_id"] = {"r0", "r1", "r2", "r3"};
  t.text["status"] = {"ok", "ok", "failed", "ok"};
  t.text["label"] = {"k", "", "k", "é"};
  t.numbers["mse"] = {0.5, std::nan(""), 1e-300, -2};
  return t;
}

void check_equal(const ResultsTable& a, const ResultsTable& b) {
  CHECK(a.columns == b.columns);
  CHECK(a.rows == b.rows);
  for (const auto& [name, cells] : a.text) CHECK(b.text.at(name) == cells);
  for (const auto& [name, values] : a.numbers)
    for (std::size_t r = 0; r < values.size(); ++r)
      CHECK(std::memcmp(&values[r], &b.numbers.at(name)[r], sizeof(double)) == 0);
}

}  // namespace

TEST_CASE("format 4 stores a text column as codes and its distinct values, and reads it back") {
  TempDir dir;
  const std::string path = (dir.path / "t.h5").string();
  const ResultsTable t = small_table();
  write_results(path, t, VectorColumns{});
  check_equal(t, read_results(path));

  std::vector<char> image = hdf5::read_sealed_file(path, 1 << 20);
  H5::H5File file = hdf5::open_file_image(image);
  H5::Group root = file.openGroup("/");
  CHECK(hdf5::number_attribute(root, "format_version") == 4);
  CHECK(file.openGroup("table").openDataSet("status").getTypeClass() == H5T_INTEGER);
  CHECK(hdf5::read_uint32s(file.openGroup("table"), "status") ==
        std::vector<std::uint32_t>{0, 0, 1, 0});
  H5::Group status = file.openGroup("text_values").openGroup("status");
  CHECK(hdf5::read_bytes(status, "bytes") == "okfailed");
  CHECK(hdf5::read_doubles(status, "offsets") == std::vector<double>{0, 2, 8});
}

namespace {

// A format-4 text column's distinct values, as quantlab writes them.
void write_values(H5::Group& root, const std::string& column,
                  const std::vector<std::string>& values) {
  H5::Group all = root.nameExists("text_values") ? root.openGroup("text_values")
                                                 : root.createGroup("text_values");
  H5::Group g = all.createGroup(column);
  std::string bytes;
  std::vector<std::int64_t> offsets{0};
  for (const auto& v : values) {
    bytes += v;
    offsets.push_back(static_cast<std::int64_t>(bytes.size()));
  }
  hdf5::write_bytes(g, "bytes", bytes);
  hdf5::write_vector(g, "offsets", offsets);
}

// A sealed results file of format `version` written by hand: `fill` writes the table's
// columns (and, for format 4, the text values) and returns their order.
void write_by_hand(const std::string& path, int version,
                   const std::function<std::string(H5::Group& root, H5::Group& table)>& fill) {
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, {"quantlab-results", version, "results file", ""});
        hdf5::set_attribute(root, "sweep", std::string("s"));
        hdf5::set_attribute(root, "config", std::string("name: s\n"));
        H5::Group table = root.createGroup("table");
        hdf5::set_attribute(table, "columns", fill(root, table));
        root.createGroup("distributions");
      },
      /*sealed=*/true);
}

// A format-4 table of run_id (values r0, r1) and status (value ok), with the codes given.
template <class RunIdCode>
void write_run_ids_and_status(const std::string& path, const std::vector<RunIdCode>& run_ids,
                              const std::vector<std::uint32_t>& statuses) {
  write_by_hand(path, 4, [&](H5::Group& root, H5::Group& table) {
    hdf5::write_vector(table, "run_id", run_ids);
    write_values(root, "run_id", {"r0", "r1"});
    hdf5::write_vector(table, "status", statuses);
    write_values(root, "status", {"ok"});
    return std::string("run_id,status");
  });
}

}  // namespace

TEST_CASE("a format-3 file (text cells as strings) is still read; a stray code is refused") {
  TempDir dir;
  const ResultsTable t = small_table();
  // Format 3 as quantlab wrote it: each text cell a variable-length string in the table.
  const std::string old = (dir.path / "old.h5").string();
  write_by_hand(old, 3, [&](H5::Group&, H5::Group& table) {
    for (const auto& c : t.columns)
      if (t.text.count(c))
        hdf5::write_vector(table, c,
                           std::vector<std::string>(t.text.at(c).begin(), t.text.at(c).end()));
      else
        hdf5::write_vector(table, c, t.numbers.at(c));
    return std::string("run_id,status,mse,label");
  });
  check_equal(t, read_results(old));

  // Format 4 with a code past the column's values (sealed, so only the code is wrong).
  const std::string bad = (dir.path / "bad.h5").string();
  write_run_ids_and_status(bad, std::vector<std::uint32_t>{0, 1}, {0, 7});
  CHECK_THROWS_WITH_AS(read_results(bad),
                       doctest::Contains("text column 'status': a code 7 for 1 values"),
                       std::runtime_error);

  // Codes of another integer type (a -1 would be clipped to a valid 0 on reading): refused.
  const std::string signed_codes = (dir.path / "signed.h5").string();
  write_run_ids_and_status(signed_codes, std::vector<std::int64_t>{0, -1}, {0, 0});
  CHECK_THROWS_WITH_AS(read_results(signed_codes),
                       doctest::Contains("text column 'run_id' is not uint32 codes"),
                       std::runtime_error);

  // Offsets that leave the bytes, and a column that claims more rows than its file holds.
  const std::string offsets = (dir.path / "offsets.h5").string();
  write_by_hand(offsets, 4, [&](H5::Group& root, H5::Group& table) {
    hdf5::write_vector(table, "run_id", std::vector<std::uint32_t>{0});
    H5::Group g = root.createGroup("text_values").createGroup("run_id");
    hdf5::write_bytes(g, "bytes", "r0");
    hdf5::write_vector(g, "offsets", std::vector<std::int64_t>{0, 5});
    return std::string("run_id");
  });
  CHECK_THROWS_WITH_AS(read_results(offsets), doctest::Contains("offsets do not fit its bytes"),
                       std::runtime_error);
  const std::string huge = (dir.path / "huge.h5").string();
  write_by_hand(huge, 4, [&](H5::Group& root, H5::Group& table) {
    hsize_t rows = hsize_t{1} << 34;  // never written: HDF5 would read fill values
    table.createDataSet("mse", H5::PredType::IEEE_F64LE, H5::DataSpace(1, &rows));
    hdf5::write_vector(table, "run_id", std::vector<std::uint32_t>{0});
    write_values(root, "run_id", {"r0"});
    return std::string("mse,run_id");
  });
  CHECK_THROWS_WITH_AS(read_results(huge), doctest::Contains("'mse' declares 17179869184 values"),
                       std::runtime_error);
}

TEST_CASE("any byte of a text cell, a NUL too, is kept") {
  TempDir dir;
  ResultsTable t = small_table();
  t.text["label"] = {std::string("x\0y", 3), std::string("x\0z", 3), "", "\xff"};
  const std::string path = (dir.path / "nul.h5").string();
  write_results(path, t, VectorColumns{});
  check_equal(t, read_results(path));
}
