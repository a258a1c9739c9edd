#pragma once
// Declared outputs of a quantizer: every number and vector an algorithm reports beside its
// reconstruction (Quantized::scalars, diagnostics, histograms) is declared once, next to its
// parameters, with a unit, a one-line doc and how the values of several groups (per-channel
// runs) combine. The result schema turns these into the run's `alg_*`, `diag_*` and `hist_*`
// columns; a quantizer that reports an undeclared output is a programming error.
#include <string>
#include <vector>

namespace quantlab {

/// How the values of the groups of one run (a per-channel run has one group per channel)
/// combine into the run's value.
enum class Combine {
  none,                ///< not computed per group (one value for the run)
  sum,                 ///< counts, bits and seconds add up
  max,                 ///< the most any group took (iterations, levels)
  min,                 ///< every group must have it (converged: 1 only if all did)
  size_weighted_mean,  ///< rates: each group weighted by its number of values
  per_group,           ///< no meaningful combination (a step, a λ): kept per group as a vector
  concatenate,         ///< vectors: the groups' vectors one after the other
};

const char* combine_name(Combine combine);

enum class OutputKind {
  scalar,      ///< Quantized::scalars: a number per group
  diagnostic,  ///< Quantized::diagnostics: a vector per group, kept and histogrammed
  histogram,   ///< Quantized::histograms: a vector too long to keep, kept as a histogram only
};

struct OutputSpec {
  std::string name;  ///< key in Quantized::scalars / diagnostics / histograms
  OutputKind kind = OutputKind::scalar;
  Combine combine = Combine::sum;
  std::string unit;  ///< "" for counts and pure numbers, "s", "bits/value", ...
  std::string doc;
  bool timing = false;  ///< a wall time: differs between identical runs
};

inline OutputSpec scalar_output(std::string name, Combine combine, std::string unit,
                                std::string doc) {
  return {std::move(name), OutputKind::scalar, combine, std::move(unit), std::move(doc), false};
}
/// A wall time in seconds, summed over groups.
inline OutputSpec timing_output(std::string name, std::string doc) {
  return {std::move(name), OutputKind::scalar, Combine::sum, "s", std::move(doc), true};
}
inline OutputSpec diagnostic_output(std::string name, std::string unit, std::string doc) {
  return {std::move(name), OutputKind::diagnostic, Combine::concatenate,
          std::move(unit), std::move(doc),         false};
}
inline OutputSpec histogram_output(std::string name, std::string unit, std::string doc) {
  return {std::move(name), OutputKind::histogram, Combine::concatenate,
          std::move(unit), std::move(doc),        false};
}

/// The declaration of `name` of `kind` in `outputs`, or nullptr.
const OutputSpec* find_output(const std::vector<OutputSpec>& outputs, const std::string& name,
                              OutputKind kind);

}  // namespace quantlab
