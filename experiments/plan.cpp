#include "experiments/plan.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <numeric>
#include <stdexcept>

#include "algorithms/registry.hpp"
#include "algorithms/value_range.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/dataset_import.hpp"
#include "datasets/model_files.hpp"
#include "datasets/sha256.hpp"
#include "datasets/synthetic.hpp"
#include "experiments/network_target.hpp"
#include "experiments/network_training.hpp"
#include "experiments/utf8.hpp"

namespace quantlab {

const RunTarget& PlannedTensor::target() const {
  if (network) return *network;
  return tensor_target();
}

std::string PlannedRun::identity() const {
  return *identity_head + "\nlevels=" + std::to_string(levels) +
         "\nseed=" + (seed ? std::to_string(*seed) : "none") + "\n";
}

bool PlannedTensor::zeros_pruned() const {
  const auto pruned = tensor.attributes.find("pruned");
  return pruned != tensor.attributes.end() && pruned->second == "zeros";
}

std::vector<MatrixShape> PlannedTensor::kept_matrices(const std::vector<TensorGroup>& groups,
                                                      const Granularity& granularity) const {
  std::vector<MatrixShape> matrices = target().matrices(tensor, granularity);
  if (zeros_pruned())
    for (std::size_t i = 0; i < matrices.size(); ++i)
      if (arma::any(groups[i].values_of(tensor.values) == 0)) matrices[i] = {};
  return matrices;
}

namespace {

const std::string kImportancePrefix = "importance/";

// The names of d.file's tensors matching d.tensors, in pattern order, each once; companions
// are not data. A pattern that matches nothing is an error.
std::vector<std::string> matching_names(const DatasetSpec& d,
                                        const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& pattern : d.tensors) {
    bool matched = false;
    for (const auto& name : names) {
      if (name.rfind(kImportancePrefix, 0) == 0 || fnmatch(pattern.c_str(), name.c_str(), 0) != 0)
        continue;
      matched = true;
      // A tensor's name is a cell of the plan (JSON) and of the records: text, as a config is.
      if (const std::size_t at = invalid_utf8_at(name); at != std::string::npos)
        throw ConfigError(d.where + ": " + d.file +
                          " holds a tensor whose name is not UTF-8 text (" +
                          invalid_utf8_text(name, at) + "): rename it");
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    if (!matched)
      throw ConfigError(d.where + ": no tensor of " + d.file + " matches '" + pattern + "'");
  }
  return out;
}

std::vector<std::string> matching_names(const DatasetSpec& d) {
  return matching_names(d, list_tensors(d.file));
}

// The matching tensors of a model file (.npy, .safetensors, any HDF5 file), read as they
// are: its checksum is computed on read, as a dataset file's.
std::vector<Tensor> model_file_tensors(const DatasetSpec& d, ModelFormat format) {
  ModelTensors m = read_model_file(d.file, format);
  std::vector<std::string> names;
  for (const auto& t : m.tensors) names.push_back(t.name);
  std::vector<Tensor> out;
  for (const auto& name : matching_names(d, names))
    for (auto& t : m.tensors)
      if (t.name == name) out.push_back(std::move(t));
  return out;
}

std::vector<PlannedTensor> load_tensors(const DatasetSpec& d) {
  std::vector<PlannedTensor> out;
  if (!d.network.empty()) {
    out.push_back(load_network_target(d, matching_names(d)));
  } else if (d.synthetic) {
    Tensor t = make_synthetic(d.name, *d.synthetic);
    out.push_back({d.name, "synthetic", std::move(t), "", {}, nullptr});
  } else {
    if (!d.import.empty())  // a no-op when the file already holds the source, verified
      import_package(*find_package_source(d.import), "datasets/cache", d.file, false);
    const auto model = d.import.empty() ? model_file_format(d.file) : std::nullopt;
    std::vector<Tensor> tensors;
    if (model)
      tensors = model_file_tensors(d, *model);
    else
      for (const auto& name : matching_names(d)) tensors.push_back(read_tensor(d.file, name));
    for (Tensor& t : tensors)
      if (t.size() >= d.min_size) out.push_back({d.name, d.file, std::move(t), "", {}, nullptr});
    if (out.empty())
      throw ConfigError(d.where + ": no matching tensor of " + d.file + " has " +
                        std::to_string(d.min_size) + " values or more");
  }
  for (auto& p : out) {
    p.tensor.check_values(d.where + ": dataset '" + d.name + "'");
    p.checksum = p.tensor.checksum();
  }
  return out;
}

// Importance weights of one tensor: same shape, finite and positive. `what` names them.
void check_weights(const Tensor& w, const std::vector<std::size_t>& shape,
                   const std::string& what) {
  if (w.shape != shape) {
    Tensor t;
    t.shape = shape;
    throw ConfigError(what + " have shape " + w.shape_text() + ", the tensor " + t.shape_text());
  }
  for (arma::uword i = 0; i < w.values.n_elem; ++i)
    if (!(w.values[i] > 0) || !std::isfinite(w.values[i]))
      throw ConfigError(what +
                        " hold a value that is not a positive finite number (at flat "
                        "index " +
                        std::to_string(i) + ")");
}

// The companion importance/<name>/<tensor> of one tensor, checked; `stored` lists the file's
// tensors (sorted, as list_tensors gives them).
Tensor read_companion(const DatasetSpec& d, const std::vector<std::string>& stored,
                      const std::string& name, const std::string& tensor,
                      const std::vector<std::size_t>& shape) {
  const std::string path = kImportancePrefix + name + "/" + tensor;
  // Missing is the config's error; damaged (a checksum that fails) is the file's, as read.
  if (!std::binary_search(stored.begin(), stored.end(), path))
    throw ConfigError(d.where + ": " + d.file + " has no importance weights '" + name +
                      "' for tensor '" + tensor + "' (expected at " + path + ")");
  const Tensor w = read_tensor(d.file, path);
  check_weights(w, shape, d.where + ": weights " + path);
  return w;
}

// Weights divided by the largest: equal weights become exactly 1 (the unweighted result,
// whatever their common value), and the others are in (0, 1], within quantlab's range.
arma::vec normalised_weights(const std::string& where, const std::string& name,
                             const PlannedTensor& p, const arma::vec& w) {
  const arma::vec out = w / w.max();
  if (const std::string problem = value_range_problem(out); !problem.empty())
    throw ConfigError(where + ": importance weights '" + name + "' of tensor '" + p.tensor.name +
                      "', divided by the largest, hold " + problem +
                      " (they span more than 200 orders of magnitude)");
  return out;
}

void load_weights(const DatasetSpec& d, const std::string& name,
                  std::vector<PlannedTensor>& tensors) {
  // The file's tensors, listed once (not once a tensor): which companions are there.
  const std::vector<std::string> stored =
      d.synthetic ? std::vector<std::string>() : list_tensors(d.file);
  for (auto& p : tensors) {
    if (d.synthetic)
      throw ConfigError(d.where + ": dataset '" + d.name +
                        "' is synthetic: it has no "
                        "importance weights '" +
                        name + "'");
    if (!p.network) {
      const Tensor w = read_companion(d, stored, name, p.tensor.name, p.tensor.shape);
      p.weights[name] = {normalised_weights(d.where, name, p, w.values), w.checksum()};
      continue;
    }
    // A network's kernels: their companions, concatenated in the same order.
    arma::vec all(p.tensor.size());
    std::size_t offset = 0;
    std::string checksums;
    for (std::size_t i = 0; i < p.network->names.size(); ++i) {
      const Tensor t = read_tensor(d.file, p.network->names[i]);
      const Tensor w = read_companion(d, stored, name, t.name, t.shape);
      all.subvec(offset, offset + w.size() - 1) = w.values;
      offset += w.size();
      checksums += w.checksum();
    }
    p.weights[name] = {normalised_weights(d.where, name, p, all), sha256_hex(checksums)};
  }
}

// A file's tensor is known by its name; a synthetic tensor by its generator and parameters,
// so renaming the dataset (which names the tensor) keeps its runs' ids.
std::string tensor_line(const PlannedTensor& t) {
  if (t.source != "synthetic") return "tensor=" + t.tensor.name + "\n";
  const auto& a = t.tensor.attributes;
  return "generator=" + a.at("generator") + " (" + a.at("generator_parameters") +
         ", seed=" + a.at("seed") + ")\n";
}

using ParameterLists = std::vector<std::pair<std::string, std::vector<ParameterValue>>>;

// Every combination of the listed values, in config order (last varies fastest).
std::vector<std::map<std::string, ParameterValue>> expand(const ParameterLists& lists) {
  std::vector<std::map<std::string, ParameterValue>> combos{{}};
  for (const auto& [name, values] : lists) {
    std::vector<std::map<std::string, ParameterValue>> next;
    for (const auto& combo : combos)
      for (const auto& v : values) {
        auto c = combo;
        c[name] = v;
        next.push_back(std::move(c));
      }
    combos = std::move(next);
  }
  return combos;
}

// The algorithm's name (or label) and the values the config gives (a custom label already
// names the fixed ones: then only what is swept).
std::string label_of(const AlgorithmSpec& a, const std::map<std::string, ParameterValue>& given,
                     const std::map<std::string, ParameterValue>& training) {
  std::string inside;
  auto add = [&](const ParameterLists& lists, const std::map<std::string, ParameterValue>& chosen) {
    for (const auto& [name, values] : lists) {
      if ((!a.label.empty() && values.size() < 2) || !chosen.count(name)) continue;
      inside += (inside.empty() ? "" : ",") + name + "=" + display_value(chosen.at(name));
    }
  };
  add(a.parameters, given);
  add(a.training, training);
  const std::string base = a.label.empty() ? a.name : a.label;
  return inside.empty() ? base : base + "(" + inside + ")";
}

// Every pair (a, b), a varying slowest.
template <class T>
std::vector<std::pair<T, T>> cross(const std::vector<T>& as, const std::vector<T>& bs) {
  std::vector<std::pair<T, T>> out;
  for (const auto& a : as)
    for (const auto& b : bs) out.emplace_back(a, b);
  return out;
}

// The number of runs add_runs appends for the entry (0 where it will refuse the entry).
std::size_t count_runs(const SweepConfig& config, const AlgorithmSpec& a) {
  const AlgorithmInfo& info = *find_algorithm(a.name);
  std::size_t combos = 1, fitting = 0;
  for (const auto* lists : {&a.parameters, &a.training})
    for (const auto& [name, values] : *lists) combos *= values.size();
  for (std::size_t K : a.levels.empty() ? config.levels : a.levels)
    fitting += !info.levels_rule || info.levels_rule(K).empty();
  return combos * fitting * (info.uses_seed ? config.seeds.size() : 1);
}

// Every run of one algorithm entry (its parameter combinations x K x seeds) on one tensor,
// granularity and choice of weights, appended in plan order.
void add_runs(Plan& plan, std::size_t ti, const Granularity& g, const std::string& weights,
              const AlgorithmSpec& a) {
  const SweepConfig& config = plan.config;
  const PlannedTensor& t = plan.tensors[ti];
  const AlgorithmInfo& info = *find_algorithm(a.name);
  if (!a.training.empty() && !t.network)
    throw ConfigError(config.path + ": algorithm '" + a.name +
                      "' has a network: block, but dataset '" + t.dataset + "' is not a network");
  const auto training_combos = expand(a.training);
  for (const auto& [given, given_training] : cross(expand(a.parameters), training_combos)) {
    const Parameters parameters(info.parameters, given);
    const Parameters training =
        t.network ? Parameters(network_training_parameters(), given_training) : Parameters();
    const std::string label = label_of(a, given, given_training);
    std::string layers_line;
    if (t.network) {
      try {
        activation_quantization(training);
      } catch (const std::invalid_argument& e) {
        throw ConfigError(a.where + ": " + label + ": " + e.what());
      }
      // Each layer reaches a quantizer that reads the layout (Kashin) as its matrix, unless
      // pruning left it a vector of its kept values.
      if (info.make(parameters)->reads_matrix_layout()) {
        const auto matrices = t.kept_matrices(t.target().groups(t.tensor, g), g);
        if (!matrices.empty()) layers_line = "layers=";
        for (const MatrixShape& m : matrices)
          layers_line += (m.rows ? std::to_string(m.rows) + "x" + std::to_string(m.cols)
                                 : std::string("flat")) +
                         ";";
        if (!matrices.empty()) layers_line += "\n";
      }
    }
    // Unweighted runs keep the identity they had before weights existed.
    const std::string weights_line =
        weights == "none"
            ? ""
            : "weights=" + weights + ":" + t.weights.at(weights).second + ":divided_by_max\n";
    // The layout matters to per-channel groups and to Kashin's matrix form; vectors keep
    // the identity they had before it was recorded.
    const std::string shape_line =
        t.tensor.shape.size() > 1 ? "shape=" + t.tensor.shape_text() + "\n" : "";
    // A network's held-out images change what it trains and is scored on; networks without
    // any keep the identity they had before holdouts existed.
    const std::string network_line =
        !t.network ? ""
                   : "test_data=" + t.network->test_data + "\n" +
                         (t.network->holdout.images
                              ? "holdout=" + std::to_string(t.network->holdout.images) + ":" +
                                    std::to_string(t.network->holdout.seed) + "\n"
                              : "");
    // Every line of the identity but K's and the seed's, shared by the entry's runs.
    const auto identity_head = std::make_shared<const std::string>(
        "quantlab-run/1\ndata=" + t.checksum + "\n" + tensor_line(t) + shape_line + network_line +
        layers_line + weights_line + "granularity=" + g.text() + "\nalgorithm=" + a.name +
        "\nparameters=" + parameters.canonical() +
        (alters_network(training) ? "\nnetwork_training=" + network_training_text(training) : ""));
    std::size_t fitting = 0;
    const std::vector<std::size_t>& levels = a.levels.empty() ? config.levels : a.levels;
    for (std::size_t K : levels) {
      if (info.levels_rule && !info.levels_rule(K).empty()) continue;
      ++fitting;
      if (const std::string why = rule_violation(info, parameters, K); !why.empty())
        throw ConfigError(a.where + ": " + label + ": " + why);
      std::vector<std::optional<std::uint64_t>> seeds;
      if (info.uses_seed)
        seeds.assign(config.seeds.begin(), config.seeds.end());
      else
        seeds.push_back(std::nullopt);
      for (const auto& seed : seeds) {
        PlannedRun run;
        run.tensor = ti;
        run.algorithm = a.name;
        run.label = label;
        run.parameters = parameters;
        run.levels = K;
        run.seed = seed;
        run.granularity = g;
        run.weights = weights;
        run.training = training;
        run.identity_head = identity_head;
        run.id = sha256_hex(run.identity()).substr(0, 16);
        plan.runs.push_back(std::move(run));
      }
    }
    if (fitting == 0)
      throw ConfigError(a.where + ": " + a.name + " " + info.levels_rule(levels.front()) +
                        "; none of the config's levels fits it");
  }
}

// The runs of every tensor of `plan` at the config's granularities, weights and algorithms;
// two runs with one id are an error.
void add_planned_runs(Plan& plan) {
  const SweepConfig& config = plan.config;
  // The config's granularities, then any an algorithm adds; each algorithm runs at its own
  // (or else the config's).
  std::vector<Granularity> granularities = config.granularities;
  auto listed = [](const std::vector<Granularity>& list, const Granularity& g) {
    for (const auto& h : list)
      if (h.text() == g.text()) return true;
    return false;
  };
  for (const auto& a : config.algorithms)
    for (const auto& g : a.granularities)
      if (!listed(granularities, g)) granularities.push_back(g);

  // Every (tensor, granularity, weights, algorithm entry) in plan order.
  auto each_entry = [&](auto&& visit) {
    for (std::size_t ti = 0; ti < plan.tensors.size(); ++ti) {
      const PlannedTensor& t = plan.tensors[ti];
      for (const auto& g : granularities) {
        if (g.axis && t.network)
          throw ConfigError("granularity " + g.text() + " does not apply to the network '" +
                            t.dataset + "' (its scope, layer or all, sets the codebooks)");
        if (g.axis) {
          const int rank = static_cast<int>(t.tensor.shape.size());
          if (*g.axis >= rank || *g.axis < -rank)
            throw ConfigError("granularity " + g.text() + " does not fit tensor '" + t.tensor.name +
                              "' of shape " + t.tensor.shape_text());
        }
        for (const auto& weights : config.weights)
          for (const auto& a : config.algorithms)
            if (listed(a.granularities.empty() ? config.granularities : a.granularities, g))
              visit(ti, g, weights, a);
      }
    }
  };
  // Room for exactly the plan's runs: growing by doubling would hold up to three times them
  // while the last growth copies (10^6 runs take about 220 MB).
  std::size_t total = 0;
  each_entry([&](std::size_t, const Granularity&, const std::string&, const AlgorithmSpec& a) {
    total += count_runs(config, a);
  });
  plan.runs.reserve(total);
  each_entry([&](std::size_t ti, const Granularity& g, const std::string& weights,
                 const AlgorithmSpec& a) { add_runs(plan, ti, g, weights, a); });

  // Two runs with one id: the first run (in plan order) that repeats an earlier one is named,
  // with that earlier one. The runs' positions sorted by id, not a map of 10^6 ids.
  std::vector<std::uint32_t> by_id(plan.runs.size());
  std::iota(by_id.begin(), by_id.end(), 0u);
  std::sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    const int c = plan.runs[a].id.compare(plan.runs[b].id);
    return c < 0 || (c == 0 && a < b);
  });
  std::size_t first = 0, repeat = plan.runs.size();
  for (std::size_t k = 1; k < by_id.size(); ++k)
    if (plan.runs[by_id[k]].id == plan.runs[by_id[k - 1]].id && by_id[k] < repeat)
      first = by_id[k - 1], repeat = by_id[k];
  if (repeat < plan.runs.size()) {
    const PlannedRun& r = plan.runs[repeat];
    throw ConfigError(config.path + ": runs " + std::to_string(first + 1) + " and " +
                      std::to_string(repeat + 1) + " of the plan are the same run (" + r.label +
                      ", K = " + std::to_string(r.levels) +
                      "): remove the duplicate from the config");
  }
}

}  // namespace

