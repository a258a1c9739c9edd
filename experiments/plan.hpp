#pragma once
// Expansion of a sweep config into its ordered list of runs. Datasets are loaded (or
// generated) and checked here, before anything runs: a missing file or tensor, NaN/Inf or an
// empty tensor stops the sweep with a one-line message and no run record.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/parameters.hpp"
#include "datasets/tensor.hpp"
#include "experiments/config.hpp"
#include "experiments/run_target.hpp"

namespace quantlab {

class NetworkTarget;

struct PlannedTensor {
  std::string dataset;  ///< the config's dataset name
  std::string source;   ///< "synthetic" or the file path
  Tensor tensor;
  std::string checksum;  ///< of the tensor's data
  /// Companion importance weights by name (same shape), with their checksums.
  std::map<std::string, std::pair<arma::vec, std::string>> weights;
  /// Set when the tensor is a trained network's weights (scored after quantization).
  std::shared_ptr<const NetworkTarget> network;
  /// What a run of this tensor quantizes and how it is judged: the network, or the tensor.
  const RunTarget& target() const;
  /// True when the tensor's zeros are pruned positions (attribute pruned = zeros): left out of
  /// quantization, their positions coded.
  bool zeros_pruned() const;
  /// The matrix form of each of `groups` (the target's, for `granularity`; empty: all flat),
  /// a group that holds pruned zeros being a vector of its kept values.
  std::vector<MatrixShape> kept_matrices(const std::vector<TensorGroup>& groups,
                                         const Granularity& granularity) const;
};

struct PlannedRun {
  std::string id;          ///< content hash: data, algorithm, parameters, K, seed, ...
  std::size_t tensor = 0;  ///< index into Plan::tensors
  std::string algorithm;
  std::string label;                  ///< name plus the parameters the config gives
  Parameters parameters;              ///< resolved, defaults included
  std::size_t levels = 0;             ///< K asked for
  std::optional<std::uint64_t> seed;  ///< none for algorithms that draw nothing
  Granularity granularity;
  std::string weights = "none";  ///< importance weights: "none" or a companion's name
  /// A network target's `network:` settings (experiments/network_training.hpp); empty otherwise.
  Parameters training;
  /// The text the id hashes, kept in the record so the id can be checked: what the runs of
  /// one algorithm entry on one tensor share (held once for them), then K and the seed.
  std::shared_ptr<const std::string> identity_head;
  std::string identity() const;
};

struct Plan {
  SweepConfig config;
  std::vector<PlannedTensor> tensors;
  std::vector<PlannedRun> runs;
  /// Without fetching: the datasets whose source is not imported yet ("name (source)"); their
  /// runs are not in the plan.
  std::vector<std::string> not_imported;
};

/// Throws std::runtime_error (one line) for unusable data, and ConfigError (naming the
/// algorithm entry's file:line) when an algorithm's parameters break its rule. `fetch`: import
/// the sources not imported yet (downloading them); without it they are listed in
/// not_imported and nothing is downloaded.
Plan make_plan(const SweepConfig& config, bool fetch = true);

/// A tensor held in memory (the Python module's arrays), checked and weighted as a dataset
/// file's tensor is: its values within quantlab's range, each weights companion of its shape,
/// positive, finite and divided by its largest. `where` starts every message. Without
/// `checksums` (a SHA-256 pass over the values and one over each companion) the checksums are
/// "", and the runs' identities and ids mean nothing: for a caller that reports none.
PlannedTensor in_memory_tensor(Tensor tensor, const std::string& where,
                               const std::map<std::string, Tensor>& weights = {},
                               bool checksums = true);

/// The plan of `config` over tensors already loaded (its datasets are not read).
Plan plan_of_tensors(const SweepConfig& config, std::vector<PlannedTensor> tensors);

/// ceil(log2 K): bits per value of a fixed-length code for K levels.
int bits_for_levels(std::size_t levels);

}  // namespace quantlab
