// check by the result schema's groups: every wrong pass and false failure found by trying it
// as a user would, each as a case.
#include <doctest/doctest.h>

#include <cmath>

#include "datasets/hdf5_io.hpp"
#include "experiments/check.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;

namespace {

// Two runs of a kmeans sweep, with a few columns of each group and their vectors.
ResultsTable table() {
  ResultsTable t;
  t.sweep = "s";
  t.rows = 2;
  t.text = {{"run_id", {"a", "b"}},
            {"status", {"ok", "ok"}},
            {"algorithm", {"kmeans", "kashin"}},
            {"label", {"kmeans", "kashin"}},
            {"parameters", {"init=kmeans++", "transform=dct"}},
            {"tensor_checksum", {"ab12", "ab12"}},
            {"host", {"node1", "node1"}}};
  t.numbers = {
      {"mse", {0.5, 0.25}},   {"huffman_bits", {1.5, 2}},          {"alg_restarts", {1, NAN}},
      {"time_s", {0.1, 0.2}}, {"alg_decomposition_s", {NAN, 0.3}}, {"training_s", {NAN, NAN}}};
  for (const auto& [c, v] : t.text) t.columns.push_back(c);
  for (const auto& [c, v] : t.numbers) t.columns.push_back(c);
  return t;
}

Distributions vectors() {
  return {{"a", {{"codebook", {-1, 1}}, {"cluster_sizes", {3, 4}}, {"time_s", {0.1}}}},
          {"b", {{"codebook", {-2, 2}}, {"lc_test_accuracy", {0.5, 0.9}}, {"time_s", {0.2}}}}};
}

CheckReport check(const ResultsTable& results, const Distributions& rv, const ResultsTable& ref,
                  const Distributions& dv, CheckOptions options = {}) {
  options.tolerance = {0, 0};
  return check_results(results, rv, ref, dv, options);
}

}  // namespace

TEST_CASE("identical results pass at zero tolerance; timing and provenance are ignored") {
  ResultsTable other = table();
  other.numbers["time_s"] = {9, 9};
  other.numbers["alg_decomposition_s"] = {NAN, 9};  // kashin's timing output
  other.numbers["training_s"] = {4, 4};             // a network block's
  other.text["host"] = {"node2", "node2"};
  Distributions d = vectors();
  d["a"]["time_s"] = {7};
  const CheckReport r = check(other, d, table(), vectors());
  CHECK_MESSAGE(r.passed(), format_check(r));
  CHECK(r.compared_runs == 2);
  CHECK(r.compared_values > 10);
  CheckOptions all;
  all.ignore.clear();
  CHECK_FALSE(check(other, d, table(), vectors(), all).passed());
}

TEST_CASE("a duplicate run id fails, on either side") {
  ResultsTable dup = table();
  dup.text["run_id"] = {"a", "a"};
  CHECK_FALSE(check(dup, vectors(), table(), vectors()).passed());
  CHECK_FALSE(check(table(), vectors(), dup, vectors()).passed());
  CHECK(format_check(check(dup, vectors(), table(), vectors())).find("more than once") !=
        std::string::npos);
}

TEST_CASE("a column on one side only fails (a reference lacking it would never compare it)") {
  ResultsTable fewer = table();
  fewer.numbers.erase("huffman_bits");
  fewer.columns.erase(std::find(fewer.columns.begin(), fewer.columns.end(), "huffman_bits"));
  CHECK_FALSE(check(table(), vectors(), fewer, vectors()).passed());
  CHECK_FALSE(check(fewer, vectors(), table(), vectors()).passed());
  // Unless it is ignored by name or by group.
  CheckOptions options;
  options.ignore.insert("coding");
  CHECK(check(table(), vectors(), fewer, vectors(), options).passed());
}

TEST_CASE("a reference of ids only, or two empty tables, compare nothing: fail") {
  ResultsTable ids;
  ids.rows = 2;
  ids.text = {{"run_id", {"a", "b"}}, {"status", {"ok", "ok"}}};
  ids.columns = {"run_id", "status"};
  ResultsTable only_ids = ids;
  only_ids.text.erase("status");
  only_ids.columns = {"run_id"};
  const CheckReport r = check(only_ids, {}, only_ids, {});
  CHECK_FALSE(r.passed());
  CHECK(format_check(r).find("no value was compared") != std::string::npos);
  ResultsTable empty;
  empty.text = {{"run_id", {}}, {"status", {}}};
  empty.columns = {"run_id", "status"};
  CHECK_FALSE(check(empty, {}, empty, {}).passed());
}

TEST_CASE("changed identity text fails: algorithm, parameters, tensor checksum, status") {
  for (const char* column : {"algorithm", "parameters", "tensor_checksum", "status", "label"}) {
    ResultsTable changed = table();
    changed.text[column].set(1, "something else");
    const CheckReport r = check(changed, vectors(), table(), vectors());
    CHECK_MESSAGE(!r.passed(), column);
    CHECK(format_check(r).find("| " + std::string(column) + " |") != std::string::npos);
  }
}

