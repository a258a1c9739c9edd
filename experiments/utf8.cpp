#include "experiments/utf8.hpp"

#include <cstdint>
#include <cstdio>

namespace quantlab {

// Written out rather than taken from a library: none among quantlab's dependencies validates
// UTF-8 on its own (nlohmann-json refuses bad bytes only while it writes, naming no file).
std::size_t invalid_utf8_at(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const std::uint8_t lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The continuation bytes a lead byte announces, and the range its second byte must lie in
    // (narrowed where a wider one would be overlong, a surrogate or beyond U+10FFFF).
    std::size_t length;
    std::uint8_t low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + 1 >= text.size() || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if (i + k >= text.size() || (byte(i + k) & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::string byte_text(char byte) {
  char text[8];
  std::snprintf(text, sizeof text, "0x%02X",
                static_cast<unsigned>(static_cast<std::uint8_t>(byte)));
  return text;
}

std::string invalid_utf8_text(std::string_view text, std::size_t at) {
  return "byte " + byte_text(text[at]) + " at byte " + std::to_string(at + 1) + ", after '" +
         std::string(text.substr(0, at)) + "'";
}

}  // namespace quantlab
