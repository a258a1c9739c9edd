#pragma once
// SHA-256 (FIPS 180-4): checksums of tensor data and content-derived run ids.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace quantlab {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, std::size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  /// The digest as 64 lowercase hex characters; the object is spent afterwards.
  std::string hex();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> h_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

std::string sha256_hex(const std::string& text);

/// The digest of a file's bytes; throws std::runtime_error when it cannot be read.
std::string sha256_hex_of_file(const std::string& path);

}  // namespace quantlab
