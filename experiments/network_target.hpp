#pragma once
// A trained network as the target of a sweep (papers 4 and 5 judge a quantizer by the network
// it leaves): its selected tensors are quantized together — a codebook per tensor (scope:
// layer) or one for all of them (scope: all) — possibly trained with the quantizer (the
// run's `network:` block, experiments/network_training.hpp), and the network with the
// reconstructed tensors is scored on its test images. What a network run does beyond
// quantizing values (loading, grouping, training, scoring, coding the whole network) is here;
// the plan adds its importance weights and identity as for any tensor.
#include <armadillo>
#include <string>
#include <vector>

#include "experiments/plan.hpp"
#include "experiments/run_target.hpp"
#include "networks/training.hpp"

namespace quantlab {

class NetworkTarget : public RunTarget {
 public:
  std::string file;       ///< the network's dataset file (quantlab net train)
  std::string test_data;  ///< dataset file with test/images and test/labels
  bool per_layer = true;
  std::vector<std::string> names;  ///< the quantized tensors, concatenated in this order
  std::vector<std::size_t> sizes;
  std::vector<std::vector<std::size_t>> shapes;  ///< each tensor's, as saved
  std::size_t network_parameters = 0;            ///< all the network's parameters (selected or not)
  networks::Holdout holdout;                     ///< training images the network was not trained on

  /// A codebook per selected tensor, or one for their concatenation (the granularity is
  /// the scope's, not the run's).
  std::vector<TensorGroup> groups(const Tensor& values, const Granularity&) const override;
  /// Per layer, each layer's matrix form (dense [in, out]; convolution HWIO as [H·W·I, O]);
  /// their concatenation has none.
  std::vector<MatrixShape> matrices(const Tensor& values, const Granularity&) const override;
  bool trains(const Parameters& training) const override;
  TrainedCompression train(const Parameters& training, const NetworkCompressor& compress,
                           std::uint64_t seed) const override;
  /// The network of `file` with its selected tensors replaced by `reconstruction` (their
  /// concatenation) and its activations quantized as `training` says, on the test images and
  /// on its held-out training images (read once per file and kept).
  std::optional<NetworkScore> score(const arma::vec& reconstruction,
                                    const Parameters& training) const override;
  /// The unquantized network's score, activations too (computed once per network and test
  /// file).
  std::optional<NetworkScore> reference_score(const arma::vec& values) const override;
  /// The selected tensors (layers), in their order.
  std::vector<std::size_t> position_parts(std::size_t) const override { return sizes; }
  /// The parameters left out (biases) count as 32-bit floats.
  std::optional<ModelRatios> model_ratios(double n, double variable_bits,
                                          double fixed_bits) const override;
};

/// The network of d.file with its tensors `names` (d's selection) as one tensor, their
/// concatenation, and its NetworkTarget; imports d's test data first when it comes from a
/// package. All selected tensors pruned (attribute pruned = zeros) make the whole pruned.
PlannedTensor load_network_target(const DatasetSpec& d, const std::vector<std::string>& names);

/// Images of target.test_data shifted by the network's mean pixel: "test", or the train split
/// divided by the network's holdout, "train" (the images it may learn from; `limit` > 0 keeps
/// the first that many) or "held_out". Read once per process and kept.
const networks::LabelledImages& target_images(const NetworkTarget& target, const std::string& split,
                                              std::size_t limit, double mean_pixel);

/// The network's score on the test images, and on its held-out ones when it has a holdout.
NetworkScore network_score_of(networks::Network& net, const NetworkTarget& target,
                              double mean_pixel);

}  // namespace quantlab
