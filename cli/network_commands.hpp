#pragma once
// The network commands: train, eval, lc, importance and prune.
#include "cli/command_line.hpp"

namespace quantlab::cli {

int command_net_train(const Invocation& in);
int command_net_eval(const Invocation& in);
int command_net_lc(const Invocation& in);
int command_net_importance(const Invocation& in);
int command_net_prune(const Invocation& in);

}  // namespace quantlab::cli
