#include "cli/commands.hpp"

#include <algorithm>
#include <iostream>

#include "cli/dataset_commands.hpp"
#include "cli/info_commands.hpp"
#include "cli/network_commands.hpp"
#include "cli/report_commands.hpp"
#include "cli/sweep_commands.hpp"

namespace quantlab::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table{
      {{"run"},
       "CONFIG [KEY=VALUE ...]",
       "[--out DIR] [--threads N] [--shard I/N | --shard-from-env] [--rerun-failed] "
       "[--progress-every S] [--print-config]",
       "run a sweep (skips runs already recorded)",
       command_run},
      {{"plan"},
       "CONFIG [KEY=VALUE ...]",
       "[--out DIR] [--format text|json] [--fetch] [--print-config]",
       "print the expanded run list with run ids, without running or downloading",
       command_plan},
      {{"status"},
       "CONFIG [KEY=VALUE ...]",
       "[--out DIR] [--shards N] [--rerun-failed] [--format text|json] [--print-config]",
       "done / failed / missing / bad runs, and the shards with work left",
       command_status},
      {{"merge"},
       "CONFIG [KEY=VALUE ...]",
       "[--out DIR] [--skip-bad] [--print-config]",
       "gather the run records into RESULTS/<sweep>.h5",
       command_merge},
      {{"check"},
       "RESULTS",
       "--against REFERENCE [--rtol [M=]X] [--atol [M=]X] [--ignore GROUP|COLUMN] [--compare-all]",
       "compare results with a reference, run by run",
       command_check},
      {{"report"},
       "RESULTS...",
       "[--metric M] [--rows C] [--cols C] [--where COL=V]... [--average-over C] "
       "[--format md|csv|latex|html | --html DIR]",
       "comparison tables from merged results files, or a static HTML page with plots",
       command_report},
      {{"compare"},
       "A B",
       "[--metric M] [--keys C] [--where COL=V]... [--average-over C] [--factor F] [--atol X] "
       "[--format md|csv] [--fail-on-regression METRIC]",
       "two results files cell by cell: B / A per metric, marked beyond the noise",
       command_compare},
      {{"dataset", "make"},
       "OUT",
       "(--config CONFIG | --name NAME --distribution D --n N [--seed S] [--param K=V]...)",
       "write a synthetic tensor to a dataset file",
       command_dataset_make},
      {{"dataset", "ls"},
       "FILE",
       "",
       "list a dataset file's tensors with statistics",
       command_dataset_ls},
      {{"dataset", "import"},
       "SOURCE",
       "[--out FILE] [--convert-quantized]\n"
       "       quantlab dataset import --format F --input FILE... --out FILE [--prefix P]",
       "fetch, verify and import real data (or local files with --format)",
       command_dataset_import},
      {{"dataset", "sources"},
       "",
       "",
       "the real data sources dataset import knows",
       command_dataset_sources},
      {{"net", "train"},
       "",
       "--model M --out FILE [--data FILE] [options]",
       "train a network (lenet300, lenet5) on MNIST-like data, save it as a dataset",
       command_net_train},
      {{"net", "eval"},
       "FILE",
       "[--data FILE]",
       "test loss and accuracy of a saved network",
       command_net_eval},
      {{"net", "lc"},
       "FILE",
       "[--method lc|idc] [--c-step QUANTIZER] [--levels K] [options]",
       "quantize a saved network's kernels by LC (paper 4) or iDC",
       command_net_lc},
      {{"net", "importance"},
       "FILE",
       "[--data FILE] [--samples N]",
       "add the loss Hessian's diagonal as importance weights (importance/hessian/...)",
       command_net_importance},
      {{"net", "prune"},
       "FILE",
       "--out FILE [--keep F] [--epochs N] [options]",
       "magnitude-prune a saved network's kernels to a kept fraction and retrain",
       command_net_prune},
      {{"algorithms"}, "", "", "list the algorithms and their parameters", command_algorithms},
      {{"columns"},
       "",
       "",
       "list every result column: type, group, unit, how groups combine",
       command_columns},
      {{"version"},
       "",
       "",
       "print the version and build (also quantlab --version)",
       command_version},
  };
  return table;
}

namespace {

bool is_help(const std::string& word) {
  return word == "--help" || word == "-h" || word == "help";
}

std::string command_list(const std::string& group) {
  std::size_t width = 0;
  for (const auto& c : commands())
    if (group.empty() || c.path[0] == group)
      width = std::max(width, (c.name() + " " + c.arguments).size());
  std::string text;
  for (const auto& c : commands()) {
    if (!group.empty() && c.path[0] != group) continue;
    std::string head = c.name() + (c.arguments.empty() ? "" : " " + c.arguments);
    head.resize(width, ' ');
    text += "  " + head + "  " + c.summary + "\n";
  }
  return text;
}

std::vector<std::string> subcommands(const std::string& group) {
  std::vector<std::string> names;
  for (const auto& c : commands())
    if (c.path.size() > 1 && c.path[0] == group) names.push_back(c.path[1]);
  return names;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t i = 0; i < words.size(); ++i)
    text += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return text;
}

}  // namespace

std::string usage(const std::string& group) {
  if (group.empty())
    return "usage: quantlab COMMAND [options]\n\ncommands:\n" + command_list("") +
           "\nquantlab COMMAND --help shows a command's options.\n";
  return "usage: quantlab " + group + " SUBCOMMAND [options]\n\nsubcommands:\n" +
         command_list(group) + "\nquantlab " + group +
         " SUBCOMMAND --help shows a subcommand's options.\n";
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cout << usage();
    return 2;
  }
  if (is_help(argv[0])) {
    std::cout << usage();
    return 0;
  }
  const std::string first = argv[0] == "--version" ? "version" : argv[0];
  for (const auto& c : commands()) {
    const std::size_t words = c.path.size();
    if (c.path[0] != first || argv.size() < words ||
        !std::equal(c.path.begin() + 1, c.path.end(), argv.begin() + 1))
      continue;
    return c.run(
        {c, std::vector<std::string>(argv.begin() + static_cast<long>(words), argv.end())});
  }
  const std::vector<std::string> group = subcommands(first);
  if (group.empty()) throw UsageError("unknown command '" + argv[0] + "'\n" + usage());
  if (argv.size() == 1) {
    std::cout << usage(first);
    return 2;
  }
  if (is_help(argv[1])) {
    std::cout << usage(first);
    return 0;
  }
  throw UsageError("unknown " + first + " subcommand '" + argv[1] + "' (" + joined(group) + ")");
}

}  // namespace quantlab::cli
