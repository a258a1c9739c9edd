// Config validation: every error names the file, line and column and what is allowed; a
// valid config expands into the expected ordered plan with stable run ids.
#include <doctest/doctest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "experiments/config.hpp"
#include "experiments/network_training.hpp"
#include "experiments/plan.hpp"
#include "experiments/utf8.hpp"

using namespace quantlab;

namespace {

const char* kValid = R"(name: tiny
datasets:
  - name: g
    synthetic: {distribution: gaussian, n: 500, seed: 3}
algorithms:
  - {name: uniform, mode: [minmax, symmetric]}
  - {name: kmeans, n_init: 2}
  - optimal
bits: [1, 2]
seeds: [0, 1, 2]
)";

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "c.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("unknown keys are named with file, line and column and the allowed keys") {
  CHECK(error_of(std::string(kValid) + "bitz: 3\n") ==
        "c.yaml:11:1: unknown key 'bitz' in the sweep config (allowed: name, description, "
        "datasets, algorithms, bits, levels, seeds, repeat, granularity, weights)");
  CHECK(
      error_of(replace(kValid, "n_init: 2", "n_inti: 2")) ==
      "c.yaml:7:20: unknown key 'n_inti' in algorithm 'kmeans' (allowed: name, label, granularity, "
      "levels, bits, network, init, n_init, max_iter, tol)");
  CHECK(error_of(replace(kValid, "n_init: 2", "network: {method: lc, mu: 2}")) ==
        "c.yaml:7:42: unknown key 'mu' in the network block of algorithm 'kmeans' (allowed: "
        "method, steps, mu0, "
        "mu_factor, epochs, first_epochs, lr, lr_step_decay, batch, momentum, warm_start, "
        "train_limit, "
        "fine_tune_epochs, fine_tune_lr, activations, activation_bits)");
  CHECK(error_of(replace(kValid, "seed: 3", "sead: 3")) ==
        "c.yaml:4:49: unknown key 'sead' in synthetic gaussian (allowed: distribution, n, "
        "shape, seed, dtype, integer_bits, mean, std)");
}

TEST_CASE("an algorithm's own levels and its network block are parsed; a wrong one is named") {
  const SweepConfig c = parse_config(
      replace(kValid, "n_init: 2",
              "levels: [3, 5], network: {method: [lc, idc], steps: 5, fine_tune_epochs: 2}"),
      "c.yaml");
  const AlgorithmSpec& kmeans = c.algorithms[1];
  CHECK(kmeans.levels == std::vector<std::size_t>{3, 5});
  CHECK(c.algorithms[0].levels.empty());
  REQUIRE(kmeans.training.size() == 3);
  CHECK(kmeans.training[0].first == "method");
  CHECK(kmeans.training[0].second.size() == 2);
  CHECK(error_of(replace(kValid, "n_init: 2", "bits: [1], levels: [2]"))
            .find("give 'bits' or 'levels', not both") != std::string::npos);
  CHECK(
      error_of(replace(kValid, "n_init: 2", "network: {method: sgd}")).find("one of dc, lc, idc") !=
      std::string::npos);
  CHECK(error_of(replace(kValid, "n_init: 2", "network: {steps: 0}")).find("c.yaml:7:") == 0);
  // The plan: the algorithm's K instead of the config's; a network block needs a network dataset.
  const Plan plan =
      make_plan(parse_config(replace(kValid, "n_init: 2", "levels: [3, 5]"), "c.yaml"));
  std::set<std::size_t> kmeans_levels;
  for (const auto& run : plan.runs)
    if (run.algorithm == "kmeans") kmeans_levels.insert(run.levels);
  CHECK(kmeans_levels == std::set<std::size_t>{3, 5});
  CHECK_THROWS_WITH(
      make_plan(parse_config(replace(kValid, "n_init: 2", "network: {method: lc}"), "c.yaml")),
      doctest::Contains("is not a network"));
}