TEST_CASE("changed stored vectors fail: codebook, cluster sizes, LC curves, a vector gone") {
  Distributions changed = vectors();
  changed["a"]["codebook"][1] = 1.0000001;
  CHECK_FALSE(check(table(), changed, table(), vectors()).passed());
  changed = vectors();
  changed["a"]["cluster_sizes"] = {3, 4, 0};
  CHECK_FALSE(check(table(), changed, table(), vectors()).passed());
  changed = vectors();
  changed["b"]["lc_test_accuracy"][0] = 0.4;
  CHECK_FALSE(check(table(), changed, table(), vectors()).passed());
  changed = vectors();
  changed["b"].erase("lc_test_accuracy");
  CHECK_FALSE(check(table(), changed, table(), vectors()).passed());
  CHECK_FALSE(check(table(), vectors(), table(), changed).passed());
  // Within a tolerance given for the vector, it passes.
  changed = vectors();
  changed["a"]["codebook"][1] = 1.0000001;
  CheckOptions options;
  options.per_metric["codebook"] = {1e-6, 0};
  CHECK(check_results(table(), changed, table(), vectors(), options).passed());
}

TEST_CASE("numbers: within the tolerance pass, beyond fail; groups and columns can be ignored") {
  ResultsTable changed = table();
  changed.numbers["mse"][0] = 0.5 * (1 + 1e-6);
  CHECK_FALSE(check(changed, vectors(), table(), vectors()).passed());
  CheckOptions options;
  options.per_metric["mse"] = {1e-5, 0};
  CHECK(check_results(changed, vectors(), table(), vectors(), options).passed());
  for (const char* ignore : {"mse", "quality"}) {
    CheckOptions o;
    o.ignore.insert(ignore);
    CHECK(check(changed, vectors(), table(), vectors(), o).passed());
  }
  changed = table();
  changed.numbers["alg_restarts"][0] = 2;  // an algorithm output is compared
  CHECK_FALSE(check(changed, vectors(), table(), vectors()).passed());
  CheckOptions unknown;
  unknown.ignore.insert("no_such_thing");
  CHECK_THROWS_AS(check(table(), vectors(), table(), vectors(), unknown), std::invalid_argument);
}

TEST_CASE("a results file with columns of unequal length is a clean error, not a crash") {
  quantlab::testing::TempDir dir;
  ResultsTable t = table();
  t.text["run_id"] = {"a"};  // shorter than the others
  const std::string path = (dir.path / "short.h5").string();
  write_results(path, t, VectorColumns{});
  try {
    read_results(path);
    FAIL("read a malformed table");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("short.h5") != std::string::npos);
    CHECK(std::string(e.what()).find("rows") != std::string::npos);
  }
}

// A results file of format 2 as quantlab wrote them before (results/README.md of then): the
// same table, and a group distributions/<run_id> per run.
void write_format2_results(const std::string& path, const ResultsTable& t, const Distributions& d) {
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, {"quantlab-results", 2, "results file", ""});
        hdf5::set_attribute(root, "sweep", t.sweep);
        hdf5::set_attribute(root, "config", t.config);
        H5::Group group = root.createGroup("table");
        std::string order;
        for (const auto& column : t.columns) {
          order += (order.empty() ? "" : ",") + column;
          if (auto text = t.text.find(column); text != t.text.end())
            hdf5::write_vector(group, column,
                               std::vector<std::string>(text->second.begin(), text->second.end()));
          else
            hdf5::write_vector(group, column, t.numbers.at(column));
        }
        hdf5::set_attribute(group, "columns", order);
        H5::Group runs = root.createGroup("distributions");
        for (const auto& [id, vectors] : d) {
          H5::Group run = runs.createGroup(id);
          for (const auto& [name, values] : vectors) hdf5::write_vector(run, name, values);
        }
      },
      /*sealed=*/true);
}

TEST_CASE("results files keep each vector as values and offsets, and format 2 is still read") {
  quantlab::testing::TempDir dir;
  const ResultsTable t = table();
  write_results(dir / "now.h5", t, vectors());
  write_format2_results(dir / "then.h5", t, vectors());
  Distributions now, then;
  const ResultsTable a = read_results(dir / "now.h5", &now);
  const ResultsTable b = read_results(dir / "then.h5", &then);
  CHECK(now == vectors());
  CHECK(then == vectors());
  CHECK(a.columns == b.columns);
  for (const auto& [column, values] : a.numbers)
    for (std::size_t r = 0; r < values.size(); ++r)
      CHECK((values[r] == b.numbers.at(column)[r] ||
             (std::isnan(values[r]) && std::isnan(b.numbers.at(column)[r]))));
  CHECK(a.text == b.text);
  CHECK(check(a, now, b, then).passed());
  // Offsets that do not fit the table are refused by name.
  VectorColumns bad;
  bad["codebook"].values = {1, 2, 3};
  bad["codebook"].offsets = {0, 2, 4};  // past the values
  CHECK_THROWS_AS(write_results(dir / "bad.h5", t, bad), std::logic_error);
  bad["codebook"].offsets = {0, 3};  // one row short
  CHECK_THROWS_AS(write_results(dir / "bad.h5", t, bad), std::logic_error);
}
