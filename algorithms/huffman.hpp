#pragma once
// Huffman coding of quantization indices (paper 5, section 3): an optimal prefix code built
// from the level counts, in canonical form (codes follow from the lengths alone, so the code
// table is one length per symbol), with encoding and decoding.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quantlab {

class HuffmanCode {
 public:
  /// The code for symbols 0..k-1 with these counts; symbols of count 0 get no codeword. With
  /// one used symbol its codeword is empty (length 0): the count alone says everything.
  explicit HuffmanCode(const std::vector<std::uint64_t>& counts);

  /// Code length of each symbol (0 for unused symbols, and for a lone used symbol).
  const std::vector<int>& lengths() const { return lengths_; }
  /// Σ count_i · length_i: the bits of the coded data.
  std::uint64_t coded_bits(const std::vector<std::uint64_t>& counts) const;
  /// Bits of the code table when stored as one length per symbol (lengths fit 6 bits).
  std::uint64_t table_bits() const { return 6 * static_cast<std::uint64_t>(lengths_.size()); }

  /// The symbols as a bit stream (first bit = most significant of each codeword).
  std::vector<std::uint8_t> encode(const std::vector<std::uint32_t>& symbols,
                                   std::size_t& bits) const;
  /// The first `count` symbols of a stream; throws std::invalid_argument on a bad stream.
  std::vector<std::uint32_t> decode(const std::vector<std::uint8_t>& stream, std::size_t bits,
                                    std::size_t count) const;

 private:
  std::vector<int> lengths_;
  std::vector<std::uint64_t> codes_;          ///< canonical codeword of each symbol
  std::vector<std::uint32_t> by_code_;        ///< used symbols sorted by (length, symbol)
  std::vector<std::uint64_t> first_code_;     ///< per length: the first canonical code
  std::vector<std::size_t> first_index_;      ///< per length: its position in by_code_
  std::vector<std::size_t> count_of_length_;  ///< per length: how many codewords
  std::uint32_t lone_symbol_ = 0;
  std::size_t used_ = 0;
};

}  // namespace quantlab