TEST_CASE("a network block's identity text names activations only when they are quantized") {
  const auto& specs = network_training_parameters();
  const Parameters lc(specs, {{"method", std::string("lc")}});
  // Without activations: the text trained runs had before the activation keys existed.
  const std::string before = "activation_bits=0,activations=none,";
  REQUIRE(lc.canonical().rfind(before, 0) == 0);
  CHECK(network_training_text(lc) == lc.canonical().substr(before.size()));
  // With them: the quantizer, its resolved parameters and its levels, whatever way the bits
  // were given.
  const Parameters ls1(specs, {{"activations", std::string("ls1")}});
  const Parameters ls1_one_bit(
      specs, {{"activations", std::string("ls1")}, {"activation_bits", std::int64_t{1}}});
  CHECK(network_training_text(ls1) == network_training_text(ls1_one_bit));
  const Parameters ls2(specs, {{"activations", std::string("ls2")}});
  const std::string ending = ",activations=ls2(compat=none,skip=3),activation_levels=4";
  const std::string text = network_training_text(ls2);
  CHECK(text.substr(text.size() - ending.size()) == ending);
}

TEST_CASE("wrong types and out-of-range values say what is allowed") {
  CHECK(error_of(replace(kValid, "n_init: 2", "n_init: ten")) ==
        "c.yaml:7:28: parameter 'n_init' of kmeans must be an integer in [1, 10000], not 'ten'");
  CHECK(error_of(replace(kValid, "n_init: 2", "n_init: 0")) ==
        "c.yaml:7:28: 'n_init' must be an integer in [1, 10000] (in kmeans), not '0'");
  CHECK(
      error_of(replace(kValid, "[minmax, symmetric]", "[minmax, sym]")) ==
      "c.yaml:6:36: 'mode' must be one of minmax, symmetric, optimal_step (in uniform), not 'sym'");
  CHECK(error_of(replace(kValid, "bits: [1, 2]", "levels: [0, 2]")) ==
        "c.yaml:9:10: levels must be an integer in [1, 1073741824], not '0'");
  CHECK(error_of(replace(kValid, "- optimal", "- optimum")) ==
        "c.yaml:8:5: unknown algorithm 'optimum' (one of " + algorithm_names() + ")");
}

TEST_CASE("bad lists are rejected") {
  CHECK(error_of(replace(kValid, "bits: [1, 2]", "bits: [1, [2]]")) ==
        "c.yaml:9:11: bits: each entry must be a single value");
  CHECK(error_of(replace(kValid, "bits: [1, 2]", "bits: []")) ==
        "c.yaml:9:7: bits must not be an empty list");
  CHECK(error_of(replace(kValid, "[minmax, symmetric]", "[minmax, minmax]")) ==
        "c.yaml:6:36: parameter 'mode' lists 'minmax' twice");
  CHECK(error_of(replace(kValid, "bits: [1, 2]", "bits: [1, 2]\nlevels: [3]")) ==
        "c.yaml:1:1: the sweep config needs exactly one of 'bits' and 'levels'");
  CHECK(error_of("name: x\n  bad: [\n").find("c.yaml:") == 0);  // invalid YAML keeps its place
}

TEST_CASE("a valid config expands into the ordered plan with stable, content-derived ids") {
  const SweepConfig config = parse_config(kValid, "c.yaml");
  CHECK(config.levels == std::vector<std::size_t>{2, 4});
  const Plan plan = make_plan(config);
  // uniform: 2 modes x 2 K (no seed); kmeans: 2 K x 3 seeds; optimal: 2 K.
  REQUIRE(plan.runs.size() == 4 + 6 + 2);
  CHECK(plan.runs[0].label == "uniform(mode=minmax)");
  CHECK(plan.runs[2].label == "uniform(mode=symmetric)");
  CHECK(plan.runs[4].label == "kmeans(n_init=2)");
  CHECK(plan.runs[4].seed == std::optional<std::uint64_t>(0));
  CHECK_FALSE(plan.runs[11].seed.has_value());
  const Plan again = make_plan(parse_config(kValid, "other-name.yaml"));
  for (std::size_t i = 0; i < plan.runs.size(); ++i) CHECK(plan.runs[i].id == again.runs[i].id);
  // Any change of data, parameter or K changes the id.
  const Plan other_data = make_plan(parse_config(replace(kValid, "seed: 3", "seed: 4"), "c.yaml"));
  CHECK(other_data.runs[0].id != plan.runs[0].id);
  const Plan other_param =
      make_plan(parse_config(replace(kValid, "n_init: 2", "n_init: 3"), "c.yaml"));
  CHECK(other_param.runs[4].id != plan.runs[4].id);
  CHECK(other_param.runs[0].id == plan.runs[0].id);
}

