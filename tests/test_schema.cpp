// The result schema: every column declared once; outputs combined over groups as declared;
// records that refuse undeclared columns and verify themselves.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "algorithms/ecsq.hpp"
#include "algorithms/registry.hpp"
#include "algorithms/uniform.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/run_record.hpp"
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
  r.text = {{"run_id", id}, {"status", "ok"}, {"algorithm", "uniform"}, {"label", "uniform"}};
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
  const std::vector<arma::uvec> groups = {arma::regspace<arma::uvec>(0, 3)};
  Generator g(0);
  CHECK_THROWS_AS(quantize_groups(Chatty(), {}, x, {}, groups, {4}, 4, g), std::logic_error);
  const std::vector<OutputSpec> declared = {scalar_output("surprise", Combine::sum, "", "ok")};
  CHECK(quantize_groups(Chatty(), declared, x, {}, groups, {4}, 4, g).scalars.at("surprise") == 1);
}

TEST_CASE("per-group outputs combine as declared: a step per group, entropy weighted by size") {
  // Three rows of different spreads and lengths 4: uniform's step differs per row.
  const arma::vec x = "0 1 2 3  0 10 20 30  -5 -4 6 7";
  const std::vector<arma::uvec> groups = {arma::regspace<arma::uvec>(0, 3),
                                          arma::regspace<arma::uvec>(4, 7),
                                          arma::regspace<arma::uvec>(8, 11)};
  Generator g(0);
  const UniformQuantizer uniform(UniformMode::minmax, UniformReconstruction::grid, 0);
  const GroupedResult r =
      quantize_groups(uniform, find_algorithm("uniform")->outputs, x, {}, groups, {4, 4, 4}, 2, g);
  CHECK(std::isnan(r.scalars.at("step")));  // no single step for three rows
  REQUIRE(r.per_group.at("step").size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    const Quantized alone = uniform.quantize(x.elem(groups[i]), {}, 2, g);
    CHECK(r.per_group.at("step")[i] == alone.scalars.at("step"));
  }
  CHECK(r.per_group.at("step")[1] == 30);  // minmax, K = 2: the step is the range

  // ecsq_uniform's entropy: each group's weighted by its size (the groups differ in size).
  const std::vector<arma::uvec> uneven = {arma::regspace<arma::uvec>(0, 1),
                                          arma::regspace<arma::uvec>(2, 11)};
  const UniformEcsqQuantizer ecsq(1.5, 0);
  const GroupedResult e =
      quantize_groups(ecsq, find_algorithm("ecsq_uniform")->outputs, x, {}, uneven, {2, 10}, 8, g);
  const double h0 = ecsq.quantize(x.elem(uneven[0]), {}, 2, g).scalars.at("entropy");
  const double h1 = ecsq.quantize(x.elem(uneven[1]), {}, 8, g).scalars.at("entropy");
  CHECK(e.scalars.at("entropy") == doctest::Approx((2 * h0 + 10 * h1) / 12).epsilon(1e-15));
  CHECK(h0 != h1);
  // One group: the value itself, no vector.
  const GroupedResult one = quantize_groups(uniform, find_algorithm("uniform")->outputs, x, {},
                                            {arma::regspace<arma::uvec>(0, 11)}, {12}, 2, g);
  CHECK(one.scalars.at("step") == 35);
  CHECK(one.per_group.empty());
}

TEST_CASE("a record with an undeclared column is refused when written") {
  quantlab::testing::TempDir dir;
  RunRecord r = minimal_record("0123456789abcdef");
  r.numbers["mystery"] = 1;
  CHECK_THROWS_AS(write_run_record(dir / "0123456789abcdef.h5", r), std::logic_error);
  r = minimal_record("0123456789abcdef");
  r.numbers["alg_restarts"] = 1;  // kmeans's output, not uniform's
  CHECK_THROWS_AS(write_run_record(dir / "0123456789abcdef.h5", r), std::logic_error);
  r = minimal_record("0123456789abcdef");
  r.provenance["mse"] = "1";  // a column, but not provenance
  CHECK_THROWS_AS(write_run_record(dir / "0123456789abcdef.h5", r), std::logic_error);
  CHECK_FALSE(fs::exists(dir / "0123456789abcdef.h5"));
}

TEST_CASE("records verify themselves: a flipped byte, another run's name, a truncation") {
  quantlab::testing::TempDir dir;
  const std::string path = dir / "0123456789abcdef.h5";
  write_run_record(path, minimal_record("0123456789abcdef"));
  const RunRecord back = read_run_record(path);
  CHECK(back.numbers.at("mse") == 0.5);
  CHECK(back.vectors.at("codebook") == std::vector<double>{-1, 1});
  auto problem = [](const std::string& p) {
    try {
      read_run_record(p);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::vector<char> good = bytes(path);
  // Every byte of the file flipped in turn would take long: every 7th, and the last.
  std::size_t caught = 0, tried = 0;
  for (std::size_t i = 0; i < good.size(); i += i + 7 < good.size() ? 7 : 1) {
    std::vector<char> bad = good;
    bad[i] ^= 0x10;
    write_bytes(path, bad);
    ++tried;
    const std::string why = problem(path);
    caught += why.find(path) != std::string::npos;
    if (i + 1 == good.size()) break;
  }
  CHECK(caught == tried);
  write_bytes(path, std::vector<char>(good.begin(), good.begin() + good.size() / 2));
  CHECK(problem(path).find("checksum") != std::string::npos);
  // The record of one run under another's name.
  write_bytes(path, good);
  fs::copy_file(path, dir / "fedcba9876543210.h5");
  CHECK(problem(dir / "fedcba9876543210.h5").find("filed under another run's name") !=
        std::string::npos);
  // Not a record at all.
  write_bytes(path, std::vector<char>(2000, 'x'));
  CHECK(problem(path).find("no checksum") != std::string::npos);
}
