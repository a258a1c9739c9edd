#include "experiments/grouped_quantization.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "algorithms/huffman.hpp"
#include "experiments/metrics.hpp"
#include "experiments/parallel_for.hpp"

namespace quantlab {

std::vector<TensorGroup> groups_of(const Tensor& tensor, const Granularity& granularity) {
  const std::size_t n = tensor.size();
  if (!granularity.axis) return {TensorGroup::range(0, n)};
  const int rank = static_cast<int>(tensor.shape.size());
  const int axis = *granularity.axis < 0 ? *granularity.axis + rank : *granularity.axis;
  std::size_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= tensor.shape[d];
  for (int d = axis + 1; d < rank; ++d) inner *= tensor.shape[d];
  const std::size_t count = tensor.shape[axis];
  std::vector<TensorGroup> groups;
  groups.reserve(count);
  for (std::size_t g = 0; g < count; ++g) {
    if (outer == 1) {  // row-major: the g-th index along the first axis is one range
      groups.push_back(TensorGroup::range(g * inner, inner));
      continue;
    }
    arma::uvec members(outer * inner);
    for (std::size_t o = 0; o < outer; ++o)
      for (std::size_t i = 0; i < inner; ++i) members[o * inner + i] = (o * count + g) * inner + i;
    groups.emplace_back(std::move(members));
  }
  return groups;
}

MatrixShape matrix_of(const std::vector<std::size_t>& shape) {
  if (shape.size() < 2) return {};
  std::size_t rows = 1;
  for (std::size_t d = 0; d + 1 < shape.size(); ++d) rows *= shape[d];
  return {rows, shape.back()};
}

std::vector<std::size_t> distinct_counts(const arma::vec& values,
                                         const std::vector<TensorGroup>& groups, std::size_t cap) {
  std::vector<std::size_t> out;
  for (const auto& g : groups) {
    std::size_t count = 0;
    if (cap < g.size() / 8) {
      // Few wanted: a set of the values seen, stopped at `cap` (continuous data stops after
      // about cap values; no sort of the group).
      std::unordered_set<double> seen;
      seen.reserve(2 * cap);
      for (std::size_t i = 0; i < g.size() && seen.size() < cap; ++i) seen.insert(values[g[i]]);
      count = seen.size();
    } else {
      const arma::vec v = arma::sort(g.values_of(values));
      for (arma::uword i = 0; i < v.n_elem; ++i) count += i == 0 || v[i] != v[i - 1];
    }
    out.push_back(std::min(count, cap));
  }
  return out;
}

std::vector<arma::uvec> codeword_members(const arma::vec& reconstruction,
                                         const std::vector<TensorGroup>& groups) {
  std::vector<arma::uvec> out;
  for (const auto& g : groups) {
    const arma::vec v = g.values_of(reconstruction);
    const arma::uvec order = arma::stable_sort_index(v);
    std::size_t start = 0;
    for (std::size_t i = 1; i <= order.n_elem; ++i)
      if (i == order.n_elem || v[order[i]] != v[order[start]]) {
        arma::uvec members(i - start);
        for (std::size_t k = start; k < i; ++k) members[k - start] = g[order[k]];
        out.push_back(std::move(members));
        start = i;
      }
  }
  return out;
}

namespace {

const OutputSpec& declared(const std::vector<OutputSpec>& outputs, const std::string& name,
                           OutputKind kind) {
  const OutputSpec* o = find_output(outputs, name, kind);
  if (!o)
    throw std::logic_error("the quantizer reported '" + name +
                           "', which its algorithm does not declare");
  return *o;
}

}  // namespace

namespace {

// One group's quantization, on its own values (read in place for a range, else a copy).
Quantized quantize_group(const Quantizer& quantizer, const arma::vec& values,
                         const arma::vec& weights, const TensorGroup& group, std::size_t levels,
                         Generator& generator, MatrixShape matrix, const arma::vec* previous) {
  const arma::vec x = group.values_of(values);
  const arma::vec w = weights.is_empty() ? arma::vec() : group.values_of(weights);
  const bool as_matrix = matrix.rows && quantizer.reads_matrix_layout();
  return as_matrix  ? quantizer.quantize_matrix(x, matrix.rows, matrix.cols, w, levels, generator)
         : previous ? quantizer.quantize_from(x, w, levels, generator, *previous)
                    : quantizer.quantize(x, w, levels, generator);
}

}  // namespace

GroupedResult quantize_groups(const Quantizer& quantizer, const std::vector<OutputSpec>& outputs,
                              const arma::vec& values, const arma::vec& weights,
                              const std::vector<TensorGroup>& groups,
                              const std::vector<std::size_t>& distinct, std::size_t K,
                              Generator& generator, const std::vector<MatrixShape>& matrices,
                              const std::vector<arma::vec>& previous, std::size_t threads) {
  // One group draws from the run's generator; several draw from one generator each, seeded
  // from it in group order, so that no group's draws depend on another's and the groups can
  // run at once with the same result at any thread count.
  const std::size_t count = groups.size();
  if (!matrices.empty() && matrices.size() != count)
    throw std::logic_error("quantize_groups: " + std::to_string(matrices.size()) +
                           " matrix forms for " + std::to_string(count) + " groups");
  std::vector<std::uint64_t> seeds(count > 1 ? count : 0);
  for (auto& seed : seeds) seed = generator.next();
  std::vector<Quantized> quantized(count);
  parallel_for(count, threads, [&](std::size_t g) {
    Generator own(count > 1 ? seeds[g] : 0);
    quantized[g] =
        quantize_group(quantizer, values, weights, groups[g], std::min(K, distinct[g]),
                       count > 1 ? own : generator, matrices.empty() ? MatrixShape{} : matrices[g],
                       previous.empty() ? nullptr : &previous[g]);
  });

  GroupedResult r;
  r.group_indices.reserve(count);  // (a uvec moved into a growing vector is copied)
  r.group_levels.reserve(count);
  r.group_codebook_floats.reserve(count);
  const bool whole = count == 1 && groups[0].is_whole(values.n_elem);
  if (!whole) r.reconstruction.zeros(values.n_elem);  // entries in no group (pruned) stay 0
  double weighted_entropy = 0;
  for (std::size_t g = 0; g < count; ++g) {
    const double size = static_cast<double>(groups[g].size());
    if (distinct[g] < K) ++r.clamped_groups;
    Quantized& q = quantized[g];
    if (whole)
      r.reconstruction = std::move(q.reconstruction);
    else
      groups[g].assign(r.reconstruction, q.reconstruction);

    const std::size_t codewords = q.codewords ? q.codewords : q.codebook.n_elem;
    std::vector<double> sizes(codewords, 0.0);
    for (arma::uword i : q.indices) sizes[i] += 1;
    r.cluster_sizes.insert(r.cluster_sizes.end(), sizes.begin(), sizes.end());
    r.codebook.insert(r.codebook.end(), q.codebook.begin(), q.codebook.end());
    r.group_levels.push_back(static_cast<double>(codewords));
    r.group_codebook_floats.push_back(static_cast<double>(q.codebook.n_elem));
    r.side_bits += q.side_bits;
    r.max_levels = std::max(r.max_levels, codewords);
    r.group_indices.push_back(std::move(q.indices));
    weighted_entropy += entropy_bits(sizes) * size;
    r.iterations = std::max(r.iterations, q.iterations);
    r.converged = r.converged && q.converged;
    for (const auto& [key, value] : q.scalars) {
      const OutputSpec& o = declared(outputs, key, OutputKind::scalar);
      auto [it, fresh] = r.scalars.emplace(key, 0.0);
      double& combined = it->second;
      switch (o.combine) {
        case Combine::max:
          combined = fresh ? value : std::max(combined, value);
          break;
        case Combine::min:
          combined = fresh ? value : std::min(combined, value);
          break;
        case Combine::size_weighted_mean:
          combined += value * size;
          break;
        case Combine::per_group:
          r.per_group[key].push_back(value);
          break;
        default:
          combined += value;
          break;
      }
    }
    for (const auto& [key, value] : q.diagnostics) {
      declared(outputs, key, OutputKind::diagnostic);
      r.diagnostics[key].insert(r.diagnostics[key].end(), value.begin(), value.end());
    }
    for (const auto& [key, value] : q.histograms) {
      declared(outputs, key, OutputKind::histogram);
      r.histograms[key].insert(r.histograms[key].end(), value.begin(), value.end());
    }
  }
  std::size_t members = 0;
  for (const auto& g : groups) members += g.size();
  r.entropy_bits = weighted_entropy / static_cast<double>(members);
  for (auto& [key, value] : r.scalars) {
    const OutputSpec& o = declared(outputs, key, OutputKind::scalar);
    if (o.combine == Combine::size_weighted_mean) value /= static_cast<double>(members);
    // A per-group output has no meaningful value for several groups: NaN, and the vector.
    if (o.combine == Combine::per_group)
      value = r.per_group[key].size() == 1 ? r.per_group[key][0]
                                           : std::numeric_limits<double>::quiet_NaN();
  }
  for (auto it = r.per_group.begin(); it != r.per_group.end();)
    it = it->second.size() > 1 ? std::next(it) : r.per_group.erase(it);
  return r;
}

std::vector<arma::vec> group_codebooks(const GroupedResult& result) {
  std::vector<arma::vec> out;
  std::size_t offset = 0;
  for (double floats : result.group_codebook_floats) {
    const auto n = static_cast<std::size_t>(floats);
    out.emplace_back(result.codebook.data() + offset, n);
    offset += n;
  }
  return out;
}

void add_coding_statistics(GroupedResult& r, const std::vector<TensorGroup>& groups) {
  r.huffman_bits = r.huffman_table_bits = 0;
  r.variable_length_bits = r.fixed_length_bits = r.side_bits;
  std::size_t offset = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const auto k = static_cast<std::size_t>(r.group_levels[g]);
    const std::vector<std::uint64_t> counts(r.cluster_sizes.begin() + offset,
                                            r.cluster_sizes.begin() + offset + k);
    offset += k;
    // Paper 5, eq. (1) and (2), with 32-bit numbers in the codebook.
    const double codebook_bits = 32.0 * r.group_codebook_floats[g];
    const HuffmanCode code(counts);
    const double coded = static_cast<double>(code.coded_bits(counts));
    double table = 0;
    for (int length : code.lengths()) table += length;
    r.huffman_bits += coded;
    r.huffman_table_bits += static_cast<double>(code.table_bits());
    r.variable_length_bits += coded + table + codebook_bits;
    r.fixed_length_bits +=
        static_cast<double>(groups[g].size()) * std::ceil(std::log2(static_cast<double>(k))) +
        codebook_bits;
  }
}

}  // namespace quantlab
