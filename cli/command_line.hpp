#pragma once
// What every quantlab command shares: the command table's entry, its parsed options and the
// usage error (exit status 2; a failed run or an I/O error gives 1).
#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/parameters.hpp"

namespace quantlab::cli {

namespace po = boost::program_options;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Invocation;

/// One entry of the command table (cli/commands.cpp), from which the usage texts are made.
struct Command {
  std::vector<std::string> path;  ///< {"run"}, {"net", "lc"}
  std::string arguments;          ///< the positional arguments, shown in the command list
  std::string options;            ///< the rest of the synopsis, shown by --help
  std::string summary;            ///< one line
  int (*run)(const Invocation&);

  std::string name() const;      ///< "net lc"
  std::string synopsis() const;  ///< "net lc FILE [--method lc|idc] ..."
};

struct Invocation {
  const Command& command;
  std::vector<std::string> args;  ///< after the command's name
};

/// Parses the invocation's options; false when --help was asked for (and printed).
bool parse(const Invocation& invocation, po::options_description& options,
           const po::positional_options_description& positional, po::variables_map& vm);

/// Every option named in `declared` (CLI name → declared parameter name) must hold a value its
/// declaration in `specs` allows: the command line takes what a sweep's YAML takes.
void check_declared_ranges(const po::variables_map& vm,
                           const std::vector<std::pair<std::string, std::string>>& declared,
                           const std::vector<ParameterSpec>& specs);

/// What the sweep commands (run, plan, status, merge) take: CONFIG, then overrides
/// KEY=VALUE ... (experiments/config_overrides.hpp), --out DIR and --print-config.
struct SweepArguments {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
  bool print_config = false;
};
po::positional_options_description sweep_arguments(po::options_description& options,
                                                   SweepArguments& a, const char* out_doc);

/// "a,b,,c" → {a, b, c}.
std::vector<std::string> split(const std::string& text);

}  // namespace quantlab::cli
