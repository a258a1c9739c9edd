#pragma once
// Gathers a sweep's run records into <out>/<sweep>.h5: one tidy table in plan order.
#include <string>

#include "experiments/plan.hpp"

namespace quantlab {

struct MergeSummary {
  std::string path;
  std::size_t runs = 0, failed = 0, missing = 0;
};

MergeSummary merge_plan(const Plan& plan, const std::string& out);

}  // namespace quantlab
