#pragma once
// The commands that describe quantlab itself: algorithms, columns and version.
#include "cli/command_line.hpp"

namespace quantlab::cli {

int command_algorithms(const Invocation& in);
int command_columns(const Invocation& in);
int command_version(const Invocation& in);

}  // namespace quantlab::cli
