#include "datasets/temporary_files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>

namespace quantlab {
namespace {

// 64 random bits as hex, for temporary file names only (never for data: data draw from the
// run's seed).
std::string random_hex() {
  static std::mutex mutex;
  static std::random_device device;
  std::lock_guard<std::mutex> lock(mutex);
  const std::uint64_t bits = (std::uint64_t{device()} << 32) ^ device();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return host;
}

// Containers on one host can share its name but not a pid namespace: a pid means something
// only next to the namespace it lives in. 0 where /proc does not say.
unsigned long long pid_namespace() {
  struct stat info;
  return ::stat("/proc/self/ns/pid", &info) == 0 ? static_cast<unsigned long long>(info.st_ino) : 0;
}

// ".tmp.<host>.<pid namespace>." of this process.
std::string our_prefix() {
  return ".tmp." + host_name() + "." + std::to_string(pid_namespace()) + ".";
}

// A killed process whose parent has not reaped it is a zombie: it exists but writes nothing.
bool process_alive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: assume it runs
  const auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

struct flock whole_file_lock() {
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  return lock;  // l_start = l_len = 0: the whole file; l_pid must be 0 for OFD locks
}

enum class Held { yes, no, unknown };

Held held_by_a_writer(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Held::unknown;  // another user's file, or gone already
  struct stat info;
  Held held = Held::unknown;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    // Asked, not taken: taking the lock even for a moment could make a writer that locks
    // its new file at that instant go without.
    struct flock lock = whole_file_lock();
    if (::fcntl(fd, F_OFD_GETLK, &lock) == 0) held = lock.l_type == F_UNLCK ? Held::no : Held::yes;
  }
  ::close(fd);
  return held;
}

bool older_than_a_minute(const std::filesystem::path& path) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) return false;
  return std::time(nullptr) - info.st_mtime > 60;
}

}  // namespace

std::string temporary_path(const std::string& path) {
  return path + our_prefix() + std::to_string(::getpid()) + "." + random_hex();
}

bool hold_temporary(int fd) {
  struct flock lock = whole_file_lock();
  return ::fcntl(fd, F_OFD_SETLK, &lock) == 0;
}

void remove_dead_temporaries(const std::string& folder) {
  // <name>.tmp.<host>[.<pid namespace>].<pid>.<hex>: the optional part is absent in the names
  // of earlier versions. The pattern is strict, so a user's "model.tmp.h5" is never touched.
  static const std::regex pattern(R"(.+\.tmp\.(.+)\.([0-9]+\.)?([0-9]+)\.[0-9a-f]{1,16})");
  const std::string ours = our_prefix();
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    std::smatch parts;
    if (name.find(".tmp.") == std::string::npos || !std::regex_match(name, parts, pattern))
      continue;
    const Held held = held_by_a_writer(entry.path().string());
    if (held == Held::yes) continue;
    const auto at = name.rfind(ours);
    const bool here = pid_namespace() != 0 && at != std::string::npos;
    const pid_t pid =
        here ? static_cast<pid_t>(std::strtol(name.c_str() + at + ours.size(), nullptr, 10)) : 0;
    const bool writer_gone = here && pid > 0 && !process_alive(pid);
    // The age rule is for writers this process cannot see (other containers or hosts).
    if (writer_gone || (!here && held == Held::no && older_than_a_minute(entry.path())))
      std::filesystem::remove(entry.path(), error);
  }
}

}  // namespace quantlab
