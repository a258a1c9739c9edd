#include "experiments/config_overrides.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>

#include "experiments/config.hpp"

namespace quantlab {
namespace {

struct Override {
  std::string text;                 ///< as given, for messages
  std::vector<std::string> parts;   ///< the dotted path
  std::optional<YAML::Node> value;  ///< none: remove the key
};

[[noreturn]] void refuse(const Override& o, const std::string& why) {
  throw ConfigError("override '" + o.text + "': " + why);
}

// A copy of a parsed value built from new nodes: it carries no position (a message about it
// names the override), shares nothing, and is checked as a config file is (a key given
// twice; aliases that expand to too many nodes).
YAML::Node unmarked(const YAML::Node& node, std::size_t& budget, const std::string& text) {
  if (budget-- == 0)
    throw ConfigError("override '" + text + "': expands (through aliases) to too many nodes");
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(unmarked(item, budget, text));
    return out;
  }
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    std::set<std::string> seen;
    for (const auto& item : node) {
      if (!item.first.IsScalar())
        throw ConfigError("override '" + text + "': a key must be a plain name");
      if (!seen.insert(item.first.Scalar()).second)
        throw ConfigError("override '" + text + "': key '" + item.first.Scalar() +
                          "' is given twice");
      out.force_insert(item.first.Scalar(), unmarked(item.second, budget, text));
    }
    return out;
  }
  if (node.IsScalar()) return YAML::Node(node.Scalar());
  return YAML::Node();
}

