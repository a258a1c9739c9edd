#include "experiments/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "algorithms/registry.hpp"
#include "datasets/sources.hpp"
#include "experiments/config_overrides.hpp"
#include "experiments/network_training.hpp"
#include "experiments/utf8.hpp"

namespace quantlab {
namespace {

// An integer as YAML 1.2's core schema writes it: [-+]?[0-9]+ in decimal (a leading zero is
// not octal), 0o[0-7]+, 0x[0-9a-fA-F]+. yaml-cpp follows YAML 1.1, where 010 is eight.
bool yaml_integer(const YAML::Node& node, std::int64_t& out) {
  if (!node.IsScalar()) return false;
  const std::string& text = node.Scalar();
  int base = 10;
  std::size_t start = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'x')) {
    base = text[1] == 'o' ? 8 : 16;
    start = 2;
  } else if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    start = 1;
  }
  if (start == text.size()) return false;
  for (std::size_t i = start; i < text.size(); ++i) {
    const char c = text[i];
    const bool digit = base == 16 ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                                  : c >= '0' && c < static_cast<char>('0' + base);
    if (!digit) return false;
  }
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str() + (base == 10 ? 0 : 2), &end, base);
  if (errno == ERANGE || *end != '\0') return false;
  out = value;
  return true;
}

class Reader {
 public:
  explicit Reader(std::string path, std::string overrides = "")
      : path_(std::move(path)), overrides_(std::move(overrides)) {}

  // A node an override made has no position: it is named by the overrides.
  std::string where(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return overrides_.empty() ? path_ : path_ + " with " + overrides_;
    return path_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw ConfigError(where(node) + ": " + message);
  }

  void require_map(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping of keys to values");
  }

  // Every key must be one of `allowed`; names the first that is not.
  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                  const std::string& context) const {
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (!known)
        fail(item.first,
             "unknown key '" + key + "' in " + context + " (allowed: " + join(allowed) + ")");
    }
  }

  // yaml-cpp keeps every entry of a mapping and looks a key up by its first: a key given twice
  // would be read from its first line without a word. Merge keys (<<) it does not merge.
  // `budget`: nodes left to visit (aliases can make a small file a huge tree); `depth`: a
  // recursive alias (an anchor inside itself) makes an endless one.
  void check_mappings(const YAML::Node& node, std::size_t& budget, int depth = 0) const {
    if (budget-- == 0) fail(node, "the config expands (through aliases) to too many nodes");
    if (depth > 100) fail(node, "the config nests too deeply (or an alias holds itself)");
    if (node.IsSequence())
      for (const auto& item : node) check_mappings(item, budget, depth + 1);
    if (!node.IsMap()) return;
    std::map<std::string, YAML::Mark> seen;
    for (const auto& item : node) {
      if (!item.first.IsScalar()) fail(item.first, "a key must be a plain name");
      const std::string& key = item.first.Scalar();
      if (key == "<<" && item.first.Tag() != "!")
        fail(item.first, "YAML merge keys (<<) are not supported: write the keys out");
      const auto [first, fresh] = seen.emplace(key, item.first.Mark());
      if (!fresh)
        fail(item.first, "key '" + key + "' is given twice (first at line " +
                             std::to_string(first->second.line + 1) + ")");
      check_mappings(item.second, budget, depth + 1);
    }
  }

  std::string text(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " must be a string");
    return node.Scalar();
  }

  std::int64_t integer(const YAML::Node& node, const std::string& what, std::int64_t min,
                       std::int64_t max) const {
    std::int64_t v;
    if (!yaml_integer(node, v) || v < min || v > max)
      fail(node, what + " must be an integer in [" + std::to_string(min) + ", " +
                     std::to_string(max) + "], not '" + show(node) + "'");
    return v;
  }

  double number(const YAML::Node& node, const std::string& what) const {
    double v;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, v))
      fail(node, what + " must be a number, not '" + show(node) + "'");
    return v;
  }

  // A scalar or a list of scalars, as a list (never empty).
  std::vector<YAML::Node> one_or_list(const YAML::Node& node, const std::string& what) const {
    std::vector<YAML::Node> out;
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!item.IsScalar()) fail(item, what + ": each entry must be a single value");
        out.push_back(item);
      }
      if (out.empty()) fail(node, what + " must not be an empty list");
    } else if (node.IsScalar()) {
      out.push_back(node);
    } else {
      fail(node, what + " must be a value or a list of values");
    }
    return out;
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  static std::string show(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    std::ostringstream out;
    out << node;
    std::string s = out.str();
    for (char& c : s)
      if (c == '\n') c = ' ';
    return s;
  }

 private:
  std::string path_, overrides_;
};

