#pragma once
// What a run quantizes and how it is judged; experiments/run_stages.hpp composes the stages
// around it. Two targets:
//   a tensor  — a dataset tensor: a codebook per group of the run's granularity, judged by the
//               error metrics alone;
//   a network — a trained network's selected weights (experiments/network_target.hpp): a
//               codebook per layer or one for all, possibly trained with the quantizer (LC,
//               iDC, fine-tuning), judged on the network's test images, and coded with the
//               parameters it leaves out.
#include <armadillo>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "algorithms/parameters.hpp"
#include "datasets/tensor.hpp"
#include "experiments/config.hpp"
#include "experiments/grouped_quantization.hpp"

namespace quantlab {

struct NetworkScore {
  double accuracy = 0, loss = 0;  ///< on the test images
  /// On the training images the network holds out (net train --holdout); NaN without any.
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
  double validation_loss = std::numeric_limits<double>::quiet_NaN();
};

/// One quantization of the target's values: the reconstruction, and each codeword's flat
/// indices (for fine-tuning).
struct CompressionOutcome {
  arma::vec reconstruction;
  std::vector<arma::uvec> clusters;
};
using NetworkCompressor = std::function<CompressionOutcome(const arma::vec& values)>;

struct TrainedCompression {
  arma::vec reconstruction;  ///< the final quantized weights
  NetworkScore score;        ///< the final network on the test images
  NetworkScore direct;       ///< the first quantization, before any training
  std::vector<double> mu, train_loss, test_loss, test_accuracy, distance;  ///< per LC/iDC step
  std::vector<double> fine_tune_test_accuracy;  ///< per fine-tuning epoch
  double training_s = 0;
};

/// Compression ratios of a whole model: 32-bit floats over the coded model.
struct ModelRatios {
  double variable_length = 0, fixed_length = 0;
};

class RunTarget {
 public:
  virtual ~RunTarget() = default;

  /// Flat indices of each codebook's values in `tensor` (the target's values).
  virtual std::vector<TensorGroup> groups(const Tensor& tensor,
                                          const Granularity& granularity) const = 0;
  /// The matrix form of each of those groups (all flat: none).
  virtual std::vector<MatrixShape> matrices(const Tensor& tensor,
                                            const Granularity& granularity) const = 0;

  /// True when `training` (the run's network block) trains the target with its quantizer.
  virtual bool trains(const Parameters& training) const = 0;
  /// Trains with `compress` as the compression step, as `training` says; `seed` seeds the
  /// shuffling. Only when trains(training).
  virtual TrainedCompression train(const Parameters& training, const NetworkCompressor& compress,
                                   std::uint64_t seed) const = 0;

  /// The target with its values replaced by `reconstruction` (and its activations quantized
  /// as `training` says), and unquantized (`values`); nothing when the target is not scored
  /// beyond its error metrics.
  virtual std::optional<NetworkScore> score(const arma::vec& reconstruction,
                                            const Parameters& training) const = 0;
  virtual std::optional<NetworkScore> reference_score(const arma::vec& values) const = 0;

  /// The lengths of the consecutive parts of the target's `n` values whose pruned positions
  /// are coded each with a model of its own (a network's layers; else the values as one).
  virtual std::vector<std::size_t> position_parts(std::size_t n) const { return {n}; }

  /// The whole model's ratios when its `n` quantized values take these bits; nothing when the
  /// target is the values alone.
  virtual std::optional<ModelRatios> model_ratios(double n, double variable_bits,
                                                  double fixed_bits) const = 0;
};

/// The target of every plain tensor (it holds nothing).
const RunTarget& tensor_target();

}  // namespace quantlab
