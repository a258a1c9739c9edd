#pragma once
// Reads a whole file, plain or gzip-compressed (zlib detects which).
#include <cstdint>
#include <string>
#include <vector>

namespace quantlab {

/// Throws std::runtime_error naming the file when it cannot be read or is corrupt.
std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path);

}  // namespace quantlab
