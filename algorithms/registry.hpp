#pragma once
// Maps an algorithm's name to its parameter declaration and a factory.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/outputs.hpp"
#include "algorithms/parameters.hpp"
#include "algorithms/quantizer.hpp"

namespace quantlab {

struct AlgorithmInfo {
  std::string name;
  std::string summary;
  std::string reference;   ///< paper and equation it implements
  bool uses_seed = false;  ///< false: one run per data/K, whatever the seeds
  std::vector<ParameterSpec> parameters;
  std::function<std::unique_ptr<Quantizer>(const Parameters&)> make;
  /// Methods with a fixed number of levels (ls1: 2) run only at the K they produce; empty:
  /// any K. Returns why K does not fit, or an empty string.
  std::function<std::string(std::size_t K)> levels_rule;
  /// A rule across parameters (ecsq_uniform needs a step or a rate), checked when the plan is
  /// made, before anything runs: returns why the resolved parameters do not fit, or "".
  std::function<std::string(const Parameters&)> parameters_rule;
  /// Everything the quantizer reports besides its reconstruction (Quantized::scalars,
  /// diagnostics, histograms): the run's alg_*, diag_* and hist_* columns.
  std::vector<OutputSpec> outputs;
};

/// Why the algorithm cannot run with these parameters at K levels (its levels rule, then its
/// parameters rule), or "".
std::string rule_violation(const AlgorithmInfo& info, const Parameters& parameters, std::size_t K);

/// Every registered algorithm, in a fixed order.
const std::vector<AlgorithmInfo>& algorithms();
/// The algorithm called `name`, or nullptr.
const AlgorithmInfo* find_algorithm(const std::string& name);
/// Comma-separated names, for error messages.
std::string algorithm_names();

}  // namespace quantlab
