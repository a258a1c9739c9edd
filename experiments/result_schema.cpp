#include "experiments/result_schema.hpp"

#include <map>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace quantlab {
namespace {

using T = ColumnType;
using G = ColumnGroup;
using C = Combine;

ColumnSpec text(std::string name, G group, std::string doc) {
  return {std::move(name), T::text, group, "", C::none, std::move(doc)};
}
ColumnSpec number(std::string name, G group, std::string unit, C combine, std::string doc) {
  return {std::move(name), T::number, group, std::move(unit), combine, std::move(doc)};
}
ColumnSpec vector(std::string name, G group, std::string unit, std::string doc) {
  return {std::move(name), T::vector, group, std::move(unit), C::concatenate, std::move(doc)};
}
ColumnSpec lower(ColumnSpec c) {
  c.better = Better::lower;
  return c;
}
ColumnSpec higher(ColumnSpec c) {
  c.better = Better::higher;
  return c;
}

const std::vector<ColumnSpec> kCore = {
    // What was run.
    text("run_id", G::identity,
         "the run's id: the first 16 hex digits of the SHA-256 of `identity`"),
    text("status", G::identity, "`ok` or `failed`"),
    text("error", G::identity, "why the run failed (empty when ok)"),
    text("sweep", G::identity, "the config's `name`"),
    text("dataset", G::identity, "the config's dataset name"),
    text("source", G::identity, "`synthetic`, or the dataset file"),
    text("tensor", G::identity, "the tensor's name (network: the layers quantized together)"),
    text("tensor_checksum", G::identity, "SHA-256 of the tensor's values"),
    text("shape", G::identity, "the tensor's shape, e.g. [512, 1024]"),
    text("data_generator", G::identity, "synthetic data: the generator and its parameters"),
    text("granularity", G::identity, "`tensor`, or `axis=N`: a codebook per index along axis N"),
    text("weights", G::identity, "importance weights: `none` or the companion's name"),
    text("algorithm", G::identity, "the registered algorithm"),
    text("label", G::identity,
         "the algorithm's name (or label) and the parameters the config gave"),
    text("parameters", G::identity, "every resolved parameter, name=value sorted by name"),
    text("network_training", G::identity,
         "network datasets: the resolved `network:` block (empty: quantized once, activations in "
         "full "
         "precision)"),
    number("levels_requested", G::identity, "", C::none, "K asked for"),
    number("bits", G::identity, "bits", C::none, "⌈log2 K⌉ of the K asked for"),
    number("seed", G::identity, "", C::none, "the run's seed (-1: the algorithm draws nothing)"),
    number("n", G::identity, "", C::none, "number of values"),
    number("data_mean", G::identity, "value", C::none, "mean of the values"),
    number("data_var", G::identity, "value²", C::none, "variance of the values (divided by n)"),
    text("identity", G::identity,
         "the text the run id hashes: data checksum, tensor name (synthetic data: its "
         "generator), shape, granularity, weights, algorithm, parameters, K, seed"),
    // How good the reconstruction is.
    lower(number("sse", G::quality, "value²", C::sum,
                 "Σ w (x − x̂)² (w: the importance weights divided by their largest; 1 without)")),
    lower(number("mse", G::quality, "value²", C::none, "sse / Σ w")),
    lower(number("rel_sse", G::quality, "", C::none, "‖x − x̂‖² / ‖x‖² (unweighted)")),
    higher(
        number("sqnr_db", G::quality, "dB", C::none, "10 log10(Σ x² / Σ (x − x̂)²) (unweighted)")),
    lower(number("max_abs_err", G::quality, "value", C::max, "max |x − x̂|")),
    number("sse_optimal", G::quality, "value²", C::sum,
           "sse of the exact optimum for the same data, granularity, weights and K (computed once "
           "a sweep, and read back from this record by later runs and shards)"),
    number("mse_optimal", G::quality, "value²", C::sum,
           "mse of the exact optimum for the same data, granularity, weights and K (NaN for "
           "trained networks)"),
    lower(number("gap_to_optimal", G::quality, "", C::none, "mse / mse_optimal − 1")),
    text("optimum_error", G::quality, "why the optimum reference could not be computed"),
    number("levels", G::quality, "", C::max,
           "codewords of the codebook, the most of any group (scalar quantizers: distinct "
           "values of x̂; kashin: (u, v) pairs)"),
    number("iterations", G::quality, "", C::max, "the most iterations any group took"),
    number("converged", G::quality, "", C::min, "1 if every group converged"),
    number("groups", G::quality, "", C::none, "number of groups (codebooks)"),
    number("clamped_groups", G::quality, "", C::sum,
           "groups with fewer distinct values than K (K clamped to them)"),
    vector("cluster_sizes", G::quality, "", "the count of each codeword, group after group"),
    vector("codebook", G::quality, "value",
           "the numbers each codebook stores, group after group (kashin: u levels, then v)"),
    vector("group_levels", G::quality, "", "codewords per group (runs with several groups)"),
    // What storing it costs (paper 5, eq. (1) and (2); codebooks at 32 bits a number).
    lower(number("bits_fixed", G::coding, "bits/value", C::none, "⌈log2 levels⌉")),
    lower(number("entropy_bits", G::coding, "bits/value", C::size_weighted_mean,
                 "entropy of the codeword frequencies")),
    lower(number("huffman_bits", G::coding, "bits/value", C::sum,
                 "Huffman-coded indices (each group its own code), per value")),
    lower(number("huffman_table_bits", G::coding, "bits", C::sum,
                 "the Huffman code tables (a length per codeword)")),
    number("pruned_fraction", G::coding, "", C::none,
           "pruned tensors: the fraction of positions pruned (left out)"),
    lower(number("position_bits", G::coding, "bits", C::none,
                 "pruned tensors: the kept positions as Huffman-coded gaps")),
    lower(number("position_bits_arithmetic", G::coding, "bits", C::none,
                 "pruned tensors: the kept positions as a bitmap arithmetic-coded with an "
                 "adaptive model per layer, counted from the bytes written")),
    higher(number(
        "compression_ratio", G::coding, "×", C::none,
        "32 n / (Huffman-coded indices + tables + codebooks + side information + positions)")),
    higher(number("compression_ratio_fixed", G::coding, "×", C::none,
                  "32 n / (fixed-length indices + codebooks + side information + positions)")),
    higher(
        number("network_compression_ratio", G::coding, "×", C::none,
               "networks: the whole network's ratio, the parameters not quantized (biases) at 32 "
               "bits")),
    higher(number("network_compression_ratio_fixed", G::coding, "×", C::none,
                  "networks: the same with fixed-length indices")),
    higher(number("compression_ratio_arithmetic_positions", G::coding, "×", C::none,
                  "pruned tensors: compression_ratio with the positions arithmetic-coded "
                  "(position_bits_arithmetic) instead of Huffman-coded gaps")),
    higher(number("network_compression_ratio_arithmetic_positions", G::coding, "×", C::none,
                  "pruned networks: network_compression_ratio with the positions "
                  "arithmetic-coded")),
    // Wall times.
    lower(number("time_s", G::timing, "s", C::none,
                 "median wall time of the quantizer over the repetitions")),
    vector("time_s", G::timing, "s", "the wall time of every repetition"),
    lower(number("training_s", G::timing, "s", C::none,
                 "networks: wall time of LC, iDC or fine-tuning")),
    // Networks.
    higher(number("test_accuracy", G::network, "fraction", C::none,
                  "the network with the quantized kernels on its test images")),
    lower(number("test_loss", G::network, "nats", C::none, "its mean test cross-entropy")),
    number("reference_accuracy", G::network, "fraction", C::none, "the unquantized network"),
    higher(number("validation_accuracy", G::network, "fraction", C::none,
                  "networks trained with held-out images (net train --holdout): the quantized "
                  "network's accuracy on them, to choose K, a rate or an epoch on")),
    lower(number("validation_loss", G::network, "nats", C::none,
                 "its mean cross-entropy on the held-out images")),
    number("reference_validation_accuracy", G::network, "fraction", C::none,
           "the unquantized network on the held-out images"),
    lower(number("accuracy_drop", G::network, "fraction", C::none,
                 "reference_accuracy − test_accuracy")),
    higher(number("direct_test_accuracy", G::network, "fraction", C::none,
                  "trained runs: the accuracy of the first (direct) quantization")),
    vector("lc_mu", G::network, "", "LC/iDC: μ of each step"),
    vector("lc_train_loss", G::network, "nats", "LC/iDC: training loss after each L step"),
    vector("lc_test_loss", G::network, "nats", "LC/iDC: test loss of the quantized net, per step"),
    vector("lc_test_accuracy", G::network, "fraction",
           "LC/iDC: test accuracy of the quantized net, per step"),
    vector("lc_distance", G::network, "", "LC/iDC: ‖w − Δ(Θ)‖² after each step"),
    vector("fine_tune_test_accuracy", G::network, "fraction",
           "codeword fine-tuning: test accuracy after each epoch"),
    // Where the result came from.
    text("config_sha256", G::provenance,
         "SHA-256 of the config text (stored once, in <sweep>/configs/<sha256>.yaml)"),
    text("quantlab_version", G::provenance, "quantlab's version"),
    text("git_commit", G::provenance, "the commit quantlab was built from"),
    text("git_dirty", G::provenance, "`true` if the work tree had changes"),
    text("compiler", G::provenance, "compiler and version"),
    text("build_type", G::provenance, "meson build type"),
    text("armadillo_version", G::provenance, "Armadillo's version"),
    text("hdf5_version", G::provenance, "HDF5's version"),
    text("yaml_cpp_version", G::provenance, "yaml-cpp's version"),
    text("boost_version", G::provenance, "Boost's version"),
    text("openblas_core", G::provenance, "the OpenBLAS kernels in use"),
    text("openblas_core_reason", G::provenance,
         "why those: chosen by quantlab from the CPU's features, given, or OpenBLAS's own"),
    text("openblas_config", G::provenance, "OpenBLAS's build configuration"),
    text("threads", G::provenance, "runs at once"),
    text("blas_threads", G::provenance, "OpenBLAS threads per run"),
    text("hardware_threads", G::provenance, "the machine's hardware threads"),
    text("host", G::provenance, "host name"),
    text("cpu", G::provenance, "CPU model"),
    text("start_time", G::provenance, "UTC time the run started"),
    text("end_time", G::provenance, "UTC time the run ended"),
};

const std::map<ColumnGroup, const char*> kGroupNames = {
    {G::identity, "identity"},    {G::quality, "quality"}, {G::coding, "coding"},
    {G::algorithm, "algorithm"},  {G::timing, "timing"},   {G::network, "network"},
    {G::provenance, "provenance"}};

// A Markdown table cell: a '|' in the text would end it.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

const char* better_name(Better b) {
  return b == Better::lower ? "lower" : b == Better::higher ? "higher" : "";
}

void markdown_rows(std::ostringstream& out, const std::vector<ColumnSpec>& columns) {
  out << "| column | type | group | unit | per group | better | meaning |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const auto& c : columns)
    out << "| `" << c.name << "` | " << type_name(c.type) << " | " << group_name(c.group) << " | "
        << cell(c.unit) << " | " << combine_name(c.combine) << " | " << better_name(c.better)
        << " | " << cell(c.doc) << " |\n";
}

}  // namespace

