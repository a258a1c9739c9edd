#pragma once
// The dataset commands: make, ls, import and sources.
#include "cli/command_line.hpp"

namespace quantlab::cli {

int command_dataset_make(const Invocation& in);
int command_dataset_ls(const Invocation& in);
int command_dataset_import(const Invocation& in);
int command_dataset_sources(const Invocation& in);

}  // namespace quantlab::cli