TEST_CASE("renaming a synthetic dataset keeps its run ids; another generator changes them") {
  const Plan plan = make_plan(parse_config(kValid, "c.yaml"));
  const Plan renamed = make_plan(parse_config(replace(kValid, "name: g", "name: g2"), "c.yaml"));
  REQUIRE(renamed.runs.size() == plan.runs.size());
  CHECK(renamed.tensors[0].tensor.name == "g2");
  for (std::size_t i = 0; i < plan.runs.size(); ++i) CHECK(renamed.runs[i].id == plan.runs[i].id);
  // The identity names the generator instead of the tensor.
  CHECK(plan.runs[0].identity().find("generator=quantlab xoshiro256** / gaussian (") !=
        std::string::npos);
  CHECK(plan.runs[0].identity().find("tensor=") == std::string::npos);
  const Plan other_mean =
      make_plan(parse_config(replace(kValid, "seed: 3}", "seed: 3, mean: 1}"), "c.yaml"));
  CHECK(other_mean.runs[0].id != plan.runs[0].id);
}

TEST_CASE("a duplicate run in the plan is an error") {
  const std::string text = replace(kValid, "  - optimal\n", "  - optimal\n  - optimal\n");
  // Runs 1-4 uniform, 5-10 kmeans (2 K x 3 seeds), 11-12 optimal and 13-14 its copy: the first
  // repeat is run 13, of run 11.
  CHECK_THROWS_WITH(
      make_plan(parse_config(text, "c.yaml")),
      doctest::Contains("runs 11 and 13 of the plan are the same run (optimal, K = 2)"));
  // The plan holds exactly its runs: room for them was counted before they were made.
  const Plan plan = make_plan(parse_config(kValid, "c.yaml"));
  CHECK(plan.runs.size() == 12);
  CHECK(plan.runs.capacity() == plan.runs.size());
}

TEST_CASE("labels show reals in the fewest digits that read back exactly") {
  const std::string text =
      "name: t\ndatasets:\n  - {name: g, synthetic: {distribution: gaussian, n: 10}}\n"
      "algorithms:\n  - {name: sparse_l1l2, lambda2: [0.1, 1e-7, 0.30000000000000004]}\nlevels: "
      "[2]\n";
  const Plan plan = make_plan(parse_config(text, "c.yaml"));
  REQUIRE(plan.runs.size() == 3);
  CHECK(plan.runs[0].label == "sparse_l1l2(lambda2=0.1)");
  CHECK(plan.runs[1].label == "sparse_l1l2(lambda2=1e-07)");
  CHECK(plan.runs[2].label == "sparse_l1l2(lambda2=0.30000000000000004)");  // not 0.3
}

