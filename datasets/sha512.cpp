#include "datasets/sha512.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace quantlab {
namespace {

// SHA-512 of whatever `feed` hands over, by libcrypto.
template <class Feed>
std::vector<unsigned char> sha512(const Feed& feed) {
  const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(),
                                                                   EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha512(), nullptr) != 1)
    throw std::runtime_error("libcrypto cannot start a SHA-512 digest");
  feed([&](const void* data, std::size_t size) {
    if (size && EVP_DigestUpdate(context.get(), data, size) != 1)
      throw std::runtime_error("libcrypto's SHA-512 update failed");
  });
  std::vector<unsigned char> digest(EVP_MAX_MD_SIZE);
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1)
    throw std::runtime_error("libcrypto's SHA-512 failed");
  digest.resize(length);
  return digest;
}

}  // namespace

std::string sha512_integrity_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const auto d = sha512([&](const auto& update) {
    std::vector<char> buffer(1 << 20);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
  });
  std::string out(4 * ((d.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(&out[0]), d.data(),
                                static_cast<int>(d.size()));
  out.resize(static_cast<std::size_t>(n));
  return "sha512-" + out;
}

std::string sha512_hex(const std::string& bytes) {
  const auto d = sha512([&](const auto& update) { update(bytes.data(), bytes.size()); });
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (auto b : d) out += digits[b >> 4], out += digits[b & 15];
  return out;
}

}  // namespace quantlab
