#pragma once
// Reading input files that may be hostile: only regular files (a device or a FIFO could block
// or never end), never more bytes than the caller expects, plain or gzip-compressed (zlib
// detects which), and every failure one std::runtime_error line naming the file.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct gzFile_s;

namespace quantlab {

/// deflate's best ratio (zlib's FAQ): n compressed bytes inflate to at most 1032 n bytes, so
/// a size declared inside a gzip stream can be checked against the file's size before any
/// of it is allocated.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

/// The most bytes `stored` deflated bytes can inflate to (saturating, never wrapping).
constexpr std::uint64_t inflated_bound(std::uint64_t stored) {
  return stored > UINT64_MAX / kMaxDeflateRatio ? UINT64_MAX : stored * kMaxDeflateRatio;
}

/// A read-only descriptor of a regular file, its type checked on the open descriptor (not on
/// the name, which could change in between); `size` receives its size. Throws naming the file
/// when nothing is there, or when it is a directory, a device, a FIFO or a socket.
int open_regular_file(const std::string& path, std::uint64_t& size);

/// The size of a regular file; nullopt when nothing exists at `path`. Throws when `path` is a
/// directory, a device, a FIFO or a socket, or cannot be opened.
std::optional<std::uint64_t> regular_file_size(const std::string& path);

/// A regular file's bytes. Throws without reading them all when it holds more than
/// `max_bytes` (at most `max_bytes` + 1 bytes are ever read, so a growing file is caught too).
std::vector<std::uint8_t> read_regular_file(const std::string& path,
                                            std::size_t max_bytes = SIZE_MAX);

/// A plain or gzip-compressed regular file read incrementally, so that a caller can read a
/// header, learn from it how much data to expect, and read no more than that.
class MaybeGzippedReader {
 public:
  explicit MaybeGzippedReader(const std::string& path);
  ~MaybeGzippedReader();
  MaybeGzippedReader(const MaybeGzippedReader&) = delete;
  MaybeGzippedReader& operator=(const MaybeGzippedReader&) = delete;

  /// Appends up to `n` more bytes to `out`; returns how many (fewer only at the end of the
  /// stream). Throws naming the file when the compressed stream is corrupt.
  std::size_t read(std::vector<std::uint8_t>& out, std::size_t n);
  /// Whether the file is gzip-compressed (else it is read as it is).
  bool compressed();
  /// The most bytes the stream can yield: the file's size when it is plain, kMaxDeflateRatio
  /// times it when compressed.
  std::uint64_t size_bound();
  std::uint64_t file_size() const { return file_size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::uint64_t file_size_ = 0;
  gzFile_s* file_ = nullptr;
};

/// The whole (decompressed) stream, at most `max_bytes`: stops with one line as soon as the
/// stream yields more, without inflating the rest (a gzip bomb costs `max_bytes` at most).
std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path, std::size_t max_bytes);

}  // namespace quantlab