TEST_CASE("an algorithm's own granularity replaces the config's for that algorithm alone") {
  const std::string text =
      "name: t\ndatasets:\n  - {name: g, synthetic: {distribution: gaussian, shape: [8, 4]}}\n"
      "algorithms:\n  - optimal\n  - {name: kmeans, granularity: [tensor, channel]}\n"
      "  - {name: uniform, granularity: row}\nlevels: [2]\n";
  const Plan plan = make_plan(parse_config(text, "c.yaml"));
  std::multiset<std::string> runs;
  for (const auto& r : plan.runs) runs.insert(r.algorithm + "@" + r.granularity.text());
  CHECK(runs == std::multiset<std::string>{"optimal@tensor", "kmeans@tensor", "kmeans@axis=-1",
                                           "uniform@axis=0"});
  CHECK(plan.runs[0].granularity.text() == "tensor");  // the config's granularities come first
  CHECK_THROWS_WITH(parse_config(replace(text, "granularity: row", "granularity: rows"), "c.yaml"),
                    doctest::Contains("c.yaml:7:34: granularity must be"));
}

TEST_CASE("a key given twice and a merge key are errors naming both places") {
  CHECK(error_of(std::string(kValid) + "bits: [3]\n") ==
        "c.yaml:11:1: key 'bits' is given twice (first at line 9)");
  CHECK(error_of(replace(kValid, "n_init: 2", "n_init: 2, n_init: 3")) ==
        "c.yaml:7:31: key 'n_init' is given twice (first at line 7)");
  CHECK(error_of(replace(kValid, "seed: 3}", "seed: 3, n: 7}")) ==
        "c.yaml:4:58: key 'n' is given twice (first at line 4)");
  CHECK(error_of("base: &b {n: 5}\n" + std::string(kValid) + "extra:\n  <<: *b\n") ==
        "c.yaml:13:3: YAML merge keys (<<) are not supported: write the keys out");
  // A quoted "<<" is an ordinary key (here an unknown one).
  CHECK(error_of(std::string(kValid) + "\"<<\": 1\n").find("unknown key '<<'") !=
        std::string::npos);
  // Aliases that expand a small file into a huge tree are refused, not walked for ever.
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 8; ++i)
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" +
            std::string("*a" + std::to_string(i - 1) + ", ") + "*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
  CHECK(error_of(bomb + kValid).find("too many nodes") != std::string::npos);
  // An anchor inside itself is an endless tree: refused, not a stack overflow.
  CHECK(error_of("loop: &r {a: *r}\n" + std::string(kValid)).find("nests too deeply") !=
        std::string::npos);
  CHECK(error_of("loop: &r [*r]\n" + std::string(kValid)).find("nests too deeply") !=
        std::string::npos);
}

TEST_CASE("integers are read as YAML 1.2 writes them: 010 is ten") {
  const std::pair<const char*, std::int64_t> read[] = {
      {"010", 10}, {"0o10", 8}, {"0x1f", 31},
      {"+5", 5},   {"7", 7},    {"0x7FFFFFFFFFFFFFFF", INT64_MAX}};
  for (const auto& [text, value] : read) {
    CAPTURE(text);
    const SweepConfig c = parse_config(
        replace(kValid, "seeds: [0, 1, 2]", std::string("seeds: [") + text + "]"), "c.yaml");
    REQUIRE(c.seeds.size() == 1);
    CHECK(static_cast<std::int64_t>(c.seeds[0]) == value);
  }
  for (const char* text :
       {"1_000", "1e3", "3.0", "0b11", "0o8", "0x", "--1", "9223372036854775808"})
    CHECK_MESSAGE(error_of(replace(kValid, "n_init: 2", std::string("n_init: ") + text))
                          .find("must be an integer") != std::string::npos,
                  text);
}

TEST_CASE("a sweep name is a folder of its own: not only dots, not ending in .h5") {
  for (const char* bad : {"'.'", "'..'", "'...'", "''"})
    CHECK(error_of(replace(kValid, "name: tiny", std::string("name: ") + bad))
              .find("name needs a letter, digit") != std::string::npos);
  CHECK(error_of(replace(kValid, "name: tiny", "name: x.h5")) ==
        "c.yaml:1:7: name must not end in .h5 (results/<name>.h5 holds a sweep's merged "
        "results), not 'x.h5'");
  CHECK(error_of(replace(kValid, "name: tiny", "name: ../up")).find("may only hold") !=
        std::string::npos);
  for (const char* good : {"v1.2", ".hidden", "a.h5x", "h5"})
    CHECK(error_of(replace(kValid, "name: tiny", std::string("name: ") + good)) == "(no error)");
}