const char* type_name(ColumnType type) {
  return type == T::text ? "text" : type == T::number ? "number" : "vector";
}

const char* group_name(ColumnGroup group) {
  return kGroupNames.at(group);
}

std::optional<ColumnGroup> parse_group(const std::string& name) {
  for (const auto& [group, text] : kGroupNames)
    if (name == text) return group;
  return std::nullopt;
}

std::string group_names() {
  std::string out;
  for (const auto& [group, text] : kGroupNames)
    out += (out.empty() ? "" : ", ") + std::string(text);
  return out;
}

const std::vector<ColumnSpec>& core_columns() {
  return kCore;
}

std::vector<ColumnSpec> algorithm_columns(const AlgorithmInfo& info) {
  std::vector<ColumnSpec> out;
  for (const auto& o : info.outputs) {
    const G group = o.timing ? G::timing : G::algorithm;
    switch (o.kind) {
      case OutputKind::scalar:
        out.push_back({"alg_" + o.name, T::number, group, o.unit, o.combine,
                       o.combine == C::per_group
                           ? o.doc +
                                 " (several groups: NaN here, every group's value in the "
                                 "vector alg_" +
                                 o.name + ")"
                           : o.doc});
        if (o.combine == C::per_group)
          out.push_back({"alg_" + o.name, T::vector, group, o.unit, C::per_group,
                         o.doc + ", one per group (runs with several groups)"});
        break;
      case OutputKind::diagnostic:
        out.push_back({"diag_" + o.name, T::vector, group, o.unit, C::concatenate, o.doc});
        [[fallthrough]];
      case OutputKind::histogram:
        out.push_back({"hist_" + o.name, T::vector, group, "", C::concatenate,
                       "32-bin histogram of " + o.name + " over its range: counts"});
        out.push_back({"hist_" + o.name + "_edges", T::vector, group, o.unit, C::concatenate,
                       "the histogram's 33 bin edges"});
        break;
    }
  }
  return out;
}

