#include "cli/command_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <typeinfo>

namespace quantlab::cli {

std::string Command::name() const {
  std::string text;
  for (const auto& word : path) text += (text.empty() ? "" : " ") + word;
  return text;
}

std::string Command::synopsis() const {
  std::string text = name();
  for (const auto& part : {arguments, options})
    if (!part.empty()) text += " " + part;
  return text;
}

bool parse(const Invocation& invocation, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  const std::string synopsis = invocation.command.synopsis();
  try {
    const po::parsed_options parsed =
        po::command_line_parser(invocation.args).options(options).positional(positional).run();
    po::store(parsed, vm);
    // boost reads "-1" into an unsigned option as its wrapped value (SIZE_MAX): refuse it.
    for (const auto& option : parsed.options)
      for (const auto& token : option.value) {
        const auto it = vm.find(option.string_key);
        if (it == vm.end() || token.empty() || token[0] != '-') continue;
        const auto& type = it->second.value().type();
        if (type == typeid(std::size_t) || type == typeid(unsigned) ||
            type == typeid(std::uint64_t))
          throw UsageError("--" + option.string_key + " must be a non-negative integer, not '" +
                           token + "'");
      }
    if (vm.count("help")) {
      std::cout << "usage: quantlab " << synopsis << "\n\n"
                << invocation.command.summary << ".\n\n"
                << options;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (usage: quantlab " + synopsis + ")");
  }
  return true;
}

void check_declared_ranges(const po::variables_map& vm,
                           const std::vector<std::pair<std::string, std::string>>& declared,
                           const std::vector<ParameterSpec>& specs) {
  for (const auto& [option, parameter] : declared) {
    const auto it = vm.find(option);
    if (it == vm.end() || it->second.empty()) continue;
    const boost::any& any = it->second.value();
    double number = 0;
    if (const auto* v = boost::any_cast<std::size_t>(&any))
      number = static_cast<double>(*v);
    else if (const auto* i = boost::any_cast<int>(&any))
      number = *i;
    else if (const auto* d = boost::any_cast<double>(&any))
      number = *d;
    else
      throw std::logic_error("--" + option + " is not a number");
    for (const auto& spec : specs) {
      if (spec.name != parameter) continue;
      // An integer beyond every declared range is still an int64 once clamped.
      const bool finite = std::isfinite(number);
      const ParameterValue value =
          spec.type == ParameterType::integer && finite
              ? ParameterValue(static_cast<std::int64_t>(std::min(number, 9e18)))
              : ParameterValue(number);
      if (!finite || spec.reject(value))
        throw UsageError("--" + option + " must be " + spec.allowed() + ", not " +
                         (finite               ? display_value(value)
                          : std::isnan(number) ? std::string("nan")
                          : number > 0         ? std::string("inf")
                                               : std::string("-inf")));
    }
  }
}

po::positional_options_description sweep_arguments(po::options_description& options,
                                                   SweepArguments& a, const char* out_doc) {
  options.add_options()("config", po::value(&a.config)->required(), "sweep config (YAML)")(
      "overrides", po::value(&a.overrides)->composing(),
      "KEY=VALUE ... after CONFIG: bits=2,3 seeds=0..4 algorithms.kmeans.n_init=5 ~KEY")(
      "out", po::value(&a.out)->default_value("results"), out_doc)(
      "print-config", po::bool_switch(&a.print_config),
      "print the effective config (overrides applied) and stop");
  po::positional_options_description p;
  p.add("config", 1);
  p.add("overrides", -1);
  return p;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace quantlab::cli