TEST_CASE("data outside quantlab's range are refused at plan time, naming the tensor") {
  for (const char* std_text : {"1e120", "1e-120"}) {
    const SweepConfig c = parse_config(
        replace(kValid, "seed: 3}", std::string("seed: 3, std: ") + std_text + "}"), "c.yaml");
    CHECK_THROWS_WITH(make_plan(c), doctest::Contains("outside [1e-100, 1e100] (rescale"));
  }
}

namespace {

// The bytes a character takes by its lead byte (0: no lead byte).
std::size_t announced_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead >> 5 == 6 ? 2 : lead >> 4 == 14 ? 3 : lead >> 3 == 30 ? 4 : 0;
}

// Whether bytes are well-formed UTF-8, decoded independently: each character's code point
// from its bits, then the length that code point needs, surrogates and the upper limit.
bool well_formed(const std::vector<unsigned char>& b) {
  for (std::size_t i = 0; i < b.size();) {
    const std::size_t n = announced_length(b[i]);
    if (n == 0 || i + n > b.size()) return false;
    std::uint32_t code = n == 1 ? b[i] : b[i] & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return false;
      code = (code << 6) | (b[i + k] & 0x3F);
    }
    const std::size_t shortest = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (shortest != n || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return false;
    i += n;
  }
  return true;
}

}  // namespace

TEST_CASE("UTF-8 validation agrees with an independent decoder on every string of 1 to 3 bytes") {
  std::size_t disagreements = 0;
  for (std::uint32_t v = 0; v < (1u << 24); ++v) {
    for (std::size_t n : {1, 2, 3}) {
      if (n < 3 && v >> (8 * n)) continue;
      std::vector<unsigned char> b;
      for (std::size_t k = n; k-- > 0;) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
      const std::string text(b.begin(), b.end());
      disagreements += (invalid_utf8_at(text) == std::string::npos) != well_formed(b);
    }
  }
  CHECK(disagreements == 0);
  // 4 bytes: every lead and second byte, with continuation bytes and not.
  for (unsigned lead = 0xF0; lead <= 0xFF; ++lead)
    for (unsigned second = 0; second < 256; ++second)
      for (unsigned rest : {0x80u, 0xBFu, 0x41u}) {
        const std::vector<unsigned char> b{static_cast<unsigned char>(lead),
                                           static_cast<unsigned char>(second),
                                           static_cast<unsigned char>(rest), 0x80};
        CHECK((invalid_utf8_at(std::string(b.begin(), b.end())) == std::string::npos) ==
              well_formed(b));
      }
  CHECK(invalid_utf8_at("caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e") == std::string::npos);
  CHECK(invalid_utf8_at("ok \xe2\x82") == 3);  // cut short at the end
  CHECK(invalid_utf8_at("\xc3\xa9\xff") == 2);
}

TEST_CASE("a config or an override that is not UTF-8 is named with its line and column") {
  CHECK(error_of(replace(kValid, "name: tiny", "name: t\xe9ny")) ==
        "c.yaml:1:8: the config is not UTF-8 text (byte 0xE9)");
  CHECK(error_of(replace(kValid, "optimal", "{name: optimal, label: \"\xc0\xaf\"}")) ==
        "c.yaml:8:29: the config is not UTF-8 text (byte 0xC0)");
  CHECK_THROWS_WITH(parse_config(kValid, "c.yaml", {"bits=1", "name=\xff"}),
                    "c.yaml: override 2 of 2 is not UTF-8 text (byte 0xFF at byte 6, after "
                    "'name=')");
  CHECK(error_of(replace(kValid, "optimal",
                         "{name: optimal, label: \"t\xc3\xa9 \xe2\x82\xac\"}")) == "(no error)");
}
