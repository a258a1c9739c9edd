#include "experiments/record_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "datasets/hdf5_io.hpp"
#include "datasets/sha256.hpp"
#include "datasets/temporary_files.hpp"
#include "experiments/hdf5_run_record.hpp"
#include "experiments/parallel_for.hpp"
#include "experiments/provenance.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;

const std::string kFileMagic = "QLRECLOG";
constexpr std::size_t kFileHeader = 16;  // magic, version, 4 zero bytes
const std::string kFrameMagic = "QLRF";
constexpr std::size_t kFrameHeader = 4 + 4 + 8 + 64;
constexpr std::uint32_t kHeaderFrame = 1, kRecordFrame = 2;
const std::string kExtension = ".records";

std::string file_header() {
  std::string h = kFileMagic;
  const std::uint32_t version = kRunRecordVersion, zero = 0;
  h.append(reinterpret_cast<const char*>(&version), 4);
  h.append(reinterpret_cast<const char*>(&zero), 4);
  return h;
}

std::string frame(std::uint32_t kind, const std::string& payload) {
  std::string f = kFrameMagic;
  const std::uint64_t size = payload.size();
  f.append(reinterpret_cast<const char*>(&kind), 4);
  f.append(reinterpret_cast<const char*>(&size), 8);
  f += sha256_hex(payload);
  f += payload;
  return f;
}

void write_all(int fd, const std::string& bytes, const std::string& path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(hdf5::write_failure(path, errno));
    written += static_cast<std::size_t>(n);
  }
}

// A log's name: when it was started (logs sort in the order they were begun) and 64 random
// bits (no two processes, on any host, pick the same).
std::string new_log_name() {
  std::random_device device;
  const std::uint64_t bits = (std::uint64_t{device()} << 32) ^ device();
  char random[17];
  std::snprintf(random, sizeof random, "%016llx", static_cast<unsigned long long>(bits));
  std::string time = utc_now();  // 2026-11-22T19:30:15Z
  time.erase(std::remove_if(time.begin(), time.end(), [](char c) { return c == '-' || c == ':'; }),
             time.end());
  return time + "-" + random + kExtension;
}

void sync_folder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);  // the new entry survives a power loss; harmless where unsupported
  ::close(fd);
}

}  // namespace

namespace {

// A log opened to be read: without blocking and never through a link, so that a FIFO or a
// device named like a log cannot hang the reader. -1 (errno set) when it cannot be opened or
// is not a regular file.
int open_log(const std::string& path, struct stat& info) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return -1;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  return fd;
}

