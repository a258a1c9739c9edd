// Huffman coding: round trips, the entropy bounds, optimality against a brute-force search
// over prefix codes, the lone-symbol case, and paper 5's compression ratios by hand.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

#include "algorithms/huffman.hpp"
#include "algorithms/optimal.hpp"
#include "algorithms/position_coding.hpp"
#include "algorithms/registry.hpp"
#include "experiments/grouped_quantization.hpp"
#include "experiments/metrics.hpp"
#include "tests/test_support.hpp"

using namespace quantlab;

namespace {

// The least Σ c_i l_i over integer lengths l_i >= 1 with Σ 2^-l_i <= 1 (Kraft): exactly the
// optimal prefix codes, searched exhaustively.
std::uint64_t best_prefix_code_bits(const std::vector<std::uint64_t>& counts) {
  const std::size_t k = counts.size();
  std::vector<int> lengths(k, 1);
  std::uint64_t best = UINT64_MAX;
  std::function<void(std::size_t, double)> search = [&](std::size_t i, double kraft) {
    if (kraft > 1 + 1e-12) return;
    if (i == k) {
      std::uint64_t bits = 0;
      for (std::size_t s = 0; s < k; ++s)
        bits += counts[s] * static_cast<std::uint64_t>(lengths[s]);
      best = std::min(best, bits);
      return;
    }
    for (int l = 1; l < static_cast<int>(k); ++l) {
      lengths[i] = l;
      search(i + 1, kraft + std::ldexp(1.0, -l));
    }
  };
  search(0, 0);
  return best;
}

}  // namespace

TEST_CASE("encode then decode gives the symbols back, on random alphabets and streams") {
  Generator g(4);
  for (int trial = 0; trial < 30; ++trial) {
    const std::size_t k = 1 + g.below(300);
    std::vector<std::uint64_t> counts(k, 0);
    std::vector<std::uint32_t> symbols;
    for (int i = 0; i < 2000; ++i) {
      // Skewed draws, and some symbols never drawn.
      const auto s =
          static_cast<std::uint32_t>(std::min<std::uint64_t>(k - 1, g.below(k) * g.below(k) / k));
      symbols.push_back(s);
      ++counts[s];
    }
    const HuffmanCode code(counts);
    std::size_t bits = 0;
    const auto stream = code.encode(symbols, bits);
    CHECK(bits == code.coded_bits(counts));
    CHECK(code.decode(stream, bits, symbols.size()) == symbols);
    // Shannon: H <= average length < H + 1.
    const double h = entropy_bits(std::vector<double>(counts.begin(), counts.end()));
    const double average = static_cast<double>(bits) / symbols.size();
    CHECK(average >= h - 1e-12);
    CHECK(average < h + 1);
  }
}

TEST_CASE("Huffman lengths are optimal: brute force over all prefix codes of small alphabets") {
  Generator g(9);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<std::uint64_t> counts(2 + g.below(5));
    for (auto& c : counts) c = 1 + g.below(trial % 2 ? 1000 : 10);
    CHECK(HuffmanCode(counts).coded_bits(counts) == best_prefix_code_bits(counts));
  }
}

TEST_CASE("one used symbol: no bits at all; a corrupt stream is rejected") {
  const HuffmanCode lone({0, 7, 0});
  CHECK(lone.lengths() == std::vector<int>{0, 0, 0});
  std::size_t bits = 99;
  const auto stream = lone.encode({1, 1, 1}, bits);
  CHECK(bits == 0);
  CHECK(lone.decode(stream, bits, 3) == std::vector<std::uint32_t>{1, 1, 1});
  CHECK_THROWS(lone.encode({0}, bits));
  const HuffmanCode code({5, 1, 1, 1});
  CHECK_THROWS_AS(code.decode({0xff}, 3, 5), std::invalid_argument);
}

TEST_CASE("compression ratios of paper 5, eq. (1) and (2), by hand") {
  // Three clusters of 6, 2 and 2 values: Huffman lengths 1, 2, 2.
  const arma::vec x = "0 0 0 0 0 0 1 1 5 5";
  const std::vector<TensorGroup> groups = {TensorGroup::range(0, 10)};
  Generator unused(0);
  GroupedResult r = quantize_groups(OptimalQuantizer(64), find_algorithm("optimal")->outputs, x, {},
                                    groups, {3}, 3, unused);
  add_coding_statistics(r, groups);
  CHECK(r.huffman_bits == 6 * 1 + 2 * 2 + 2 * 2);
  // (1): Σ (|C_i| + 1) b_i + k·32 = 7·1 + 3·2 + 3·2 + 96 = 115 bits for 10·32 = 320.
  CHECK(r.variable_length_bits == 115);
  // (2): N ⌈log2 k⌉ + k·32 = 10·2 + 96 = 116.
  CHECK(r.fixed_length_bits == 116);
  CHECK(r.huffman_table_bits == 3 * 6);
}

