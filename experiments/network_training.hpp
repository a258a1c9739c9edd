#pragma once
// What a network sweep may do beyond quantizing once (direct compression, DC): an algorithm's
// `network:` block in the sweep YAML (configs/README.md) — LC or iterated DC with the run's
// quantizer as the C step (paper 4), and fine-tuning of the codewords afterwards (paper 5).
// Every key may be a list, swept like the algorithm's parameters.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/parameters.hpp"
#include "algorithms/quantizer.hpp"
#include "experiments/run_target.hpp"

namespace quantlab {

class NetworkTarget;

/// The keys of a `network:` block, declared like a quantizer's parameters.
const std::vector<ParameterSpec>& network_training_parameters();

/// True when the settings do more than quantize once (method lc or idc, or fine-tuning).
bool trains_network(const Parameters& training);

/// The activations' quantizer and levels the settings ask for; none for full precision (or
/// no settings). Throws std::invalid_argument (one line) when activation_bits does not fit
/// the method.
struct ActivationQuantization {
  std::string method;     ///< the registered quantizer's name
  Parameters parameters;  ///< its resolved parameters (its defaults)
  std::shared_ptr<const Quantizer> quantizer;
  std::size_t levels = 0;
};
std::optional<ActivationQuantization> activation_quantization(const Parameters& training);

/// The settings as a run's identity and record state them: every key but the activation ones,
/// then, if activations are quantized, their quantizer, its parameters and levels.
std::string network_training_text(const Parameters& training);

/// True when the settings make the network differ from the one in its file beyond its
/// quantized weights: training, or quantized activations. Such settings are part of a run's
/// identity.
bool alters_network(const Parameters& training);

/// Loads target's network, compresses its selected weights by `compress` as `training`
/// says (dc, lc or idc; then fine-tuning), on the training images of target.test_data.
/// `seed` seeds the shuffling. Positions the compressor leaves out of every cluster (a
/// pruned network's zeros) stay fixed.
TrainedCompression train_compressed(const NetworkTarget& target, const Parameters& training,
                                    const NetworkCompressor& compress, std::uint64_t seed);

}  // namespace quantlab