// Reads into `to` until `size` bytes are read or the file ends; the bytes read.
std::size_t read_up_to(int fd, char* to, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, to + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace

// A log's bytes, read whole into memory (not mapped: a log cut back by its writer, or
// truncated by another program, must not become a SIGBUS here).
class LogBytes {
 public:
  explicit LogBytes(const std::string& path) {
    struct stat info;
    const int fd = open_log(path, info);
    if (fd < 0)
      throw std::runtime_error(
          path + (errno == EINVAL ? ": not a regular file"
                                  : ": cannot open (" + std::string(std::strerror(errno)) + ")"));
    device_ = info.st_dev;
    inode_ = info.st_ino;
    // Not zeroed first: read() fills it.
    const std::size_t wanted = static_cast<std::size_t>(info.st_size);
    bytes_.reset(new char[wanted ? wanted : 1]);
    size_ = read_up_to(fd, bytes_.get(), wanted);
    ::close(fd);  // cut short while read: what is there counts
  }
  const char* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  std::uint64_t device() const { return device_; }
  std::uint64_t inode() const { return inode_; }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t size_ = 0;
  std::uint64_t device_ = 0, inode_ = 0;
};

namespace {

struct Frame {
  std::uint32_t kind = 0;
  std::size_t offset = 0, payload = 0, size = 0;  // frame start, payload start, payload size
};

enum class FrameCheck { good, bad, cut_short };

// Whether a frame header starts at `at` with its payload inside the bytes (its kind and
// checksum not looked at yet); `why` says what is wrong otherwise.
FrameCheck frame_header(const char* data, std::size_t size, std::size_t at, Frame& f,
                        std::string& why) {
  if (size - at < kFrameHeader) {
    why = "cut short";
    return std::memcmp(data + at, kFrameMagic.data(), std::min(size - at, kFrameMagic.size())) == 0
               ? FrameCheck::cut_short
               : FrameCheck::bad;
  }
  if (std::memcmp(data + at, kFrameMagic.data(), 4) != 0) {
    why = "no frame starts here";
    return FrameCheck::bad;
  }
  std::uint64_t length = 0;
  std::memcpy(&f.kind, data + at + 4, 4);
  std::memcpy(&length, data + at + 8, 8);
  f.offset = at;
  f.payload = at + kFrameHeader;
  if (length > size - f.payload) {
    why = "cut short";
    return FrameCheck::cut_short;
  }
  f.size = static_cast<std::size_t>(length);
  return FrameCheck::good;
}

// Whether a frame whose header is whole is of a known kind and its payload's checksum holds.
bool frame_verifies(const char* data, const Frame& f, std::string& why) {
  if (f.kind != kHeaderFrame && f.kind != kRecordFrame) {
    why = "a frame of unknown kind " + std::to_string(f.kind);
    return false;
  }
  Sha256 sha;
  sha.update(data + f.payload, f.size);
  if (sha.hex() != std::string(data + f.offset + 16, 64)) {
    why = "checksum mismatch";
    return false;
  }
  return true;
}

// Whether a whole, verified frame starts at `at`; `why` says what is wrong otherwise.
FrameCheck check_frame(const char* data, std::size_t size, std::size_t at, Frame& f,
                       std::string& why) {
  const FrameCheck header = frame_header(data, size, at, f, why);
  if (header != FrameCheck::good) return header;
  return frame_verifies(data, f, why) ? FrameCheck::good : FrameCheck::bad;
}

// A whole log's frames, found by their lengths alone and then verified in parallel; none
// when any frame is not whole and good.
std::optional<std::vector<Frame>> whole_frames(const LogBytes& m, std::size_t threads) {
  std::vector<Frame> frames;
  std::string why;
  for (std::size_t at = kFileHeader; at < m.size();
       at = frames.back().payload + frames.back().size) {
    Frame f;
    if (frame_header(m.data(), m.size(), at, f, why) != FrameCheck::good) return std::nullopt;
    frames.push_back(f);
  }
  std::atomic<bool> good{true};
  parallel_for(frames.size(), threads, [&](std::size_t i) {
    std::string ignored;
    if (!frame_verifies(m.data(), frames[i], ignored)) good = false;
  });
  if (!good) return std::nullopt;
  return frames;
}

// The frames of a log, verified; damage is reported and skipped to the next frame that
// verifies. `cut` is set for a frame cut short at the end (a killed writer's).
std::vector<Frame> frames_of(const LogBytes& m, const std::string& path,
                             std::vector<std::string>& bad, bool& cut, std::size_t threads) {
  if (auto whole = whole_frames(m, threads)) return std::move(*whole);
  std::vector<Frame> frames;
  const char* data = m.data();
  const std::size_t size = m.size();
  // Looking for the next good frame hashes each candidate: bounded, so that a crafted log of
  // frame headers that each claim the rest of the file costs linear time, not quadratic.
  std::size_t budget = 4 * size + (std::size_t{1} << 20);
  std::size_t at = kFileHeader;
  while (at < size) {
    Frame f;
    std::string why;
    const FrameCheck c = check_frame(data, size, at, f, why);
    if (c == FrameCheck::good) {
      frames.push_back(f);
      at = f.payload + f.size;
      continue;
    }
    // Damage: resume at the next frame that verifies, if there is one.
    std::size_t next = at + 1;
    Frame g;
    std::string ignored;
    for (;; ++next) {
      const void* hit =
          next < size ? ::memmem(data + next, size - next, kFrameMagic.data(), 4) : nullptr;
      if (!hit) {
        next = size;
        break;
      }
      next = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
      g = Frame{};
      if (check_frame(data, size, next, g, ignored) == FrameCheck::good) break;
      const std::size_t hashed = std::min(size - next, g.size + kFrameHeader);
      if (hashed > budget) {
        next = size;  // the rest is damage too
        break;
      }
      budget -= hashed;
    }
    if (c == FrameCheck::cut_short && next == size) {
      cut = true;  // the last frame, torn by a kill: its run was still in progress
    } else {
      bad.push_back(path + ": bytes " + std::to_string(at) + " to " + std::to_string(next) + ": " +
                    why + " (a damaged record; its run is run again)");
    }
    at = next;
  }
  return frames;
}

}  // namespace

// ---- writing ---------------------------------------------------------------------------

RecordLogWriter::RecordLogWriter(const std::string& folder, const std::string& sweep,
                                 const std::map<std::string, std::string>& shared) {
  for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
    path_ = (fs::path(folder) / new_log_name()).string();
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
                 0644);
    if (fd_ < 0 && errno != EEXIST) break;
  }
  if (fd_ < 0) throw std::runtime_error(hdf5::write_failure(path_, errno));
  // Held while this process appends: a repairing run leaves a live log alone. Where the file
  // system has no locks the repair cannot take one either, and so leaves every log alone.
  ::flock(fd_, LOCK_EX | LOCK_NB);
  std::map<std::string, std::string> header = shared;
  header["sweep"] = sweep;
  try {
    write_frame(file_header() + frame(kHeaderFrame, encode_strings(header)));
    if (::fdatasync(fd_) != 0) throw std::runtime_error(hdf5::write_failure(path_, errno));
    unsynced_ = false;
    sync_folder(folder);
  } catch (...) {
    ::close(fd_);
    std::remove(path_.c_str());
    throw;
  }
  syncer_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, std::chrono::seconds(1));
      if (unsynced_ && error_.empty()) {
        unsynced_ = false;  // what is appended from here on waits for the next sync
        lock.unlock();      // appends go on while the disk syncs
        const int failed = ::fdatasync(fd_) != 0 ? errno : 0;
        lock.lock();
        if (failed) error_ = hdf5::write_failure(path_, failed);
      }
    }
  });
}