TEST_CASE("pruned positions: gaps round-trip and are Huffman-coded, by hand") {
  const std::vector<std::size_t> kept = {0, 1, 5, 6, 7, 12};
  const auto gaps = position_gaps(kept);
  CHECK(gaps == std::vector<std::uint64_t>{1, 1, 4, 1, 1, 5});
  CHECK(positions_from_gaps(gaps) == kept);
  // Gap 1 four times (1 bit), 4 and 5 once (2 bits): 8 bits, and a table of three gaps of
  // 32 + 6 bits each. Fixed length: 6 gaps of ⌈log2 6⌉ = 3 bits.
  const PositionBits bits = position_bits(kept, {13});
  CHECK(bits.huffman == 8 + 3 * 38);
  CHECK(bits.fixed == 18);
  Generator g(3);
  std::vector<std::size_t> many;
  for (std::size_t i = 0; i < 100000; ++i)
    if (g.uniform() < 0.0855) many.push_back(i);
  CHECK(positions_from_gaps(position_gaps(many)) == many);
}

TEST_CASE("pruned positions: the bitmap's arithmetic code round-trips at its ideal length") {
  // The ideal adaptive code length, computed here in doubles from the model's definition:
  // per part and previous position, -log2 of the Krichevsky–Trofimov estimate of each bit.
  const auto ideal_bits = [](const std::vector<char>& bitmap,
                             const std::vector<std::size_t>& parts) {
    double bits = 0;
    std::size_t at = 0;
    for (std::size_t length : parts) {
      double zeros[2] = {0, 0}, ones[2] = {0, 0};
      int previous = 0;
      for (std::size_t i = 0; i < length; ++i, ++at) {
        const int bit = bitmap[at];
        const double seen = zeros[previous] + ones[previous];
        const double p = ((bit ? ones[previous] : zeros[previous]) + 0.5) / (seen + 1);
        bits -= std::log2(p);
        (bit ? ones : zeros)[previous] += 1;
        previous = bit;
      }
    }
    return bits;
  };
  Generator g(11);
  const std::vector<std::vector<std::size_t>> splits = {
      {1}, {7}, {100000}, {500, 25000, 400000, 5000}, {0, 3000, 0, 2000}};
  for (const auto& parts : splits)
    for (double density : {0.0, 0.001, 0.0855, 0.5, 0.999, 1.0}) {
      std::size_t n = 0;
      for (std::size_t length : parts) n += length;
      std::vector<char> bitmap(n);
      std::vector<std::size_t> kept;
      for (std::size_t i = 0; i < n; ++i)
        if ((bitmap[i] = g.uniform() < density)) kept.push_back(i);
      const std::vector<std::uint8_t> code = encode_position_bitmap(kept, parts);
      CHECK(decode_position_bitmap(code, parts) == kept);
      // 16-bit probabilities and a 32-bit range cost a little over the ideal; the flush 5 bytes.
      const double ideal = ideal_bits(bitmap, parts);
      CHECK(8.0 * static_cast<double>(code.size()) <= ideal * 1.002 + 48);
      CHECK(8.0 * static_cast<double>(code.size()) >= ideal - 8);
    }
  // Layers of different densities: a model per layer beats Huffman-coded gaps over them all.
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < 200000; ++i)
    if (g.uniform() < (i < 100000 ? 0.01 : 0.3)) kept.push_back(i);
  const PositionBits bits = position_bits(kept, {100000, 100000});
  CHECK(bits.arithmetic < 0.9 * bits.huffman);
  CHECK(decode_position_bitmap(encode_position_bitmap(kept, {100000, 100000}), {100000, 100000}) ==
        kept);
  CHECK_THROWS_AS(encode_position_bitmap({5}, {5}), std::invalid_argument);
  CHECK_THROWS_AS(encode_position_bitmap({3, 2}, {5}), std::invalid_argument);
}
