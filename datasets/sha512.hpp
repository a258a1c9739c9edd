#pragma once
// SHA-512 (FIPS 180-4, by libcrypto), for the npm registry's integrity strings
// ("sha512-<base64>").
#include <cstddef>
#include <cstdint>
#include <string>

namespace quantlab {

/// The SHA-512 digest of a file as npm writes it: "sha512-" + base64. Throws
/// std::runtime_error when the file cannot be read.
std::string sha512_integrity_of_file(const std::string& path);

/// The digest of a byte string as 128 lowercase hex characters.
std::string sha512_hex(const std::string& bytes);

}  // namespace quantlab