RecordLogWriter::~RecordLogWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  syncer_.join();
  if (unsynced_) ::fdatasync(fd_);  // a failure here has no one left to tell; the data is written
  ::close(fd_);
}

void RecordLogWriter::write_frame(const std::string& bytes) {
  try {
    write_all(fd_, bytes, path_);
  } catch (...) {
    // No partial frame stays behind: the log is cut back to its last whole frame. Should
    // that fail too, the writer takes no more records (the torn frame is the log's last).
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
      error_ = "cannot write " + path_ + ": a failed write could not be undone";
    throw;
  }
  size_ += bytes.size();
  unsynced_ = true;
}

void RecordLogWriter::append(const RunRecord& record) {
  // The shared provenance is in the header: the record holds only its own.
  const std::string bytes = frame(kRecordFrame, encode_run_record(record));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.empty()) throw std::runtime_error(error_);
  write_frame(bytes);
}

void RecordLogWriter::sync() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!error_.empty()) throw std::runtime_error(error_);
  if (!unsynced_) return;
  if (::fdatasync(fd_) != 0) throw std::runtime_error(error_ = hdf5::write_failure(path_, errno));
  unsynced_ = false;
}

// ---- reading ---------------------------------------------------------------------------

RunState RecordIndex::state(std::string_view run_id) const {
  auto it = runs.find(run_id);
  return it == runs.end() ? RunState::missing : it->second.ok ? RunState::done : RunState::failed;
}