ParameterValue parameter_value(const Reader& r, const YAML::Node& node, const ParameterSpec& spec,
                               const std::string& algorithm) {
  const std::string what = "parameter '" + spec.name + "' of " + algorithm;
  ParameterValue value;
  bool ok = node.IsScalar();
  if (ok) {
    switch (spec.type) {
      case ParameterType::integer: {
        std::int64_t v;
        ok = yaml_integer(node, v);
        value = v;
        break;
      }
      case ParameterType::real: {
        double v;
        ok = YAML::convert<double>::decode(node, v);
        value = v;
        break;
      }
      case ParameterType::boolean: {
        bool v;
        ok = YAML::convert<bool>::decode(node, v);
        value = v;
        break;
      }
      case ParameterType::choice:
        value = node.Scalar();
        break;
    }
  }
  if (!ok) r.fail(node, what + " must be " + spec.allowed() + ", not '" + Reader::show(node) + "'");
  if (auto why = spec.reject(value))
    r.fail(node, *why + " (in " + algorithm + "), not '" + Reader::show(node) + "'");
  return value;
}

Granularity parse_granularity(const Reader& r, const YAML::Node& node) {
  const std::string allowed = "tensor, row (axis 0), channel (last axis) or axis:N";
  const std::string text = r.text(node, "granularity");
  if (text == "tensor") return {};
  if (text == "row") return {0};
  if (text == "channel") return {-1};
  if (text.rfind("axis:", 0) == 0) {
    try {
      std::size_t used = 0;
      const int axis = std::stoi(text.substr(5), &used);
      if (used == text.size() - 5) return {axis};
    } catch (const std::exception&) {
    }
  }
  r.fail(node, "granularity must be " + allowed + ", not '" + text + "'");
}

// K values from `levels:` or 2^bits from `bits:` of a map (empty when it has neither).
std::vector<std::size_t> parse_levels(const Reader& r, const YAML::Node& node) {
  if (node["bits"] && node["levels"]) r.fail(node["bits"], "give 'bits' or 'levels', not both");
  std::vector<std::size_t> levels;
  if (node["bits"])
    for (const auto& b : r.one_or_list(node["bits"], "bits"))
      levels.push_back(std::size_t{1} << r.integer(b, "bits", 0, 30));
  if (node["levels"])
    for (const auto& k : r.one_or_list(node["levels"], "levels"))
      levels.push_back(static_cast<std::size_t>(r.integer(k, "levels", 1, 1 << 30)));
  return levels;
}

// The declared parameters `node` gives, each with its value or list of values.
std::vector<std::pair<std::string, std::vector<ParameterValue>>> parse_parameter_lists(
    const Reader& r, const YAML::Node& node, const std::vector<ParameterSpec>& specs,
    const std::string& owner) {
  std::vector<std::pair<std::string, std::vector<ParameterValue>>> out;
  for (const auto& p : specs) {
    const YAML::Node value = node[p.name];
    if (!value) continue;
    std::vector<ParameterValue> values;
    std::set<std::string> seen;
    for (const auto& item : r.one_or_list(value, "parameter '" + p.name + "'")) {
      values.push_back(parameter_value(r, item, p, owner));
      if (!seen.insert(format_value(values.back())).second)
        r.fail(item, "parameter '" + p.name + "' lists '" + item.Scalar() + "' twice");
    }
    out.emplace_back(p.name, std::move(values));
  }
  return out;
}

