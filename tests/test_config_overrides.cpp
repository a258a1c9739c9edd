// Command-line overrides: each gives exactly the plan of the config edited by hand (an
// independent oracle: the same runs, ids and order), and a path that does not resolve, or a
// value the schema refuses, is one error naming the override.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "experiments/config.hpp"
#include "experiments/plan.hpp"

using namespace quantlab;

namespace {

const char* kBase = R"(name: tiny
datasets:
  - name: g
    synthetic: {distribution: gaussian, n: 500, seed: 3}
  - name: u
    synthetic: {distribution: uniform, n: 300, seed: 4}
algorithms:
  - {name: uniform, mode: [minmax, symmetric]}
  - kmeans
  - {name: kmeans, label: km-random, init: random}
  - optimal
bits: [1, 2]
seeds: [0, 1, 2]
)";

std::vector<std::string> run_ids(const SweepConfig& c) {
  std::vector<std::string> ids;
  for (const auto& r : make_plan(c).runs) ids.push_back(r.id + " " + r.label);
  return ids;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::vector<std::string>& overrides) {
  try {
    parse_config(kBase, "c.yaml", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("each override gives the plan of the config edited by hand") {
  const std::string base = kBase;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"bits=2,3"}, replaced(base, "bits: [1, 2]", "bits: [2, 3]")},
      {{"seeds=0..4"}, replaced(base, "seeds: [0, 1, 2]", "seeds: [0, 1, 2, 3, 4]")},
      {{"levels=[3, 5]"}, replaced(base, "bits: [1, 2]", "levels: [3, 5]")},
      {{"datasets.g.synthetic.n=800"}, replaced(base, "n: 500", "n: 800")},
      {{"algorithms.kmeans.n_init=1,3"},
       replaced(base, "  - kmeans\n", "  - {name: kmeans, n_init: [1, 3]}\n")},
      // A bare entry's label is its name: `kmeans` is the bare one, not km-random.
      {{"algorithms.kmeans.n_init=2"},
       replaced(base, "  - kmeans\n", "  - {name: kmeans, n_init: 2}\n")},
      {{"algorithms.km-random.max_iter=7"},
       replaced(base, "init: random}", "init: random, max_iter: 7}")},
      {{"algorithms.uniform.mode=symmetric", "name=other"},
       replaced(replaced(base, "mode: [minmax, symmetric]", "mode: symmetric"), "name: tiny",
                "name: other")},
      {{"algorithms=[optimal]"},
       replaced(base,
                "  - {name: uniform, mode: [minmax, symmetric]}\n  - kmeans\n"
                "  - {name: kmeans, label: km-random, init: random}\n",
                "")},
      {{"granularity=tensor"}, base + "granularity: tensor\n"},
      {{"seeds=5", "seeds=0..1"}, replaced(base, "seeds: [0, 1, 2]", "seeds: [0, 1]")},  // in turn
      {{"description='a, b: c'"}, base + "description: 'a, b: c'\n"},  // quoted: one string
  };
  for (const auto& [overrides, edited] : cases) {
    CAPTURE(overrides.front());
    const SweepConfig with = parse_config(kBase, "c.yaml", overrides);
    const SweepConfig by_hand = parse_config(edited, "c.yaml");
    CHECK(with.name == by_hand.name);
    CHECK(run_ids(with) == run_ids(by_hand));
    // The effective config is kept, and reads back as the same sweep.
    CHECK(with.text != kBase);
    CHECK(run_ids(parse_config(with.text, "effective.yaml")) == run_ids(by_hand));
  }
  CHECK(parse_config(kBase, "c.yaml", {}).text == kBase);  // no overrides: the file itself
}

TEST_CASE("overrides change only what they name: anchors, unlabelled entries, dotted names") {
  // An anchor shared by two entries: the override changes the one it names.
  const std::string anchored = R"(name: a
datasets:
  - name: resnet.v1
    synthetic: {distribution: gaussian, n: 300, seed: 3}
  - name: resnet
    synthetic: {distribution: laplace, n: 200, seed: 4}
algorithms:
  - {name: kmeans, label: km1, n_init: &n 2}
  - {name: kmeans, init: random, n_init: *n}
levels: [3]
)";
  const SweepConfig a = parse_config(anchored, "a.yaml", {"algorithms.km1.n_init=5"});
  const SweepConfig by_hand = parse_config(
      replaced(replaced(anchored, "n_init: &n 2", "n_init: 5"), "n_init: *n", "n_init: 2"),
      "a.yaml");
  CHECK(run_ids(a) == run_ids(by_hand));
  // An unlabelled mapping is named by its name; a dataset name may hold dots.
  CHECK(run_ids(parse_config(anchored, "a.yaml",
                             {"algorithms.kmeans.max_iter=9", "datasets.resnet.v1.synthetic.n=400",
                              "datasets.resnet.synthetic.seed=5"})) ==
        run_ids(parse_config(
            replaced(replaced(replaced(anchored, "init: random,", "init: random, max_iter: 9,"),
                              "n: 300", "n: 400"),
                     "seed: 4", "seed: 5"),
            "a.yaml")));
}

TEST_CASE("an override that does not resolve, or a value the schema refuses, names it") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"bitz=3"}, "c.yaml with bitz=3: unknown key 'bitz' in the sweep config (allowed: name,"},
      {{"datasets.x.n=3"},
       "override 'datasets.x.n=3': the config has no dataset 'x' (datasets: g, u)"},
      {{"algorithms.ecsq.lambda=1"}, "no algorithm 'ecsq' (algorithms: uniform, kmeans, km-random"},
      {{"algorithms=[{name: kmeans, n_init: 2}, {name: kmeans, init: random}]",
        "algorithms.kmeans.max_iter=3"},
       "2 algorithms are 'kmeans': give each its own label"},
      {{"datasets.g.synthetic.nn=5"}, "unknown key 'nn' in synthetic gaussian"},
      {{"algorithms.optimal.n_init=2"}, "unknown key 'n_init' in algorithm 'optimal'"},
      {{"bits=2,x"}, "c.yaml with bits=2,x: bits must be an integer"},
      {{"seeds=4..1"}, "override 'seeds=4..1': a range goes up"},
      {{"seeds=0..999999999"}, "a range goes up, by at most 100000"},
      {{"bits"}, "override 'bits' must be KEY=VALUE or ~KEY"},
      {{"~bits=2"}, "must be KEY=VALUE or ~KEY"},
      {{"a..b=1"}, "has an empty key"},
      {{"datasets.g=1"}, "give a key inside the dataset to set"},
      {{"seeds.x=1"}, "'seeds' holds no keys to set"},
      {{"bits=1,,2"}, "an empty list item"},
      {{"levels=[1, 2"}, "override 'levels=[1, 2': invalid YAML"},
      {{"~name"}, "needs 'name'"},
      {{"~descripton"}, "override '~descripton': the config has no 'descripton' to remove"},
      {{"algorithms=[{name: kmeans, n_init: 2, n_init: 3}]"}, "key 'n_init' is given twice"},
      {{"description=[&a [x, x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, "
        "*a, *a], &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, "
        "*c, *c, *c], &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d], [*e, *e, *e]]"},
       "expands (through aliases) to too many nodes"},
      {{"name=../x"}, "name may only hold"},
  };
  for (const auto& [overrides, part] : cases) {
    CAPTURE(overrides.front());
    CHECK_MESSAGE(error_of(overrides).find(part) != std::string::npos, error_of(overrides));
  }
}