void RecordIndex::read_again(const std::vector<const RecordLocation*>& at, std::vector<char>& bytes,
                             std::vector<std::size_t>& into) const {
  std::vector<std::size_t> order;  // the records of logs not held, by log and offset
  for (std::size_t i = 0; i < at.size(); ++i)
    if (!at[i]->hdf5 && !contents_[at[i]->log]) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return std::tie(at[a]->log, at[a]->offset) < std::tie(at[b]->log, at[b]->offset);
  });
  // Each record is read with its frame header, whose checksum it is verified against again.
  // Records close together in a log (a run's records mostly are, in plan order) are read in
  // one span, the frame headers between them included.
  constexpr std::size_t kGap = 1 << 16;
  std::vector<std::pair<std::size_t, std::size_t>> spans;  // first and end in `order`
  for (std::size_t k = 0; k < order.size(); ++k) {
    const RecordLocation& r = *at[order[k]];
    if (!spans.empty()) {
      const RecordLocation& last = *at[order[k - 1]];
      if (last.log == r.log && r.offset <= last.offset + last.size + kGap) {
        spans.back().second = k + 1;
        continue;
      }
    }
    spans.emplace_back(k, k + 1);
  }
  std::size_t total = 0;
  for (const auto& [first, end] : spans)
    total += at[order[end - 1]]->offset + at[order[end - 1]]->size - at[order[first]]->offset +
             kFrameHeader;
  bytes.resize(total);
  std::size_t filled = 0, open_log_index = std::numeric_limits<std::size_t>::max();
  int fd = -1;
  try {
    for (const auto& [first, end] : spans) {
      const std::size_t log = at[order[first]]->log;
      const std::string& path = logs[log];
      if (log != open_log_index) {
        if (fd >= 0) ::close(fd);
        struct stat info;
        fd = open_log(path, info);
        open_log_index = log;
        // The very file indexed, never shorter: a log is only appended to, so its records
        // are the bytes that were verified.
        if (fd < 0 || info.st_dev != files_[log].device || info.st_ino != files_[log].inode ||
            static_cast<std::uint64_t>(info.st_size) < files_[log].size)
          throw std::runtime_error(path +
                                   ": replaced or cut back since it was indexed (run the "
                                   "command again)");
      }
      const std::size_t offset = at[order[first]]->offset - kFrameHeader;
      const std::size_t size = at[order[end - 1]]->offset + at[order[end - 1]]->size - offset;
      std::size_t done = 0;
      while (done < size) {
        const ssize_t n = ::pread(fd, bytes.data() + filled + done, size - done,
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(path + ": cut back since it was indexed");
        done += static_cast<std::size_t>(n);
      }
      for (std::size_t k = first; k < end; ++k)
        into[order[k]] = filled + (at[order[k]]->offset - offset);
      filled += size;
    }
  } catch (...) {
    if (fd >= 0) ::close(fd);
    throw;
  }
  if (fd >= 0) ::close(fd);
}

namespace {

// Whether the record frame whose payload, of `size` bytes, is at `payload` (its header just
// before it) is whole and its checksum holds.
bool record_verifies(const char* payload, std::size_t size) {
  Frame f;
  std::string why;
  const char* start = payload - kFrameHeader;
  return frame_header(start, kFrameHeader + size, 0, f, why) == FrameCheck::good &&
         f.size == size && f.kind == kRecordFrame && frame_verifies(start, f, why);
}

}  // namespace

const char* RecordIndex::record_bytes(const RecordLocation& at, const std::vector<char>& bytes,
                                      std::size_t into) const {
  if (const LogBytes* held = contents_[at.log].get()) return held->data() + at.offset;
  const char* payload = bytes.data() + into;
  if (!record_verifies(payload, at.size))
    throw std::runtime_error(logs[at.log] + ": the record at byte " + std::to_string(at.offset) +
                             " changed since it was indexed (run the command again)");
  return payload;
}

std::vector<RunRecord> RecordIndex::read(const std::vector<std::string>& ids,
                                         std::size_t threads) const {
  std::vector<const RecordLocation*> at;
  for (const auto& id : ids) at.push_back(&runs.at(id));
  std::vector<char> bytes;
  std::vector<std::size_t> into(at.size());
  read_again(at, bytes, into);
  std::vector<RunRecord> records(ids.size());
  parallel_for(ids.size(), threads, [&](std::size_t i) {
    if (at[i]->hdf5) {
      records[i] = hdf5_records[at[i]->log];
      return;
    }
    const char* data = record_bytes(*at[i], bytes, into[i]);
    try {
      records[i] = decode_run_record(data, at[i]->size);
    } catch (const std::exception& e) {  // verified by index_records: not expected
      throw std::runtime_error(logs[at[i]->log] + ": " + e.what());
    }
    for (const auto& [key, value] : shared[at[i]->log]) records[i].provenance.emplace(key, value);
  });
  return records;
}