AlgorithmSpec parse_algorithm(const Reader& r, const YAML::Node& node) {
  AlgorithmSpec spec;
  const YAML::Node name_node = node.IsMap() ? node["name"] : node;
  if (!name_node) r.fail(node, "an algorithm needs a name (one of " + algorithm_names() + ")");
  spec.name = r.text(name_node, "algorithm name");
  spec.where = r.where(node);
  const AlgorithmInfo* info = find_algorithm(spec.name);
  if (!info)
    r.fail(name_node, "unknown algorithm '" + spec.name + "' (one of " + algorithm_names() + ")");
  if (!node.IsMap()) return spec;

  std::vector<std::string> allowed{"name", "label", "granularity", "levels", "bits", "network"};
  for (const auto& p : info->parameters) allowed.push_back(p.name);
  r.check_keys(node, allowed, "algorithm '" + spec.name + "'");
  if (node["label"]) spec.label = r.text(node["label"], "label");
  if (node["granularity"])
    for (const auto& g : r.one_or_list(node["granularity"], "granularity"))
      spec.granularities.push_back(parse_granularity(r, g));
  spec.parameters = parse_parameter_lists(r, node, info->parameters, spec.name);
  spec.levels = parse_levels(r, node);
  if (const YAML::Node network = node["network"]) {
    r.require_map(network, "network");
    std::vector<std::string> keys;
    for (const auto& p : network_training_parameters()) keys.push_back(p.name);
    r.check_keys(network, keys, "the network block of algorithm '" + spec.name + "'");
    spec.training = parse_parameter_lists(r, network, network_training_parameters(), spec.name);
  }
  return spec;
}

SyntheticSpec parse_synthetic(const Reader& r, const YAML::Node& node) {
  r.require_map(node, "synthetic");
  SyntheticSpec spec;
  if (!node["distribution"])
    r.fail(node,
           "synthetic needs a distribution (gaussian, uniform, laplace, student_t, "
           "gaussian_mixture)");
  spec.distribution = r.text(node["distribution"], "distribution");
  const auto& all = synthetic_distributions();
  auto it = all.find(spec.distribution);
  if (it == all.end())
    r.fail(node["distribution"], "unknown distribution '" + spec.distribution +
                                     "' (gaussian, uniform, laplace, student_t, gaussian_mixture)");
  std::vector<std::string> allowed{"distribution", "n", "shape", "seed", "dtype", "integer_bits"};
  allowed.insert(allowed.end(), it->second.begin(), it->second.end());
  r.check_keys(node, allowed, "synthetic " + spec.distribution);
  if (node["shape"]) {
    if (!node["shape"].IsSequence() || node["shape"].size() == 0)
      r.fail(node["shape"], "shape must be a list of sizes, e.g. [256, 512]");
    spec.n = 1;
    for (const auto& d : node["shape"]) {
      spec.shape.push_back(static_cast<std::size_t>(r.integer(d, "shape", 1, 2000000000)));
      spec.n *= spec.shape.back();
    }
    if (node["n"] && static_cast<std::size_t>(r.integer(node["n"], "n", 1, 2000000000)) != spec.n)
      r.fail(node["n"], "n differs from the product of shape");
  } else {
    if (!node["n"]) r.fail(node, "synthetic needs n, the number of values (or shape)");
    spec.n = static_cast<std::size_t>(r.integer(node["n"], "n", 1, 2000000000));
  }
  if (node["seed"])
    spec.seed = static_cast<std::uint64_t>(
        r.integer(node["seed"], "seed", 0, std::numeric_limits<std::int64_t>::max()));
  if (node["dtype"]) {
    const std::string dtype = r.text(node["dtype"], "dtype");
    if (dtype != "float32" && dtype != "float64")
      r.fail(node["dtype"], "dtype must be float32 or float64, not '" + dtype + "'");
    spec.dtype = dtype == "float32" ? DType::float32 : DType::float64;
  }
  if (node["integer_bits"])
    spec.integer_bits = static_cast<int>(r.integer(node["integer_bits"], "integer_bits", 1, 32));
  for (const auto& key : it->second) {
    const YAML::Node value = node[key];
    if (!value) continue;
    std::vector<double> numbers;
    if (value.IsSequence())
      for (const auto& item : value) numbers.push_back(r.number(item, key));
    else
      numbers.push_back(r.number(value, key));
    spec.parameters[key] = numbers;
  }
  try {
    validate(spec);
  } catch (const std::invalid_argument& e) {
    r.fail(node, e.what());
  }
  return spec;
}