PlannedTensor in_memory_tensor(Tensor tensor, const std::string& where,
                               const std::map<std::string, Tensor>& weights, bool checksums) {
  PlannedTensor p{"", "memory", std::move(tensor), "", {}, nullptr};
  p.dataset = p.tensor.name;
  p.tensor.check_values(where);
  if (checksums) p.checksum = p.tensor.checksum();
  for (const auto& [name, w] : weights) {
    check_weights(w, p.tensor.shape, where + ": weights '" + name + "'");
    p.weights[name] = {normalised_weights(where, name, p, w.values), checksums ? w.checksum() : ""};
  }
  return p;
}

Plan plan_of_tensors(const SweepConfig& config, std::vector<PlannedTensor> tensors) {
  Plan plan;
  plan.config = config;
  plan.tensors = std::move(tensors);
  add_planned_runs(plan);
  return plan;
}

int bits_for_levels(std::size_t levels) {
  int bits = 0;
  while ((std::size_t{1} << bits) < levels) ++bits;
  return bits;
}

Plan make_plan(const SweepConfig& config, bool fetch) {
  Plan plan;
  plan.config = config;
  std::map<std::string, std::string> owner_of_data;
  for (const auto& d : config.datasets) {
    if (!fetch) {
      // A source is imported once into its file (or its test data's); until then the data,
      // and so the run ids, are unknown.
      const bool data_missing = !d.import.empty() && !std::filesystem::exists(d.file);
      const bool test_missing = !d.test_import.empty() && !std::filesystem::exists(d.test_data);
      if (data_missing || test_missing) {
        plan.not_imported.push_back(d.name + " (" + (data_missing ? d.import : d.test_import) +
                                    ")");
        continue;
      }
    }
    std::vector<PlannedTensor> loaded = load_tensors(d);
    for (const auto& w : config.weights)
      if (w != "none") load_weights(d, w, loaded);
    for (auto& t : loaded) {
      const std::string who = "'" + t.dataset + "'/'" + t.tensor.name + "'";
      // A network's weights under two scopes are two targets.
      auto [it, fresh] =
          owner_of_data.emplace(t.checksum + (t.network ? "|" + t.tensor.name : ""), who);
      if (!fresh)
        throw ConfigError(d.where + ": " + who + " holds the same data as " + it->second +
                          " (runs would be identical)");
      plan.tensors.push_back(std::move(t));
    }
  }

  add_planned_runs(plan);
  return plan;
}

}  // namespace quantlab