void RecordIndex::view(const std::vector<const RecordLocation*>& at, std::vector<RecordView>& views,
                       std::vector<char>& bytes, std::size_t threads) const {
  std::vector<std::size_t> into(at.size());
  read_again(at, bytes, into);
  if (views.size() < at.size()) views.resize(at.size());
  parallel_for(at.size(), threads, [&](std::size_t i) {
    if (at[i]->hdf5) return;
    const char* data = record_bytes(*at[i], bytes, into[i]);
    try {
      view_run_record(data, at[i]->size, views[i], /*verified=*/true);
    } catch (const std::exception& e) {  // verified by index_records: not expected
      throw std::runtime_error(logs[at[i]->log] + ": " + e.what());
    }
  });
}

namespace {

// The first key of a log's header that is not a declared provenance column, or "".
std::string undeclared_provenance(const std::map<std::string, std::string>& shared) {
  RunRecord r;
  r.provenance = shared;
  return undeclared_field(r);
}

// What indexing keeps of a healthy log besides its records: its header's provenance and the
// file's identity.
struct HealthyLog {
  std::map<std::string, std::string> shared;
  std::uint64_t device = 0, inode = 0, size = 0;
};

using RecordFound = std::function<void(std::string run_id, const RecordLocation& at)>;

// A log read a piece at a time, its frames found by their lengths and verified (and its
// records viewed) on all threads piece by piece, each record handed to `found` in file
// order: at most a piece, or one larger frame, is held. Nothing when the log is not a
// healthy log of `sweep` (a damaged or missing header, a frame that does not verify or
// decode, one cut short at the end, another sweep's): the caller then forgets the records
// found, reads that log whole and says what is wrong with it.
std::optional<HealthyLog> read_healthy_log(const std::string& path, std::size_t log,
                                           const std::string& sweep, std::size_t threads,
                                           const RecordFound& found) {
  constexpr std::size_t kPiece = std::size_t{32} << 20;
  struct stat info;
  const int fd = open_log(path, info);
  if (fd < 0) return std::nullopt;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  HealthyLog healthy;
  healthy.device = info.st_dev;
  healthy.inode = info.st_ino;
  const auto file_size = static_cast<std::size_t>(info.st_size);
  std::vector<char> piece(std::min(kPiece, std::max(file_size, kFileHeader)));
  std::size_t base = 0;  // the piece holds the file's bytes [base, base + filled)
  std::size_t filled = read_up_to(fd, piece.data(), piece.size());
  std::uint32_t version = 0, reserved = 0;
  if (filled < kFileHeader || std::memcmp(piece.data(), kFileMagic.data(), 8) != 0)
    return std::nullopt;
  std::memcpy(&version, piece.data() + 8, 4);
  std::memcpy(&reserved, piece.data() + 12, 4);
  if (version != kRunRecordVersion || reserved != 0) return std::nullopt;

  std::size_t at = kFileHeader;  // in the piece
  bool first = true;
  std::vector<Frame> frames;
  std::vector<std::pair<std::string, bool>> runs;  // each record's run id and whether ok
  for (;;) {
    frames.clear();
    Frame f;
    std::string why;
    FrameCheck check = FrameCheck::good;
    while (at < filled &&
           (check = frame_header(piece.data(), filled, at, f, why)) == FrameCheck::good) {
      frames.push_back(f);
      at = f.payload + f.size;
    }
    if (check == FrameCheck::bad) return std::nullopt;
    runs.assign(frames.size(), {});
    std::atomic<bool> good{true};
    parallel_for(frames.size(), threads, [&](std::size_t i) {
      std::string ignored;
      const Frame& frame = frames[i];
      if (!frame_verifies(piece.data(), frame, ignored)) good = false;
      if (!good || (first && i == 0)) return;  // the header is read below
      if (frame.kind != kRecordFrame) {
        good = false;
        return;
      }
      thread_local RecordView r;
      try {
        view_run_record(piece.data() + frame.payload, frame.size, r);
        if (r.sweep != sweep) good = false;
        runs[i] = {std::string(r.run_id), r.status == "ok"};
      } catch (const std::exception&) {
        good = false;
      }
    });
    if (!good) return std::nullopt;
    if (first) {
      if (frames.empty() || frames[0].kind != kHeaderFrame) return std::nullopt;
      try {
        healthy.shared = decode_strings(piece.data() + frames[0].payload, frames[0].size);
      } catch (const std::exception&) {
        return std::nullopt;
      }
      if (healthy.shared["sweep"] != sweep) return std::nullopt;
      healthy.shared.erase("sweep");
      if (!undeclared_provenance(healthy.shared).empty()) return std::nullopt;
    }
    for (std::size_t i = first ? 1 : 0; i < frames.size(); ++i)
      found(std::move(runs[i].first),
            RecordLocation{log, base + frames[i].payload, frames[i].size, runs[i].second});
    first = false;
    // The frame begun at `at` and not whole in the piece starts the next piece (grown if
    // the frame is larger than a piece, never beyond the file's size).
    const std::size_t rest = filled - at;
    if (rest == filled && filled == piece.size() && rest >= kFrameHeader) {
      std::uint64_t length = 0;
      std::memcpy(&length, piece.data() + at + 8, 8);
      if (length > file_size) return std::nullopt;
      piece.resize(kFrameHeader + static_cast<std::size_t>(length));
    }
    std::memmove(piece.data(), piece.data() + at, rest);
    base += at;
    at = 0;
    const std::size_t more = read_up_to(fd, piece.data() + rest, piece.size() - rest);
    filled = rest + more;
    if (more == 0) {
      if (rest != 0) return std::nullopt;  // a frame cut short at the end
      break;
    }
  }
  healthy.size = base + filled;
  return healthy;
}

}  // namespace

