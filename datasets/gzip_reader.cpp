#include "datasets/gzip_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace quantlab {
namespace {

const std::size_t kChunk = 1 << 16;

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// O_NONBLOCK keeps a FIFO from blocking the open itself; -1 when nothing is there.
int open_regular(const std::string& path, std::uint64_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return -1;
    throw std::runtime_error("cannot read " + path + " (" + std::strerror(errno) + ")");
  }
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    const std::string kind = ::fstat(fd, &info) == 0 ? kind_of(info.st_mode) : "unreadable";
    ::close(fd);
    throw std::runtime_error("cannot read " + path + ": it is " + kind + ", not a regular file");
  }
  // Back to blocking reads: O_NONBLOCK was only for the open.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  size = static_cast<std::uint64_t>(info.st_size);
  return fd;
}

// zlib names a stream opened from a descriptor "<fd:N>": the caller names the file instead.
std::string zlib_error(gzFile file) {
  int code = 0;
  std::string why = gzerror(file, &code);
  if (why.rfind("<fd:", 0) == 0 && why.find(": ") != std::string::npos)
    why = why.substr(why.find(": ") + 2);
  return why;
}

}  // namespace

int open_regular_file(const std::string& path, std::uint64_t& size) {
  const int fd = open_regular(path, size);
  if (fd < 0) throw std::runtime_error("cannot read " + path + " (no such file)");
  return fd;
}

std::optional<std::uint64_t> regular_file_size(const std::string& path) {
  std::uint64_t size = 0;
  const int fd = open_regular(path, size);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  return size;
}

std::vector<std::uint8_t> read_regular_file(const std::string& path, std::size_t max_bytes) {
  std::uint64_t size = 0;
  const int fd = open_regular_file(path, size);
  if (size > max_bytes) {
    ::close(fd);
    throw std::runtime_error(path + " holds " + std::to_string(size) + " bytes, more than the " +
                             std::to_string(max_bytes) + " expected");
  }
  // One byte past the size fstat gave tells a file that grew since (or a /proc file, whose
  // size is 0 whatever it yields).
  const std::size_t expected = static_cast<std::size_t>(size);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(expected);
  std::uint8_t buffer[kChunk];
  while (bytes.size() <= expected) {
    const ssize_t n = ::read(fd, buffer, std::min(kChunk, expected + 1 - bytes.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      throw std::runtime_error("cannot read " + path + " (" + why + ")");
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer, buffer + n);
  }
  ::close(fd);
  if (bytes.size() > expected)
    throw std::runtime_error(path + " changed while it was read (it held " +
                             std::to_string(expected) + " bytes)");
  return bytes;
}

MaybeGzippedReader::MaybeGzippedReader(const std::string& path) : path_(path) {
  const int fd = open_regular_file(path, file_size_);
  file_ = gzdopen(fd, "rb");
  if (!file_) {
    ::close(fd);
    throw std::runtime_error("cannot read " + path + " (zlib cannot open it)");
  }
}

MaybeGzippedReader::~MaybeGzippedReader() {
  if (file_) gzclose(file_);
}

std::size_t MaybeGzippedReader::read(std::vector<std::uint8_t>& out, std::size_t n) {
  std::size_t got = 0;
  std::uint8_t buffer[kChunk];
  while (got < n) {
    const int r = gzread(file_, buffer, static_cast<unsigned>(std::min(kChunk, n - got)));
    if (r < 0) throw std::runtime_error(path_ + " is corrupt (" + zlib_error(file_) + ")");
    if (r == 0) {
      // zlib reports a stream cut short (Z_BUF_ERROR) by returning 0, not -1.
      int code = 0;
      gzerror(file_, &code);
      if (code == Z_BUF_ERROR)
        throw std::runtime_error(path_ + " is truncated (" + zlib_error(file_) + ")");
      if (code != Z_OK) throw std::runtime_error(path_ + " is corrupt (" + zlib_error(file_) + ")");
      break;
    }
    out.insert(out.end(), buffer, buffer + r);
    got += static_cast<std::size_t>(r);
  }
  return got;
}

bool MaybeGzippedReader::compressed() {
  return gzdirect(file_) == 0;
}

std::uint64_t MaybeGzippedReader::size_bound() {
  if (!compressed()) return file_size_;
  return inflated_bound(file_size_);
}

std::vector<std::uint8_t> read_maybe_gzipped(const std::string& path, std::size_t max_bytes) {
  MaybeGzippedReader reader(path);
  std::vector<std::uint8_t> bytes;
  const std::size_t limit = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  reader.read(bytes, limit);
  if (bytes.size() > max_bytes)
    throw std::runtime_error(path + " holds more than the " + std::to_string(max_bytes) +
                             " bytes expected (decompressed)");
  return bytes;
}

}  // namespace quantlab