DatasetSpec parse_dataset(const Reader& r, const YAML::Node& node) {
  r.require_map(node, "a dataset");
  r.check_keys(node,
               {"name", "synthetic", "file", "import", "network", "test_data", "scope", "tensors",
                "min_size"},
               "dataset");
  DatasetSpec spec;
  spec.where = r.where(node);
  if (!node["name"]) r.fail(node, "a dataset needs a name");
  spec.name = r.text(node["name"], "dataset name");
  const int sources = static_cast<bool>(node["synthetic"]) + static_cast<bool>(node["file"]) +
                      static_cast<bool>(node["import"]) + static_cast<bool>(node["network"]);
  if (sources != 1)
    r.fail(node, "dataset '" + spec.name +
                     "' needs exactly one of 'synthetic', 'file', 'import' and 'network'");
  for (const char* key : {"test_data", "scope"})
    if (node[key] && !node["network"])
      r.fail(node[key], std::string("'") + key + "' goes with 'network'");
  if (node["network"]) {
    spec.network = spec.file = r.text(node["network"], "network");
    const std::string test = node["test_data"] ? r.text(node["test_data"], "test_data") : "mnist";
    if (find_package_source(test))
      spec.test_import = test, spec.test_data = "datasets/" + test + ".h5";
    else
      spec.test_data = test;
    if (node["scope"]) {
      const std::string scope = r.text(node["scope"], "scope");
      if (scope != "layer" && scope != "all")
        r.fail(node["scope"], "scope must be layer or all, not '" + scope + "'");
      spec.per_layer = scope == "layer";
    }
  }
  if (node["synthetic"]) {
    for (const char* key : {"tensors", "min_size"})
      if (node[key])
        r.fail(node[key],
               std::string("'") + key + "' goes with 'file' or 'import', not 'synthetic'");
    spec.synthetic = parse_synthetic(r, node["synthetic"]);
  } else {
    if (node["import"]) {
      spec.import = r.text(node["import"], "import");
      const PackageSource* source = find_package_source(spec.import);
      if (!source) {
        std::string names;
        for (const auto& s : package_sources()) names += (names.empty() ? "" : ", ") + s.name;
        r.fail(node["import"], "unknown source '" + spec.import + "' (one of " + names + ")");
      }
      spec.file = "datasets/" + spec.import + ".h5";
    } else if (node["file"]) {
      spec.file = r.text(node["file"], "file");
    }
    if (node["min_size"])
      spec.min_size =
          static_cast<std::size_t>(r.integer(node["min_size"], "min_size", 0, 1LL << 40));
    if (node["tensors"])
      for (const auto& item : r.one_or_list(node["tensors"], "tensors"))
        spec.tensors.push_back(r.text(item, "tensor pattern"));
    else
      spec.tensors.push_back(spec.network.empty() ? "*" : "*/kernel");  // a network's weights
  }
  return spec;
}

}  // namespace

std::string Granularity::text() const {
  return axis ? "axis=" + std::to_string(*axis) : "tensor";
}

