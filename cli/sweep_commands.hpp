#pragma once
// The sweep commands: run, plan, status, merge and check.
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "experiments/plan.hpp"

namespace quantlab::cli {

/// The plan of a config file with its overrides; `fetch` imports the sources not imported
/// yet. Errors in the config are ConfigErrors, the others UsageErrors (both exit 2).
Plan plan_from(const std::string& config_path, const std::vector<std::string>& overrides = {},
               bool fetch = true);

int command_run(const Invocation& in);
int command_plan(const Invocation& in);
int command_status(const Invocation& in);
int command_merge(const Invocation& in);
int command_check(const Invocation& in);

}  // namespace quantlab::cli
