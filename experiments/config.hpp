#pragma once
// The sweep configuration: a YAML file declaring datasets x algorithms (any parameter given
// as a list is swept) x levels (or bits) x seeds x granularities. The schema is documented in
// configs/README.md; every error names the file, line and column and the allowed values.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/parameters.hpp"
#include "datasets/synthetic.hpp"

namespace quantlab {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DatasetSpec {
  std::string name;                        ///< label in tables
  std::optional<SyntheticSpec> synthetic;  ///< generated inline, or
  std::string file;                        ///< read from a quantlab dataset file
  std::string import;                      ///< a known source, imported into file if needed
  /// A trained network (quantlab net train) whose `tensors` are quantized together: each run
  /// then also reports the network's test accuracy on `test_data` (a source or a file).
  std::string network, test_data, test_import;
  bool per_layer = true;             ///< scope: layer (a codebook per tensor) or all
  std::vector<std::string> tensors;  ///< glob patterns of tensor names ("*" = all)
  std::size_t min_size = 0;          ///< skip tensors with fewer values
  std::string where;                 ///< "file:line:col" for later errors
};

/// Whole tensor, or one group per index along an axis (negative counts from the end).
struct Granularity {
  std::optional<int> axis;
  std::string text() const;  ///< "tensor" or "axis=N"
};

struct AlgorithmSpec {
  std::string name;
  std::string label;  ///< empty: name plus the parameters given
  /// Each given parameter with its values in order; more than one value = swept.
  std::vector<std::pair<std::string, std::vector<ParameterValue>>> parameters;
  /// Its own `granularity:` (instead of the config's), e.g. baselines per channel beside a
  /// method that takes the whole matrix. Empty: the config's.
  std::vector<Granularity> granularities;
  /// Its own `levels:` (or `bits:`), e.g. a fixed codebook's K beside adaptive ones. Empty: the
  /// config's.
  std::vector<std::size_t> levels;
  /// Its `network:` block (experiments/network_training.hpp): LC or iDC, fine-tuning; each key
  /// with its values, swept like the parameters. Network datasets only.
  std::vector<std::pair<std::string, std::vector<ParameterValue>>> training;
  std::string where;  ///< "file:line:col" of the entry, for rules checked when planning
};

struct SweepConfig {
  std::string path;
  std::string text;  ///< the file as read (with its overrides applied), kept in provenance
  std::string name;
  std::string description;
  std::vector<DatasetSpec> datasets;
  std::vector<AlgorithmSpec> algorithms;
  std::vector<std::size_t> levels;  ///< K values, from `levels:` or 2^bits from `bits:`
  std::vector<std::uint64_t> seeds;
  std::size_t repeat = 1;  ///< timing repetitions of each run
  std::vector<Granularity> granularities;
  /// "none", or the name of a companion tensor of importance weights (datasets/README.md)
  std::vector<std::string> weights{"none"};
};

/// Reads and validates a config file, with command-line `overrides` applied
/// (experiments/config_overrides.hpp); throws ConfigError ("file:line:col: message", or
/// "file with OVERRIDES: message" for what an override set).
SweepConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});
/// The same from text (`path` is only used in messages).
SweepConfig parse_config(const std::string& text, const std::string& path,
                         const std::vector<std::string>& overrides = {});

}  // namespace quantlab
