#pragma once
// Quantizing a tensor whole or per group along an axis (per row / output channel): each
// group gets its own codebook of at most K levels.
#include <armadillo>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "algorithms/outputs.hpp"
#include "algorithms/quantizer.hpp"
#include "datasets/tensor.hpp"
#include "experiments/config.hpp"
#include "experiments/tensor_group.hpp"

namespace quantlab {

/// The flat (row-major) indices of each group: one group for the whole tensor, or one per
/// index along the axis (ranges where the axes before it have one index, as the first axis
/// of a row-major tensor; lists of indices otherwise).
std::vector<TensorGroup> groups_of(const Tensor& tensor, const Granularity& granularity);

/// A group's values read as a row-major rows × cols matrix; 0 × 0 for a group that has no
/// matrix form.
struct MatrixShape {
  std::size_t rows = 0, cols = 0;
};

/// The matrix form of a tensor of `shape`: [product of all but the last axis, last axis]
/// (a dense kernel [in, out] as it is; a convolution's HWIO kernel as [H·W·I, O]); none for
/// fewer than two axes.
MatrixShape matrix_of(const std::vector<std::size_t>& shape);

/// Distinct values of each group, counted up to `cap` (min(distinct, cap): all that K-level
/// quantization needs to know, found without sorting when cap is small).
std::vector<std::size_t> distinct_counts(const arma::vec& values,
                                         const std::vector<TensorGroup>& groups,
                                         std::size_t cap = std::numeric_limits<std::size_t>::max());

struct GroupedResult {
  arma::vec reconstruction;
  std::vector<double> cluster_sizes;          ///< per group, the count of each codeword
  std::vector<double> codebook;               ///< the groups' codebooks, concatenated
  std::vector<double> group_levels;           ///< codewords per group
  std::vector<double> group_codebook_floats;  ///< numbers stored in each group's codebook
  std::vector<arma::uvec> group_indices;      ///< per group, each member's codeword
  double side_bits = 0;                       ///< stored besides indices and codebooks, all groups
  std::size_t max_levels = 0;                 ///< the most codewords any group uses
  double entropy_bits = 0;                    ///< size-weighted mean of the groups' index entropy
  // Entropy coding of every group's indices with its own Huffman code (paper 5), filled in by
  // add_coding_statistics:
  double huffman_bits = 0;          ///< coded index bits, all groups
  double huffman_table_bits = 0;    ///< code tables, one length per codeword
  double variable_length_bits = 0;  ///< eq. (1)'s denominator: Σ (|C_i| + 1) b_i + 32 k
  double fixed_length_bits = 0;     ///< eq. (2)'s denominator: n ⌈log2 k⌉ + 32 k
  std::size_t iterations = 0;       ///< the most any group took
  bool converged = true;            ///< every group converged
  std::size_t clamped_groups = 0;   ///< groups with fewer distinct values than K
  /// The algorithm's scalar outputs, combined over groups as each declares (a per-group one
  /// only when there is one group).
  std::map<std::string, double> scalars;
  std::map<std::string, std::vector<double>> per_group;    ///< per-group outputs, group by group
  std::map<std::string, std::vector<double>> diagnostics;  ///< concatenated over groups
  std::map<std::string, std::vector<double>> histograms;   ///< concatenated; kept as histograms
};

/// Quantizes every group with K_g = min(K, distinct_g) levels; `weights` empty = none;
/// `outputs` is the quantizer's declaration of what it reports (AlgorithmInfo::outputs): an
/// undeclared scalar, diagnostic or histogram throws std::logic_error. `matrices`, if given,
/// holds each group's matrix form, which a quantizer that reads the layout receives
/// (Quantizer::quantize_matrix; the others ignore it). `previous`,
/// if given, holds each group's codebook from an earlier call to warm-start from
/// (Quantizer::quantize_from). Several groups each draw from their own generator, seeded from
/// `generator` in group order, and run on up to `threads` threads: the result does not
/// depend on the thread count.
GroupedResult quantize_groups(const Quantizer& quantizer, const std::vector<OutputSpec>& outputs,
                              const arma::vec& values, const arma::vec& weights,
                              const std::vector<TensorGroup>& groups,
                              const std::vector<std::size_t>& distinct, std::size_t K,
                              Generator& generator, const std::vector<MatrixShape>& matrices = {},
                              const std::vector<arma::vec>& previous = {}, std::size_t threads = 1);

/// Each group's codebook, split from result.codebook.
std::vector<arma::vec> group_codebooks(const GroupedResult& result);

/// Per group, per distinct value of `reconstruction` in it (ascending, as the groups'
/// codebooks): the flat indices that hold it.
std::vector<arma::uvec> codeword_members(const arma::vec& reconstruction,
                                         const std::vector<TensorGroup>& groups);

/// Builds each group's Huffman code from its cluster sizes and fills in the coding fields.
/// Kept apart from quantize_groups so that a quantizer's timing does not include the coding.
void add_coding_statistics(GroupedResult& result, const std::vector<TensorGroup>& groups);

}  // namespace quantlab
