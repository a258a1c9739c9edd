#include "algorithms/binary_arithmetic_coder.hpp"

#include <algorithm>

namespace quantlab {
namespace {

constexpr std::uint32_t kTop = 1u << 24;  // the range is renormalised to stay above this

// The part of the range a zero takes: in 64 bits, so that no more than one unit of the range
// is lost to rounding (range >> 16 first would lose up to 1/256 of it).
std::uint32_t zero_bound(std::uint32_t range, std::uint32_t p0) {
  return static_cast<std::uint32_t>((std::uint64_t{range} * p0) >> 16);
}

}  // namespace

void BinaryArithmeticEncoder::encode(bool bit, std::uint32_t p0) {
  const std::uint32_t bound = zero_bound(range_, p0);
  if (bit) {
    low_ += bound;
    range_ -= bound;
  } else {
    range_ = bound;
  }
  while (range_ < kTop) {
    range_ <<= 8;
    shift_low();
  }
}

// Writes low's top byte unless it may still change by a carry; 0xFF bytes wait with it.
void BinaryArithmeticEncoder::shift_low() {
  if (static_cast<std::uint32_t>(low_) < 0xFF000000u || (low_ >> 32) != 0) {
    const auto carry = static_cast<std::uint8_t>(low_ >> 32);
    std::uint8_t byte = cache_;
    do {
      out_.push_back(static_cast<std::uint8_t>(byte + carry));
      byte = 0xFF;
    } while (--pending_ != 0);
    cache_ = static_cast<std::uint8_t>(low_ >> 24);
  }
  ++pending_;
  low_ = (low_ & 0x00FFFFFFu) << 8;
}

std::vector<std::uint8_t> BinaryArithmeticEncoder::finish() {
  for (int i = 0; i < 5; ++i) shift_low();
  return std::move(out_);
}

BinaryArithmeticDecoder::BinaryArithmeticDecoder(const std::vector<std::uint8_t>& code)
    : code_(code) {
  for (int i = 0; i < 5; ++i) value_ = (value_ << 8) | next_byte();
}

std::uint8_t BinaryArithmeticDecoder::next_byte() {
  return at_ < code_.size() ? code_[at_++] : 0;
}

bool BinaryArithmeticDecoder::decode(std::uint32_t p0) {
  const std::uint32_t bound = zero_bound(range_, p0);
  bool bit;
  if (value_ < bound) {
    range_ = bound;
    bit = false;
  } else {
    value_ -= bound;
    range_ -= bound;
    bit = true;
  }
  while (range_ < kTop) {
    range_ <<= 8;
    value_ = (value_ << 8) | next_byte();
  }
  return bit;
}

std::uint32_t AdaptiveBit::p0() const {
  const std::uint64_t p = ((2 * zeros_ + 1) << 16) / (2 * (zeros_ + ones_) + 2);
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(p, 1, 65535));
}

}  // namespace quantlab
