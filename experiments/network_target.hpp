#pragma once
// A trained network as the target of a sweep (papers 4 and 5 judge a quantizer by the network
// it leaves): its selected tensors are quantized together — a codebook per tensor (scope:
// layer) or one for all of them (scope: all) — and the network with the reconstructed
// tensors is scored on its test images.
#include <armadillo>
#include <string>
#include <vector>

#include "networks/training.hpp"

namespace quantlab {

struct NetworkTarget {
  std::string file;       ///< the network's dataset file (quantlab net train)
  std::string test_data;  ///< dataset file with test/images and test/labels
  bool per_layer = true;
  std::vector<std::string> names;  ///< the quantized tensors, concatenated in this order
  std::vector<std::size_t> sizes;
  std::size_t network_parameters = 0;  ///< all the network's parameters (selected or not)

  /// Flat indices of each codebook's values in the concatenation.
  std::vector<arma::uvec> groups() const;
};

/// A split (train or test) of target.test_data shifted by the network's mean pixel; `limit`
/// > 0 keeps the first that many. Read once per process and kept.
const networks::LabelledImages& target_images(const NetworkTarget& target, const std::string& split,
                                              std::size_t limit, double mean_pixel);

struct NetworkScore {
  double accuracy = 0, loss = 0;
};

/// The network of target.file with its selected tensors replaced by `values` (their
/// concatenation), on the test images (read once per file and cached).
NetworkScore score_network(const NetworkTarget& target, const arma::vec& values);

/// The unquantized network's score (computed once per network and test file).
NetworkScore reference_score(const NetworkTarget& target, const arma::vec& values);

}  // namespace quantlab
