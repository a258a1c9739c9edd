#include "experiments/config_overrides.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdint>
#include <regex>
#include <string>

#include "experiments/config.hpp"

namespace quantlab {
namespace {

// A copy of a parsed node built from new nodes: it carries no position (a message about it
// names the override, not a line of some other text).
YAML::Node unmarked(const YAML::Node& node) {
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(unmarked(item));
    return out;
  }
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& item : node) out[item.first.Scalar()] = unmarked(item.second);
    return out;
  }
  if (node.IsScalar()) return YAML::Node(node.Scalar());
  return YAML::Node();
}

YAML::Node value_of(const std::string& text, const std::string& override_text) {
  if (!text.empty() && (text.front() == '[' || text.front() == '{')) {
    try {
      return unmarked(YAML::Load(text));
    } catch (const YAML::Exception& e) {
      throw ConfigError("override '" + override_text + "': invalid YAML: " + e.msg);
    }
  }
  static const std::regex range(R"((-?\d{1,18})\.\.(-?\d{1,18}))");
  std::smatch m;
  if (std::regex_match(text, m, range)) {
    const long long first = std::stoll(m[1]), last = std::stoll(m[2]);
    if (last < first || last - first >= 100000)
      throw ConfigError("override '" + override_text + "': a range goes up, by at most 100000");
    YAML::Node out(YAML::NodeType::Sequence);
    for (long long v = first; v <= last; ++v) out.push_back(YAML::Node(std::to_string(v)));
    return out;
  }
  if (text.find(',') == std::string::npos) return YAML::Node(text);
  YAML::Node out(YAML::NodeType::Sequence);
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma - start);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    item.erase(0, item.find_first_not_of(" \t"));
    if (item.empty()) throw ConfigError("override '" + override_text + "': an empty list item");
    out.push_back(YAML::Node(item));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string entry_name(const YAML::Node& entry, const char* key) {
  if (entry.IsScalar()) return entry.Scalar();
  if (entry.IsMap() && entry[key] && entry[key].IsScalar()) return entry[key].Scalar();
  return "";
}

// The entry of a `datasets` or `algorithms` list that `part` names (an algorithm by its label,
// a bare entry's being its name, else by its name); a bare algorithm name becomes a mapping so
// that keys can be set in it.
YAML::Node entry_of(YAML::Node list, const std::string& part, const std::string& list_name,
                    const std::string& override_text) {
  const bool algorithms = list_name == "algorithms";
  std::vector<std::size_t> by_label, by_name;
  std::string known;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string name = entry_name(list[i], "name");
    const std::string label = algorithms ? entry_name(list[i], "label") : "";
    known += (known.empty() ? "" : ", ") + (label.empty() ? name : label);
    if (!label.empty() && label == part) by_label.push_back(i);
    if (name == part) by_name.push_back(i);
  }
  const auto& found = by_label.empty() ? by_name : by_label;
  if (found.empty())
    throw ConfigError("override '" + override_text + "': the config has no " +
                      (algorithms ? "algorithm" : "dataset") + " '" + part + "' (" + list_name +
                      ": " + known + ")");
  if (found.size() > 1)
    throw ConfigError("override '" + override_text + "': " + std::to_string(found.size()) +
                      " algorithms are '" + part + "': name one by its label (" + known + ")");
  YAML::Node entry = list[found.front()];
  if (entry.IsScalar()) {
    YAML::Node map(YAML::NodeType::Map);
    map["name"] = YAML::Node(entry.Scalar());
    list[found.front()] = map;
    entry.reset(list[found.front()]);  // (a Node's = assigns through it; reset rebinds it)
  }
  return entry;
}

void apply_override(YAML::Node& root, const std::string& text) {
  const bool remove = !text.empty() && text.front() == '~';
  const std::size_t equals = text.find('=');
  if (remove ? equals != std::string::npos : equals == std::string::npos)
    throw ConfigError("override '" + text + "' must be KEY=VALUE or ~KEY (KEY a dotted path)");
  const std::string path = remove ? text.substr(1) : text.substr(0, equals);
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (parts.back().empty())
      throw ConfigError("override '" + text + "': '" + path + "' has an empty key");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // Walk to the mapping that holds the last key.
  YAML::Node node = root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string& part = parts[i];
    YAML::Node child = node[part];
    if (!child) {
      if (remove) return;  // nothing there to remove
      node[part] = YAML::Node(YAML::NodeType::Map);
      child.reset(node[part]);
    }
    if (child.IsSequence() && i == 0 && (part == "datasets" || part == "algorithms")) {
      node.reset(entry_of(child, parts[++i], part, text));
      if (i + 1 == parts.size()) {
        if (!remove) throw ConfigError("override '" + text + "' needs a key inside the entry");
        throw ConfigError("override '" + text + "': remove an entry by giving the whole list");
      }
      continue;
    }
    if (!child.IsMap())
      throw ConfigError("override '" + text + "': '" + part + "' holds no keys to set");
    node.reset(child);
  }
  const std::string& key = parts.back();
  if (remove) {
    node.remove(key);
    return;
  }
  // Exactly one of bits and levels: setting one replaces the other.
  if (key == "bits") node.remove("levels");
  if (key == "levels") node.remove("bits");
  node[key] = value_of(text.substr(equals + 1), text);
}

}  // namespace

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) apply_override(root, o);
}

}  // namespace quantlab
