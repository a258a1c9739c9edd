#pragma once
// Positions of the kept values of a pruned tensor (paper 5, section 6, after Deep
// Compression): stored as the differences between consecutive kept positions (the first
// counted from -1), Huffman-coded.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quantlab {

/// The index differences of ascending positions; positions_from_gaps inverts it.
std::vector<std::uint64_t> position_gaps(const std::vector<std::size_t>& kept);
std::vector<std::size_t> positions_from_gaps(const std::vector<std::uint64_t>& gaps);

struct PositionBits {
  double huffman = 0;  ///< coded gaps + code table (each distinct gap: 32-bit value + 6-bit length)
  double fixed = 0;    ///< every gap in ⌈log2(largest gap + 1)⌉ bits
};

PositionBits position_bits(const std::vector<std::size_t>& kept);

}  // namespace quantlab
