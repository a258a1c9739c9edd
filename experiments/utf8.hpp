#pragma once
// Whether text is well-formed UTF-8, as YAML requires of a config and JSON of the plan and
// the records that keep its strings.
#include <cstddef>
#include <string>
#include <string_view>

namespace quantlab {

/// The offset of the first byte that does not begin or continue a well-formed UTF-8 character
/// (RFC 3629: no overlong forms, no UTF-16 surrogates, nothing above U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view text);

/// A byte as errors name it: "0xFF".
std::string byte_text(char byte);

/// Where text is not UTF-8, as an error says it: "byte 0xFF at byte 7, after 'name=ab'".
std::string invalid_utf8_text(std::string_view text, std::size_t at);

}  // namespace quantlab
