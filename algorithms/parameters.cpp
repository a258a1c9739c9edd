#include "algorithms/parameters.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace quantlab {
namespace {

std::string format_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

}  // namespace

const char* type_name(ParameterType type) {
  switch (type) {
    case ParameterType::integer:
      return "integer";
    case ParameterType::real:
      return "real";
    case ParameterType::boolean:
      return "boolean";
    case ParameterType::choice:
      return "choice";
  }
  return "?";
}

std::string format_value(const ParameterValue& value) {
  if (auto i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (auto r = std::get_if<double>(&value)) return format_number(*r);
  if (auto b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return std::get<std::string>(value);
}

std::string display_value(const ParameterValue& value) {
  const auto r = std::get_if<double>(&value);
  if (!r) return format_value(value);
  char buffer[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, *r);
    if (std::strtod(buffer, nullptr) == *r) break;
  }
  return buffer;
}

std::string ParameterSpec::allowed() const {
  std::ostringstream out;
  switch (type) {
    case ParameterType::integer:
      out << "an integer in [" << static_cast<std::int64_t>(min) << ", "
          << static_cast<std::int64_t>(max) << "]";
      break;
    case ParameterType::real:
      out << "a number in [" << min << ", " << max << "]";
      break;
    case ParameterType::boolean:
      out << "true or false";
      break;
    case ParameterType::choice:
      out << "one of ";
      for (std::size_t i = 0; i < choices.size(); ++i) out << (i ? ", " : "") << choices[i];
      break;
  }
  return out.str();
}

std::optional<std::string> ParameterSpec::reject(const ParameterValue& value) const {
  const std::string expected = "'" + name + "' must be " + allowed();
  switch (type) {
    case ParameterType::integer: {
      auto i = std::get_if<std::int64_t>(&value);
      if (!i || *i < min || *i > max) return expected;
      return std::nullopt;
    }
    case ParameterType::real: {
      double x;
      if (auto r = std::get_if<double>(&value))
        x = *r;
      else if (auto i = std::get_if<std::int64_t>(&value))
        x = static_cast<double>(*i);
      else
        return expected;
      if (!std::isfinite(x) || x < min || x > max) return expected;
      return std::nullopt;
    }
    case ParameterType::boolean:
      if (!std::holds_alternative<bool>(value)) return expected;
      return std::nullopt;
    case ParameterType::choice: {
      auto s = std::get_if<std::string>(&value);
      if (!s) return expected;
      for (const auto& c : choices)
        if (c == *s) return std::nullopt;
      return expected;
    }
  }
  return expected;
}

ParameterSpec integer_parameter(std::string name, std::int64_t def, std::int64_t min,
                                std::int64_t max, std::string doc) {
  return {std::move(name),
          ParameterType::integer,
          def,
          static_cast<double>(min),
          static_cast<double>(max),
          {},
          std::move(doc)};
}

ParameterSpec real_parameter(std::string name, double def, double min, double max,
                             std::string doc) {
  return {std::move(name), ParameterType::real, def, min, max, {}, std::move(doc)};
}

ParameterSpec boolean_parameter(std::string name, bool def, std::string doc) {
  return {std::move(name), ParameterType::boolean, def, 0, 1, {}, std::move(doc)};
}

ParameterSpec choice_parameter(std::string name, std::string def, std::vector<std::string> choices,
                               std::string doc) {
  return {std::move(name),    ParameterType::choice, std::move(def), 0, 0,
          std::move(choices), std::move(doc)};
}

Parameters::Parameters(const std::vector<ParameterSpec>& specs,
                       const std::map<std::string, ParameterValue>& given) {
  std::map<std::string, ParameterValue> values;
  for (const auto& spec : specs) {
    auto it = given.find(spec.name);
    ParameterValue value = it == given.end() ? spec.default_value : it->second;
    // An integer written where a real is declared is that real.
    if (spec.type == ParameterType::real)
      if (auto i = std::get_if<std::int64_t>(&value)) value = static_cast<double>(*i);
    if (auto why = spec.reject(value)) throw std::invalid_argument(*why);
    values[spec.name] = value;
  }
  for (const auto& [name, value] : given)
    if (!values.count(name)) throw std::invalid_argument("unknown parameter '" + name + "'");
  values_ = std::make_shared<const std::map<std::string, ParameterValue>>(std::move(values));
}

const std::map<std::string, ParameterValue>& Parameters::values() const {
  static const std::map<std::string, ParameterValue> none;
  return values_ ? *values_ : none;
}

const ParameterValue& Parameters::at(const std::string& name) const {
  const auto& all = values();
  auto it = all.find(name);
  if (it == all.end()) throw std::logic_error("undeclared parameter '" + name + "'");
  return it->second;
}

std::int64_t Parameters::integer(const std::string& name) const {
  return std::get<std::int64_t>(at(name));
}
double Parameters::real(const std::string& name) const {
  return std::get<double>(at(name));
}
bool Parameters::boolean(const std::string& name) const {
  return std::get<bool>(at(name));
}
const std::string& Parameters::choice(const std::string& name) const {
  return std::get<std::string>(at(name));
}

std::string Parameters::canonical() const {
  std::string out;
  for (const auto& [name, value] : values()) {
    if (!out.empty()) out += ',';
    out += name + '=' + format_value(value);
  }
  return out;
}

}  // namespace quantlab
