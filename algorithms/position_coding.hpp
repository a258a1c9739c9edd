#pragma once
// Positions of the kept values of a pruned tensor (paper 5, section 6, after Deep
// Compression): stored as the differences between consecutive kept positions (the first
// counted from -1), Huffman-coded. Beside it, a code closer to their entropy: the bitmap of
// kept positions, arithmetic-coded with an adaptive model per part (a network's layers, whose
// densities differ), counted from the bytes it writes.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quantlab {

/// The index differences of ascending positions; positions_from_gaps inverts it.
std::vector<std::uint64_t> position_gaps(const std::vector<std::size_t>& kept);
std::vector<std::size_t> positions_from_gaps(const std::vector<std::uint64_t>& gaps);

/// The bitmap of `kept` (ascending positions) over consecutive parts of these lengths,
/// arithmetic-coded: each part has its own adaptive estimate of a kept position
/// (Krichevsky–Trofimov), in the context of the part's previous position, kept or not.
std::vector<std::uint8_t> encode_position_bitmap(const std::vector<std::size_t>& kept,
                                                 const std::vector<std::size_t>& parts);
std::vector<std::size_t> decode_position_bitmap(const std::vector<std::uint8_t>& code,
                                                const std::vector<std::size_t>& parts);

struct PositionBits {
  double huffman = 0;  ///< coded gaps + code table (each distinct gap: 32-bit value + 6-bit length)
  double fixed = 0;    ///< every gap in ⌈log2(largest gap + 1)⌉ bits
  double arithmetic = 0;  ///< the bitmap's arithmetic code (8 bits a byte it writes)
};

/// The bits of `kept` among positions in `parts` (consecutive lengths: a network's layers, or
/// the tensor as one part).
PositionBits position_bits(const std::vector<std::size_t>& kept,
                           const std::vector<std::size_t>& parts);

}  // namespace quantlab
