#include "cli/command_line.hpp"

#include <iostream>

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
    po::store(
        po::command_line_parser(invocation.args).options(options).positional(positional).run(), vm);
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

po::positional_options_description config_and_out(po::options_description& options,
                                                  std::string& config, std::string& out,
                                                  const char* out_doc) {
  options.add_options()("config", po::value(&config)->required(), "sweep config (YAML)")(
      "out", po::value(&out)->default_value("results"), out_doc);
  po::positional_options_description p;
  p.add("config", 1);
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