const ColumnSpec* find_column(std::string_view name, bool vector, std::string_view algorithm) {
  // Every declaration of each name, in the order of precedence: the core columns, then each
  // algorithm's (by algorithm name). Built once: records are checked field by field, and a
  // merge of 10^5 runs asks some 10^7 times.
  struct Declared {
    const ColumnSpec* column;
    const std::string* owner;  ///< null for a core column
  };
  static const std::map<std::string, std::vector<ColumnSpec>> by_algorithm = [] {
    std::map<std::string, std::vector<ColumnSpec>> m;
    for (const auto& a : algorithms()) m[a.name] = algorithm_columns(a);
    return m;
  }();
  // Keyed by views of the declarations' own names, which live as long as the program.
  static const std::unordered_map<std::string_view, std::vector<Declared>> by_name = [] {
    std::unordered_map<std::string_view, std::vector<Declared>> m;
    for (const auto& c : kCore) m[c.name].push_back({&c, nullptr});
    for (const auto& [owner, columns] : by_algorithm)
      for (const auto& c : columns) m[c.name].push_back({&c, &owner});
    return m;
  }();
  const auto found = by_name.find(name);
  if (found == by_name.end()) return nullptr;
  for (const Declared& d : found->second) {
    if ((d.column->type == T::vector) != vector) continue;
    if (d.owner && !algorithm.empty() && *d.owner != algorithm) continue;
    return d.column;
  }
  return nullptr;
}

std::string schema_markdown() {
  std::ostringstream out;
  out << "Every column of a run record and of the merged table (`quantlab columns` prints "
         "this; the tests keep it equal to results/README.md). Groups: "
      << group_names()
      << ". `per group`: how the values of a run's groups (per-channel runs) combine; `better`: "
         "which way a metric improves (`quantlab compare` marks changes by it).\n\n";
  markdown_rows(out, kCore);
  for (const auto& a : algorithms()) {
    const auto columns = algorithm_columns(a);
    if (columns.empty()) continue;
    out << "\n#### " << a.name << "\n\n";
    markdown_rows(out, columns);
  }
  return out.str();
}

}  // namespace quantlab
