#pragma once
// The command table: every quantlab command once, with its synopsis and summary; the usage
// texts and the dispatch are made from it.
#include <string>
#include <vector>

#include "cli/command_line.hpp"

namespace quantlab::cli {

/// Every command, in the order the usage lists them.
const std::vector<Command>& commands();

/// The usage of every command (group "") or of a group's subcommands ("net", "dataset").
std::string usage(const std::string& group = "");

/// Runs the command that argv (the arguments after the program's name) names.
int dispatch(const std::vector<std::string>& argv);

}  // namespace quantlab::cli