SweepConfig parse_config(const std::string& text, const std::string& path,
                         const std::vector<std::string>& overrides) {
  std::string shown;
  for (const auto& o : overrides) shown += (shown.empty() ? "" : " ") + o;
  const Reader r(path, shown);
  if (const std::size_t at = invalid_utf8_at(text); at != std::string::npos) {
    const auto lines =
        std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
    const std::size_t newline = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
    const std::size_t column = newline == std::string::npos ? at : at - newline - 1;
    throw ConfigError(path + ":" + std::to_string(lines + 1) + ":" + std::to_string(column + 1) +
                      ": the config is not UTF-8 text (byte " + byte_text(text[at]) + ")");
  }
  for (std::size_t i = 0; i < overrides.size(); ++i)
    if (const std::size_t at = invalid_utf8_at(overrides[i]); at != std::string::npos)
      throw ConfigError(path + ": override " + std::to_string(i + 1) + " of " +
                        std::to_string(overrides.size()) + " is not UTF-8 text (" +
                        invalid_utf8_text(overrides[i], at) + ")");
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw ConfigError(path + ": a sweep config must be a mapping of keys");
  std::size_t budget = 1000000;
  r.check_mappings(root, budget);
  apply_overrides(root, overrides);
  r.check_keys(root,
               {"name", "description", "datasets", "algorithms", "bits", "levels", "seeds",
                "repeat", "granularity", "weights"},
               "the sweep config");
  SweepConfig c;
  c.path = path;
  c.text = text;
  if (!overrides.empty()) {
    // The effective config: what the records keep (its hash the same however the overrides
    // were spelled or ordered, when they say the same), and what --print-config shows.
    YAML::Emitter out;
    out << root;
    c.text = std::string(out.c_str()) + "\n";
  }
  for (const char* key : {"name", "datasets", "algorithms"})
    if (!root[key]) r.fail(root, std::string("the sweep config needs '") + key + "'");
  c.name = r.text(root["name"], "name");
  for (char ch : c.name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.'))
      r.fail(root["name"],
             "name may only hold letters, digits, '-', '_' and '.' (it names "
             "the results folder), not '" +
                 c.name + "'");
  // The name is a folder inside the results folder, beside the merged <name>.h5 files: '', '.'
  // and '..' are not folders of their own, and a name ending in .h5 is another sweep's file.
  if (c.name.find_first_not_of('.') == std::string::npos)
    r.fail(root["name"], "name needs a letter, digit, '-' or '_' (it names the results folder)");
  if (c.name.size() >= 3 && c.name.compare(c.name.size() - 3, 3, ".h5") == 0)
    r.fail(root["name"],
           "name must not end in .h5 (results/<name>.h5 holds a sweep's merged "
           "results), not '" +
               c.name + "'");
  if (root["description"]) c.description = r.text(root["description"], "description");

  const YAML::Node datasets = root["datasets"];
  if (!datasets.IsSequence() || datasets.size() == 0)
    r.fail(datasets, "datasets must be a non-empty list");
  std::set<std::string> dataset_names;
  for (const auto& d : datasets) {
    c.datasets.push_back(parse_dataset(r, d));
    if (!dataset_names.insert(c.datasets.back().name).second)
      r.fail(d["name"], "dataset name '" + c.datasets.back().name + "' is used twice");
  }

  const YAML::Node algorithms = root["algorithms"];
  if (!algorithms.IsSequence() || algorithms.size() == 0)
    r.fail(algorithms, "algorithms must be a non-empty list (of " + algorithm_names() + ")");
  for (const auto& a : algorithms) c.algorithms.push_back(parse_algorithm(r, a));

  if (static_cast<bool>(root["bits"]) == static_cast<bool>(root["levels"]))
    r.fail(root, "the sweep config needs exactly one of 'bits' and 'levels'");
  c.levels = parse_levels(r, root);
  if (root["seeds"])
    for (const auto& s : r.one_or_list(root["seeds"], "seeds"))
      c.seeds.push_back(static_cast<std::uint64_t>(
          r.integer(s, "seed", 0, std::numeric_limits<std::int64_t>::max())));
  else
    c.seeds.push_back(0);
  if (root["repeat"])
    c.repeat = static_cast<std::size_t>(r.integer(root["repeat"], "repeat", 1, 1000));
  if (root["granularity"])
    for (const auto& g : r.one_or_list(root["granularity"], "granularity"))
      c.granularities.push_back(parse_granularity(r, g));
  else
    c.granularities.push_back({});
  if (root["weights"]) {
    c.weights.clear();
    for (const auto& w : r.one_or_list(root["weights"], "weights")) {
      const std::string name = r.text(w, "weights");
      if (name.empty() || name.find('/') != std::string::npos)
        r.fail(w,
               "weights must be none or the name of a companion weight tensor, not '" + name + "'");
      c.weights.push_back(name);
    }
  }
  return c;
}

SweepConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the config file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path, overrides);
}

}  // namespace quantlab
