#pragma once
// The one interface every quantization algorithm implements. No I/O and no configs here:
// data (+ optional importance weights, + the run's generator) in, a Quantized result out.
#include <armadillo>
#include <cstddef>
#include <map>
#include <string>

#include "algorithms/generator.hpp"

namespace quantlab {

struct Quantized {
  arma::vec reconstruction;  ///< x̂, same length and order as the input
  arma::vec codebook;        ///< the distinct levels used, ascending (empty if none)
  arma::uvec indices;        ///< per element, its level's position in `codebook`
  /// Quantizers whose codewords are not scalar levels (Kashin's factor pairs) set the number
  /// of codewords the indices address here, and put the numbers they store in `codebook`.
  std::size_t codewords = 0;  ///< 0: codebook.n_elem
  double side_bits = 0;       ///< stored besides indices and codebook (Kashin: norm, seed)
  std::size_t iterations = 0;
  bool converged = true;
  std::map<std::string, double> scalars;         ///< method-specific numbers (e.g. reseeds)
  std::map<std::string, arma::vec> diagnostics;  ///< method-specific vectors (histogrammed)
  std::map<std::string, arma::vec> histograms;   ///< vectors too long to keep: histogram only
};

// The public entry points validate the input (validate_input), call the private virtual
// functions the algorithms implement, and validate their output (validate_output): no call
// site can hand an algorithm data it was not written for, nor record a result that is not a
// code of the input.
class Quantizer {
 public:
  virtual ~Quantizer() = default;

  /// Quantize `x` to at most `levels` distinct values. `weights` is empty (all ones) or one
  /// positive weight per element. Throws std::invalid_argument when x is empty or not finite,
  /// the weights do not fit, or levels < 1; callers keep levels <= the number of distinct
  /// values (grouped_quantization clamps it and records that it did).
  Quantized quantize(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                     Generator& generator) const;

  /// The same for x holding a row-major rows × cols matrix, for quantizers that use the
  /// layout (Kashin's matrix form); the others ignore it.
  Quantized quantize_matrix(const arma::vec& x, std::size_t rows, std::size_t cols,
                            const arma::vec& weights, std::size_t levels,
                            Generator& generator) const;
  /// True for a quantizer that reads the layout (Kashin's matrix form): only it is handed a
  /// group's matrix form.
  virtual bool reads_matrix_layout() const { return false; }

  /// The same, warm-started from `previous`, the codebook this quantizer gave for nearby data
  /// (LC's C steps quantize slowly moving weights, paper 4): quantizers that refine a start
  /// (k-means) begin there instead of drawing one; the others quantize afresh.
  Quantized quantize_from(const arma::vec& x, const arma::vec& weights, std::size_t levels,
                          Generator& generator, const arma::vec& previous) const;

 private:
  // What each algorithm implements, on validated input.
  virtual Quantized quantize_values(const arma::vec& x, const arma::vec& weights,
                                    std::size_t levels, Generator& generator) const = 0;
  virtual Quantized quantize_matrix_values(const arma::vec& x, std::size_t /*rows*/,
                                           std::size_t /*cols*/, const arma::vec& weights,
                                           std::size_t levels, Generator& generator) const {
    return quantize_values(x, weights, levels, generator);
  }
  virtual Quantized quantize_values_from(const arma::vec& x, const arma::vec& weights,
                                         std::size_t levels, Generator& generator,
                                         const arma::vec& /*previous*/) const {
    return quantize_values(x, weights, levels, generator);
  }
};

/// Throws std::invalid_argument with a one-line message when x or weights are unusable
/// (empty, NaN/Inf, weights of the wrong length or not positive) or levels < 1.
void validate_input(const arma::vec& x, const arma::vec& weights, std::size_t levels);
/// Throws std::runtime_error unless `q` is a code of n values: n finite reconstructed values,
/// a finite codebook, and n indices (when given) inside it.
void validate_output(const Quantized& q, std::size_t n);

}  // namespace quantlab
