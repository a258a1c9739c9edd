#pragma once
// Declared parameters of a quantizer: every algorithm states its parameters once (name,
// type, default, allowed range, one-line doc); the YAML loader validates against the
// declaration, `quantlab algorithms` prints it, and the docs table comes from it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace quantlab {

enum class ParameterType { integer, real, boolean, choice };

using ParameterValue = std::variant<std::int64_t, double, bool, std::string>;

struct ParameterSpec {
  std::string name;
  ParameterType type;
  ParameterValue default_value;
  double min = 0;  // integer and real: inclusive bounds
  double max = 0;
  std::vector<std::string> choices;  // choice: the allowed values
  std::string doc;

  /// Why `value` is not allowed (type or range), or nothing when it is.
  std::optional<std::string> reject(const ParameterValue& value) const;
  /// "integer in [1, 1000]", "one of kmeans++, random, quantile", ...
  std::string allowed() const;
};

ParameterSpec integer_parameter(std::string name, std::int64_t def, std::int64_t min,
                                std::int64_t max, std::string doc);
ParameterSpec real_parameter(std::string name, double def, double min, double max, std::string doc);
ParameterSpec boolean_parameter(std::string name, bool def, std::string doc);
ParameterSpec choice_parameter(std::string name, std::string def, std::vector<std::string> choices,
                               std::string doc);

/// One value of an enumerated option and its name. An option's table of these (a constexpr
/// array beside its enum) is what both the declaration (option_parameter) and the conversion
/// (Parameters::option) read, so an algorithm sees an enum and never compares strings.
template <class E>
struct OptionName {
  E value;
  const char* name;
};

template <class E, std::size_t N>
const char* option_name(E value, const OptionName<E> (&names)[N]) {
  for (const auto& option : names)
    if (option.value == value) return option.name;
  throw std::logic_error("option value without a name");
}

/// The value named `text`, or nothing when no value has that name.
template <class E, std::size_t N>
std::optional<E> option_value(const std::string& text, const OptionName<E> (&names)[N]) {
  for (const auto& option : names)
    if (text == option.name) return option.value;
  return std::nullopt;
}

/// "lc, idc": the names, for messages.
template <class E, std::size_t N>
std::string option_list(const OptionName<E> (&names)[N]) {
  std::string out;
  for (const auto& option : names) out += (out.empty() ? "" : ", ") + std::string(option.name);
  return out;
}

template <class E, std::size_t N>
ParameterSpec option_parameter(std::string name, E def, const OptionName<E> (&names)[N],
                               std::string doc) {
  std::vector<std::string> choices;
  for (const auto& option : names) choices.emplace_back(option.name);
  return choice_parameter(std::move(name), option_name(def, names), std::move(choices),
                          std::move(doc));
}

const char* type_name(ParameterType type);

/// Canonical text of a value: the same value always gives the same text (run ids hash it).
std::string format_value(const ParameterValue& value);

/// Text for people (labels, tables): reals in the fewest digits that read back exactly
/// (0.1, not 0.10000000000000001).
std::string display_value(const ParameterValue& value);

/// Resolved parameters of one run: every declared parameter has a value.
class Parameters {
 public:
  Parameters() = default;
  /// Defaults of `specs`, overridden by `given` (which must already be valid).
  Parameters(const std::vector<ParameterSpec>& specs,
             const std::map<std::string, ParameterValue>& given);

  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& choice(const std::string& name) const;
  /// The enum value of an option declared by option_parameter with the same table.
  template <class E, std::size_t N>
  E option(const std::string& name, const OptionName<E> (&names)[N]) const {
    if (auto value = option_value(choice(name), names)) return *value;
    throw std::logic_error("option '" + name + "' has the undeclared value '" + choice(name) + "'");
  }

  const std::map<std::string, ParameterValue>& values() const;
  /// "init=kmeans++,max_iter=300,..." sorted by name.
  std::string canonical() const;

 private:
  const ParameterValue& at(const std::string& name) const;
  /// Never changed once made, so copies share it: a plan's 10^6 runs of a few algorithm
  /// entries hold a few maps, not 10^6.
  std::shared_ptr<const std::map<std::string, ParameterValue>> values_;
};

}  // namespace quantlab
