#include "algorithms/position_coding.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "algorithms/huffman.hpp"

namespace quantlab {

std::vector<std::uint64_t> position_gaps(const std::vector<std::size_t>& kept) {
  std::vector<std::uint64_t> gaps;
  gaps.reserve(kept.size());
  long long previous = -1;
  for (std::size_t p : kept) {
    gaps.push_back(static_cast<std::uint64_t>(static_cast<long long>(p) - previous));
    previous = static_cast<long long>(p);
  }
  return gaps;
}

std::vector<std::size_t> positions_from_gaps(const std::vector<std::uint64_t>& gaps) {
  std::vector<std::size_t> kept;
  long long at = -1;
  for (std::uint64_t g : gaps)
    kept.push_back(static_cast<std::size_t>(at += static_cast<long long>(g)));
  return kept;
}

PositionBits position_bits(const std::vector<std::size_t>& kept) {
  PositionBits bits;
  if (kept.empty()) return bits;
  const std::vector<std::uint64_t> gaps = position_gaps(kept);
  std::map<std::uint64_t, std::uint64_t> frequency;
  for (std::uint64_t g : gaps) ++frequency[g];
  std::vector<std::uint64_t> counts;
  for (const auto& [gap, count] : frequency) counts.push_back(count);
  const HuffmanCode code(counts);
  bits.huffman =
      static_cast<double>(code.coded_bits(counts)) + 38.0 * static_cast<double>(counts.size());
  const double largest = static_cast<double>(frequency.rbegin()->first);
  bits.fixed = static_cast<double>(gaps.size()) * std::ceil(std::log2(largest + 1));
  return bits;
}

}  // namespace quantlab