RecordIndex index_records(const std::string& folder, const std::string& sweep) {
  RecordIndex index;
  index.folder = folder;
  std::error_code error;
  const fs::file_status folder_status = fs::status(folder, error);
  if (error && error != std::errc::no_such_file_or_directory)
    throw std::runtime_error("cannot read " + folder + ": " + error.message());
  if (!fs::exists(folder_status)) return index;  // nothing recorded yet
  if (!fs::is_directory(folder_status))
    throw std::runtime_error(folder + ": not a folder (it should hold the sweep's records)");
  std::vector<std::string> names, hdf5_names;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    // A repair's temporary file, or a file system's own (NFS keeps an unlinked open file as
    // .nfsXXXX): not records.
    if (name[0] == '.' || name.find(".tmp.") != std::string::npos) continue;
    std::error_code e;
    if (!fs::is_regular_file(it->symlink_status(e))) {
      index.notes.push_back(path.string() +
                            ": not a regular file (a link, folder, FIFO, ...): "
                            "not read");
      continue;
    }
    if (path.extension() == kExtension)
      names.push_back(path.string());
    else if (path.extension() == ".h5")
      hdf5_names.push_back(path.string());
    else
      index.notes.push_back(path.string() + ": neither a record log nor a run record: not read");
  }
  if (error) throw std::runtime_error("cannot list " + folder + ": " + error.message());
  std::sort(names.begin(), names.end());
  std::sort(hdf5_names.begin(), hdf5_names.end());

  // Format-2 records first: a log's record of the same run is later. A damaged one whose run
  // is recorded again in a log is superseded: a note, not a bad record.
  std::vector<std::string> bad_hdf5;
  for (const std::string& path : hdf5_names) {
    try {
      RunRecord r = read_hdf5_run_record(path);
      if (r.text["sweep"] != sweep)
        throw std::runtime_error(path + ": the record of sweep '" + r.text["sweep"] +
                                 "', filed under '" + sweep + "'");
      const RecordLocation at{index.hdf5_records.size(), 0, 0, r.text.at("status") == "ok", true};
      index.runs.emplace(r.text.at("run_id"), at);
      index.hdf5_records.push_back(std::move(r));
    } catch (const std::exception& e) {
      bad_hdf5.push_back(e.what());
      index.bad_hdf5_records.push_back(path);
    }
  }

  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  // A run recorded again counts once: an ok record over a failed one, else the later one.
  // What a log read a piece at a time added, undone if it turns out not to be healthy: the
  // entries it made or met, and the earlier locations of those it met (rare: runs recorded
  // again), by their position among the first.
  std::vector<decltype(index.runs)::iterator> touched;
  std::vector<std::pair<std::size_t, RecordLocation>> earlier;
  auto add = [&](std::string run_id, const RecordLocation& at) {
    auto [it, inserted] = index.runs.emplace(std::move(run_id), at);
    if (!inserted) {
      ++index.superseded;
      earlier.emplace_back(touched.size(), it->second);
      if (at.ok || !it->second.ok) it->second = at;
    }
    touched.push_back(it);
  };
  for (const std::string& path : names) {
    touched.clear();
    earlier.clear();
    if (auto healthy = read_healthy_log(path, index.logs.size(), sweep, threads, add)) {
      index.logs.push_back(path);
      index.shared.push_back(std::move(healthy->shared));
      index.contents_.emplace_back();
      index.kept_.emplace_back();
      index.files_.push_back({healthy->device, healthy->inode, healthy->size});
      continue;
    }
    for (std::size_t k = touched.size(); k-- > 0;) {
      if (!earlier.empty() && earlier.back().first == k) {
        touched[k]->second = earlier.back().second;
        earlier.pop_back();
        --index.superseded;
      } else {
        index.runs.erase(touched[k]);
      }
    }
    std::unique_ptr<const LogBytes> bytes;
    try {
      bytes = std::make_unique<const LogBytes>(path);
    } catch (const std::exception& e) {
      index.bad.push_back(e.what());
      continue;
    }
    const LogBytes& m = *bytes;
    // A log is created, then its header written and synced: shorter than its file header, it
    // is being started (or its writer died right then, having recorded nothing).
    if (m.size() < kFileHeader) continue;
    if (std::memcmp(m.data(), kFileMagic.data(), 8) != 0) {
      index.notes.push_back(path + ": not a record log (no QLRECLOG at its start): not read");
      continue;
    }
    std::uint32_t version = 0, reserved = 0;
    std::memcpy(&version, m.data() + 8, 4);
    std::memcpy(&reserved, m.data() + 12, 4);
    if (version != kRunRecordVersion) {
      index.bad.push_back(path + ": a record log of format " + std::to_string(version) +
                          "; this quantlab reads format " + std::to_string(kRunRecordVersion) +
                          " (run it with the quantlab that wrote it, or remove the log)");
      continue;
    }
    const std::size_t log = index.logs.size();
    bool cut = false;
    std::vector<std::string> problems;
    // Its records verify on their own: a damaged reserved word is damage a repair mends.
    if (reserved != 0)
      problems.push_back(path + ": bytes 12 to 16: its file header's reserved word is not zero");
    const std::vector<Frame> frames = frames_of(m, path, problems, cut, threads);
    index.unfinished += cut;
    std::map<std::string, std::string> shared;
    bool header =
        !frames.empty() && frames[0].kind == kHeaderFrame && frames[0].offset == kFileHeader;
    bool foreign = false;
    if (header) {
      try {
        shared = decode_strings(m.data() + frames[0].payload, frames[0].size);
        const std::string of = shared["sweep"];
        shared.erase("sweep");
        if (of != sweep) {
          // Another sweep's log, whole: not damage, and not this sweep's to repair.
          index.notes.push_back(path + ": the log of sweep '" + of + "', filed under sweep '" +
                                sweep + "': not read");
          header = false;
          foreign = true;
        } else if (const std::string field = undeclared_provenance(shared); !field.empty()) {
          throw std::runtime_error("it holds an undeclared " + field);
        }
      } catch (const std::exception& e) {
        problems.push_back(path + ": its header: " + e.what() +
                           " (none of its records is trusted)");
        header = false;
      }
    } else {
      // Without a header, whose log is it? Another sweep's if its records say so (noted and
      // left alone), else this sweep's, damaged.
      std::size_t ours = 0, theirs = 0;
      for (std::size_t i = 0; i < frames.size(); ++i) try {
          if (frames[i].kind != kRecordFrame) continue;
          const RecordPreamble p =
              decode_record_preamble(m.data() + frames[i].payload, frames[i].size);
          (p.sweep == sweep ? ours : theirs)++;
        } catch (const std::exception&) {
        }
      foreign = theirs > 0 && ours == 0;
      if (foreign)
        index.notes.push_back(path + ": a damaged log of another sweep: not read");
      else
        problems.push_back(path + ": its header is damaged (none of its records is trusted)");
    }
    // Every record decoded whole (in parallel) and checked against the schema: one that
    // verifies but does not decode is bad, never counted as done.
    std::vector<RecordPreamble> preambles(frames.size());
    std::vector<std::string> failures(frames.size());
    if (header)
      parallel_for(frames.size() - 1, threads, [&](std::size_t k) {
        const Frame& f = frames[k + 1];
        thread_local RecordView r;  // its storage reused from record to record
        try {
          if (f.kind != kRecordFrame) throw std::runtime_error("a second header");
          view_run_record(m.data() + f.payload, f.size, r);
          if (r.sweep != sweep)
            throw std::runtime_error("the record of sweep '" + std::string(r.sweep) +
                                     "', filed under '" + sweep + "'");
          preambles[k + 1] = {std::string(r.run_id), std::string(r.status), std::string(r.sweep)};
        } catch (const std::exception& e) {
          failures[k + 1] = e.what();
        }
      });
    std::vector<std::pair<std::size_t, std::size_t>> kept;  // whole frames: offset, bytes
    if (header) {
      kept.emplace_back(frames[0].offset, kFrameHeader + frames[0].size);
      for (std::size_t i = 1; i < frames.size(); ++i) {
        const Frame& f = frames[i];
        if (!failures[i].empty()) {
          problems.push_back(path + ": the record at byte " + std::to_string(f.offset) + ": " +
                             failures[i]);
          continue;
        }
        kept.emplace_back(f.offset, kFrameHeader + f.size);
        add(std::move(preambles[i].run_id),
            RecordLocation{log, f.payload, f.size, preambles[i].status == "ok"});
      }
    }
    if (foreign) problems.clear();  // another sweep's damage is not this sweep's to report
    if (!problems.empty()) index.damaged.push_back(log);
    index.bad.insert(index.bad.end(), problems.begin(), problems.end());
    index.logs.push_back(path);
    index.shared.push_back(std::move(shared));
    index.files_.push_back({m.device(), m.inode(), m.size()});
    index.contents_.push_back(std::move(bytes));
    index.kept_.push_back(std::move(kept));
  }
  std::sort(index.notes.begin(), index.notes.end());
  // An .h5 file that is not a readable format-2 record of this sweep (damaged, another
  // sweep's, not a record) holds no record: noted, its run (if planned) is missing and run
  // again.
  for (std::size_t i = 0; i < bad_hdf5.size(); ++i) {
    const std::string stem = fs::path(index.bad_hdf5_records[i]).stem().string();
    index.notes.push_back(bad_hdf5[i] +
                          (index.runs.count(stem) ? " (recorded again since)" : " (not read)"));
  }
  return index;
}

