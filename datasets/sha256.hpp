#pragma once
// SHA-256 (FIPS 180-4): checksums of tensor data and content-derived run ids, computed by
// OpenSSL's libcrypto (its assembly runs at the memory's speed; a checksum is on every
// dataset read and every quantize call).
#include <cstddef>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace quantlab {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t size);
  void update(const std::string& text) { update(text.data(), text.size()); }
  /// The digest as 64 lowercase hex characters; the object is spent afterwards.
  std::string hex();

 private:
  evp_md_ctx_st* context_;
};

std::string sha256_hex(const std::string& text);

/// The digest of a file's bytes; throws std::runtime_error when it cannot be read.
std::string sha256_hex_of_file(const std::string& path);

}  // namespace quantlab