YAML::Node value_of(const std::string& value, const std::string& text) {
  const char first = value.empty() ? '\0' : value.front();
  if (first == '[' || first == '{' || first == '"' || first == '\'') {  // YAML itself
    try {
      std::size_t budget = 100000;
      return unmarked(YAML::Load(value), budget, text);
    } catch (const YAML::Exception& e) {
      throw ConfigError("override '" + text + "': invalid YAML: " + e.msg);
    }
  }
  static const std::regex range(R"((-?\d{1,18})\.\.(-?\d{1,18}))");
  std::smatch m;
  if (std::regex_match(value, m, range)) {
    const long long from = std::stoll(m[1]), to = std::stoll(m[2]);
    if (to < from || to - from >= 100000)
      throw ConfigError("override '" + text + "': a range goes up, by at most 100000");
    YAML::Node out(YAML::NodeType::Sequence);
    for (long long v = from; v <= to; ++v) out.push_back(YAML::Node(std::to_string(v)));
    return out;
  }
  if (value.find(',') == std::string::npos) return YAML::Node(value);
  YAML::Node out(YAML::NodeType::Sequence);
  for (std::size_t start = 0;;) {
    const std::size_t comma = value.find(',', start);
    std::string item = value.substr(start, comma - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    item.erase(0, item.find_first_not_of(" \t"));
    if (item.empty()) throw ConfigError("override '" + text + "': an empty list item");
    out.push_back(YAML::Node(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Override parsed(const std::string& text) {
  Override o;
  o.text = text;
  const bool remove = !text.empty() && text.front() == '~';
  const std::size_t equals = text.find('=');
  if (remove ? equals != std::string::npos : equals == std::string::npos)
    throw ConfigError("override '" + text + "' must be KEY=VALUE or ~KEY (KEY a dotted path)");
  const std::string path = remove ? text.substr(1) : text.substr(0, equals);
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    o.parts.push_back(path.substr(start, dot - start));
    if (o.parts.back().empty()) refuse(o, "'" + path + "' has an empty key");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (!remove) o.value = value_of(text.substr(equals + 1), text);
  return o;
}

std::string joined(const std::vector<std::string>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) out += (i > from ? "." : "") + parts[i];
  return out;
}

// What an entry of `datasets` or `algorithms` is called: a dataset by its name, an algorithm
// by its label, or (without one) by its name.
std::string entry_key(const YAML::Node& entry, bool algorithms) {
  if (entry.IsScalar()) return entry.Scalar();
  if (!entry.IsMap()) return "";
  if (algorithms && entry["label"] && entry["label"].IsScalar()) return entry["label"].Scalar();
  return entry["name"] && entry["name"].IsScalar() ? entry["name"].Scalar() : "";
}

YAML::Node changed(const YAML::Node& map, const Override& o, std::size_t i);

// The list with the entry that parts[i...] names changed (names may hold dots: the longest
// that names an entry is taken). Every other entry is shared, not copied.
YAML::Node changed_list(const YAML::Node& list, const Override& o, std::size_t i,
                        const std::string& list_name) {
  const bool algorithms = list_name == "algorithms";
  const char* what = algorithms ? "algorithm" : "dataset";
  std::string known;
  for (const auto& entry : list)
    known += (known.empty() ? "" : ", ") + entry_key(entry, algorithms);
  for (std::size_t end = o.parts.size() - 1; end > i; --end) {
    const std::string name = joined(o.parts, i, end);
    std::vector<std::size_t> found;
    for (std::size_t e = 0; e < list.size(); ++e)
      if (entry_key(list[e], algorithms) == name) found.push_back(e);
    if (found.empty()) continue;
    if (found.size() > 1)
      refuse(o, std::to_string(found.size()) + " " + what + "s are '" + name +
                    "': give each its own " + (algorithms ? "label" : "name") + " (" + known + ")");
    YAML::Node out(YAML::NodeType::Sequence);
    for (std::size_t e = 0; e < list.size(); ++e) {
      if (e != found.front()) {
        out.push_back(list[e]);
        continue;
      }
      YAML::Node entry = list[e];
      if (entry.IsScalar()) {  // a bare algorithm name: a mapping, to set keys in
        YAML::Node map(YAML::NodeType::Map);
        map["name"] = YAML::Node(entry.Scalar());
        entry.reset(map);
      }
      if (!entry.IsMap()) refuse(o, std::string(what) + " '" + name + "' holds no keys to set");
      out.push_back(changed(entry, o, end));
    }
    return out;
  }
  if (i + 1 == o.parts.size())
    refuse(o, o.value ? "give a key inside the " + std::string(what) + " to set"
                      : "remove an entry by giving the whole list");
  refuse(o, "the config has no " + std::string(what) + " '" + o.parts[i] + "' (" + list_name +
                ": " + known + ")");
}

// A new mapping: `map` with the override applied from parts[i] on. Nothing is assigned
// through an existing node (it may be shared through a YAML anchor); the untouched entries
// are shared, in their order.
YAML::Node changed(const YAML::Node& map, const Override& o, std::size_t i) {
  const std::string& part = o.parts[i];
  const bool last = i + 1 == o.parts.size();
  // Exactly one of bits and levels: setting one replaces the other.
  const std::string other = !last || !o.value  ? ""
                            : part == "bits"   ? "levels"
                            : part == "levels" ? "bits"
                                               : "";
  YAML::Node out(YAML::NodeType::Map);
  bool found = false;
  for (const auto& item : map) {
    const std::string key = item.first.Scalar();
    if (!other.empty() && key == other) continue;
    if (key != part) {
      out.force_insert(item.first, item.second);
      continue;
    }
    found = true;
    const YAML::Node& child = item.second;
    if (last) {
      if (o.value) out.force_insert(item.first, *o.value);
    } else if (i == 0 && (part == "datasets" || part == "algorithms") && child.IsSequence()) {
      out.force_insert(item.first, changed_list(child, o, i + 1, part));
    } else if (child.IsMap()) {
      out.force_insert(item.first, changed(child, o, i + 1));
    } else {
      refuse(o, "'" + joined(o.parts, 0, i + 1) + "' holds no keys to set");
    }
  }
  if (!found) {
    if (!o.value) refuse(o, "the config has no '" + joined(o.parts, 0, i + 1) + "' to remove");
    out.force_insert(part, last ? *o.value : changed(YAML::Node(YAML::NodeType::Map), o, i + 1));
  }
  return out;
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& text : overrides) root.reset(changed(root, parsed(text), 0));
}

}  // namespace quantlab
