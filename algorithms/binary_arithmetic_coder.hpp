#pragma once
// A binary arithmetic (range) coder with 32-bit range and carry propagation, after LZMA's:
// each bit is coded with a 16-bit probability of a zero, and the bytes it writes are exactly
// what a decoder needs, so a code length counted from them is the length of a real code.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quantlab {

class BinaryArithmeticEncoder {
 public:
  /// Codes `bit` with probability p0 / 65536 of a zero, 1 <= p0 <= 65535.
  void encode(bool bit, std::uint32_t p0);
  /// The whole code (the encoder is spent).
  std::vector<std::uint8_t> finish();

 private:
  void shift_low();
  std::uint64_t low_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu;
  std::uint8_t cache_ = 0;
  std::uint64_t pending_ = 1;  ///< bytes held back: the cache and the 0xFF bytes after it
  std::vector<std::uint8_t> out_;
};

class BinaryArithmeticDecoder {
 public:
  explicit BinaryArithmeticDecoder(const std::vector<std::uint8_t>& code);
  /// The next bit, coded with the same p0 as it was encoded with.
  bool decode(std::uint32_t p0);

 private:
  std::uint8_t next_byte();
  const std::vector<std::uint8_t>& code_;
  std::size_t at_ = 0;
  std::uint32_t range_ = 0xFFFFFFFFu, value_ = 0;
};

/// An adaptive estimate of a bit's probability (Krichevsky–Trofimov: (count + 1/2) / (seen +
/// 1)) in integers, as the 16-bit probability of a zero the coder takes.
class AdaptiveBit {
 public:
  std::uint32_t p0() const;
  void update(bool bit) { ++(bit ? ones_ : zeros_); }

 private:
  std::uint64_t zeros_ = 0, ones_ = 0;
};

}  // namespace quantlab