std::size_t repair_logs(const RecordIndex& index) {
  std::size_t repaired = 0;
  for (const std::size_t log : index.damaged) {
    const std::string& path = index.logs[log];
    // Read-write, because NFS grants an exclusive lock only on a file open for writing.
    const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat held, named;
    // Rewritten only when no live run appends to it (its lock is free) and it is still the
    // very file, of the very size, that was indexed (no frame appended since).
    const bool safe = ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 &&
                      ::stat(path.c_str(), &named) == 0 && held.st_nlink > 0 &&
                      held.st_ino == named.st_ino && held.st_dev == named.st_dev &&
                      static_cast<std::size_t>(held.st_size) == index.files_[log].size;
    if (!safe || !index.contents_[log]) {  // a damaged log was read whole
      ::close(fd);
      continue;
    }
    const auto& kept = index.kept_[log];
    if (!kept.empty()) {  // a header and the records that verify, into a new log
      const LogBytes& m = *index.contents_[log];
      const std::string start = file_header();  // mended, if its reserved word was damaged
      std::vector<char> bytes(start.begin(), start.end());
      for (const auto& [offset, size] : kept)
        bytes.insert(bytes.end(), m.data() + offset, m.data() + offset + size);
      // The log's own start time kept (the order of logs decides between records of a run),
      // a new random part. Renamed into place before the damaged log goes: a crash between
      // the two leaves each record twice, which counts once.
      const std::string name = fs::path(path).filename().string();
      const std::string fresh = new_log_name();
      const std::string renamed = name.substr(0, name.find('-')) + fresh.substr(fresh.find('-'));
      hdf5::write_bytes_atomically((fs::path(index.folder) / renamed).string(), bytes);
    }
    std::error_code error;
    fs::remove(path, error);
    ::close(fd);
    sync_folder(index.folder);
    repaired += !error;
  }
  return repaired;
}

}  // namespace quantlab
