#include "algorithms/position_coding.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "algorithms/binary_arithmetic_coder.hpp"
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

namespace {

// Every position of every part, in order, with the part's model in the context of the part's
// previous position: `code(position, model)` codes or decodes one and returns it.
template <typename Code>
void walk_bitmap(const std::vector<std::size_t>& parts, Code code) {
  std::size_t position = 0;
  for (std::size_t length : parts) {
    AdaptiveBit after[2];  // after a pruned position, after a kept one
    bool previous = false;
    for (std::size_t i = 0; i < length; ++i, ++position) {
      AdaptiveBit& model = after[previous];
      previous = code(position, model);
      model.update(previous);
    }
  }
}

}  // namespace

std::vector<std::uint8_t> encode_position_bitmap(const std::vector<std::size_t>& kept,
                                                 const std::vector<std::size_t>& parts) {
  BinaryArithmeticEncoder encoder;
  std::size_t next = 0;  // the first kept position not yet reached
  walk_bitmap(parts, [&](std::size_t position, const AdaptiveBit& model) {
    const bool bit = next < kept.size() && kept[next] == position;
    next += bit;
    encoder.encode(bit, model.p0());
    return bit;
  });
  if (next != kept.size())
    throw std::invalid_argument("kept positions beyond the parts, or not ascending");
  return encoder.finish();
}

std::vector<std::size_t> decode_position_bitmap(const std::vector<std::uint8_t>& code,
                                                const std::vector<std::size_t>& parts) {
  BinaryArithmeticDecoder decoder(code);
  std::vector<std::size_t> kept;
  walk_bitmap(parts, [&](std::size_t position, const AdaptiveBit& model) {
    const bool bit = decoder.decode(model.p0());
    if (bit) kept.push_back(position);
    return bit;
  });
  return kept;
}

PositionBits position_bits(const std::vector<std::size_t>& kept,
                           const std::vector<std::size_t>& parts) {
  PositionBits bits;
  if (kept.empty()) return bits;
  bits.arithmetic = 8.0 * static_cast<double>(encode_position_bitmap(kept, parts).size());
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
