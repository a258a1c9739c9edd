#pragma once
// The commands that read merged results: report (tables, or a static HTML page with plots)
// and compare (two results files, cell by cell).
#include "cli/command_line.hpp"

namespace quantlab::cli {

int command_report(const Invocation& in);
int command_compare(const Invocation& in);

}  // namespace quantlab::cli
