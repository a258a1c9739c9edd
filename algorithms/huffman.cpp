#include "algorithms/huffman.hpp"

#include <algorithm>
#include <queue>
#include <stdexcept>
#include <tuple>

namespace quantlab {

HuffmanCode::HuffmanCode(const std::vector<std::uint64_t>& counts) : lengths_(counts.size(), 0) {
  // Huffman's merge of the two lightest trees; ties broken by the smallest symbol a tree
  // holds, so the code is the same on every machine.
  struct Node {
    std::uint64_t weight;
    std::uint32_t smallest;
    int index;
  };
  auto heavier = [](const Node& a, const Node& b) {
    return std::tie(a.weight, a.smallest) > std::tie(b.weight, b.smallest);
  };
  std::priority_queue<Node, std::vector<Node>, decltype(heavier)> queue(heavier);
  std::vector<int> parent;
  for (std::uint32_t s = 0; s < counts.size(); ++s)
    if (counts[s] > 0) {
      queue.push({counts[s], s, static_cast<int>(parent.size())});
      parent.push_back(-1);
      lone_symbol_ = s;
      ++used_;
    }
  std::vector<std::uint32_t> leaf_symbol;
  for (std::uint32_t s = 0; s < counts.size(); ++s)
    if (counts[s] > 0) leaf_symbol.push_back(s);
  while (queue.size() > 1) {
    const Node a = queue.top();
    queue.pop();
    const Node b = queue.top();
    queue.pop();
    const int merged = static_cast<int>(parent.size());
    parent.push_back(-1);
    parent[a.index] = merged;
    parent[b.index] = merged;
    queue.push({a.weight + b.weight, std::min(a.smallest, b.smallest), merged});
  }
  if (used_ > 1)
    for (std::size_t leaf = 0; leaf < leaf_symbol.size(); ++leaf) {
      int depth = 0;
      for (int node = static_cast<int>(leaf); parent[node] >= 0; node = parent[node]) ++depth;
      lengths_[leaf_symbol[leaf]] = depth;
    }

  // Canonical codes: by (length, symbol), each code the previous plus one, shifted left
  // whenever the length grows.
  for (std::uint32_t s = 0; s < counts.size(); ++s)
    if (lengths_[s] > 0) by_code_.push_back(s);
  std::sort(by_code_.begin(), by_code_.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::tie(lengths_[a], a) < std::tie(lengths_[b], b);
  });
  const int max_length = by_code_.empty() ? 0 : lengths_[by_code_.back()];
  if (max_length > 63) throw std::length_error("Huffman code longer than 63 bits");
  codes_.assign(counts.size(), 0);
  first_code_.assign(max_length + 2, 0);
  first_index_.assign(max_length + 2, 0);
  count_of_length_.assign(max_length + 2, 0);
  std::uint64_t code = 0;
  int length = by_code_.empty() ? 0 : lengths_[by_code_[0]];
  for (std::size_t i = 0; i < by_code_.size(); ++i) {
    const std::uint32_t s = by_code_[i];
    if (i > 0) {
      ++code;
      code <<= (lengths_[s] - length);
    }
    length = lengths_[s];
    if (count_of_length_[length]++ == 0) first_code_[length] = code, first_index_[length] = i;
    codes_[s] = code;
  }
}

std::uint64_t HuffmanCode::coded_bits(const std::vector<std::uint64_t>& counts) const {
  std::uint64_t bits = 0;
  for (std::size_t s = 0; s < counts.size(); ++s)
    bits += counts[s] * static_cast<std::uint64_t>(lengths_[s]);
  return bits;
}

std::vector<std::uint8_t> HuffmanCode::encode(const std::vector<std::uint32_t>& symbols,
                                              std::size_t& bits) const {
  std::vector<std::uint8_t> out;
  bits = 0;
  for (std::uint32_t s : symbols) {
    if (s >= lengths_.size() || (used_ > 1 && lengths_[s] == 0) ||
        (used_ == 1 && s != lone_symbol_))
      throw std::invalid_argument("symbol " + std::to_string(s) + " has no codeword");
    for (int b = lengths_[s] - 1; b >= 0; --b, ++bits) {
      if (bits % 8 == 0) out.push_back(0);
      if ((codes_[s] >> b) & 1) out.back() |= static_cast<std::uint8_t>(0x80 >> (bits % 8));
    }
  }
  return out;
}

std::vector<std::uint32_t> HuffmanCode::decode(const std::vector<std::uint8_t>& stream,
                                               std::size_t bits, std::size_t count) const {
  std::vector<std::uint32_t> out;
  out.reserve(count);
  if (used_ == 1) return std::vector<std::uint32_t>(count, lone_symbol_);
  std::size_t at = 0;
  while (out.size() < count) {
    std::uint64_t code = 0;
    for (int length = 1;; ++length) {
      if (at >= bits || length >= static_cast<int>(first_code_.size()))
        throw std::invalid_argument("the bit stream ends inside a codeword or holds no codeword");
      code = (code << 1) | ((stream[at / 8] >> (7 - at % 8)) & 1);
      ++at;
      if (count_of_length_[length] && code - first_code_[length] < count_of_length_[length]) {
        out.push_back(by_code_[first_index_[length] + (code - first_code_[length])]);
        break;
      }
    }
  }
  return out;
}

}  // namespace quantlab
