#include "datasets/hdf5_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "datasets/sha256.hpp"
#include "datasets/temporary_files.hpp"

namespace quantlab::hdf5 {
namespace {

H5::StrType vlen_string() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

void replace_attribute(H5::H5Object& object, const std::string& name) {
  if (object.attrExists(name)) object.removeAttr(name);
}

}  // namespace

void set_attribute(H5::H5Object& object, const std::string& name, const std::string& value) {
  replace_attribute(object, name);
  auto type = vlen_string();
  H5::Attribute a = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void set_attribute(H5::H5Object& object, const std::string& name, double value) {
  replace_attribute(object, name);
  H5::Attribute a =
      object.createAttribute(name, H5::PredType::IEEE_F64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_DOUBLE, &value);
}

void set_attribute(H5::H5Object& object, const std::string& name, std::int64_t value) {
  replace_attribute(object, name);
  H5::Attribute a =
      object.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

bool has_attribute(const H5::H5Object& object, const std::string& name) {
  return object.attrExists(name);
}

std::string string_attribute(const H5::H5Object& object, const std::string& name) {
  if (!object.attrExists(name)) throw std::runtime_error("missing attribute '" + name + "'");
  H5::Attribute a = object.openAttribute(name);
  std::string value;
  a.read(a.getStrType(), value);
  return value;
}

double number_attribute(const H5::H5Object& object, const std::string& name) {
  if (!object.attrExists(name)) throw std::runtime_error("missing attribute '" + name + "'");
  double value = 0;
  object.openAttribute(name).read(H5::PredType::NATIVE_DOUBLE, &value);
  return value;
}

std::map<std::string, std::string> string_attributes(const H5::H5Object& object) {
  std::map<std::string, std::string> out;
  const int count = object.getNumAttrs();
  for (int i = 0; i < count; ++i) {
    H5::Attribute a = object.openAttribute(static_cast<unsigned>(i));
    if (a.getTypeClass() != H5T_STRING) continue;
    std::string value;
    a.read(a.getStrType(), value);
    out[a.getName()] = value;
  }
  return out;
}

namespace {

std::string number_text(double v) {  // 4, 4.5, 1e+300: as given, not cut to an integer
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

void set_format(H5::H5Object& root, const FileFormat& format) {
  set_attribute(root, "format", std::string(format.name));
  set_attribute(root, "format_version", format.version);
}

void check_format(const H5::H5Object& root, const FileFormat& format) {
  if (!has_attribute(root, "format") || string_attribute(root, "format") != format.name)
    throw std::runtime_error(std::string("not a quantlab ") + format.kind);
  const double version = number_attribute(root, "format_version");
  if (version != static_cast<double>(format.version))
    throw std::runtime_error(std::string(format.kind) + " format version " + number_text(version) +
                             ", this quantlab reads version " + std::to_string(format.version) +
                             " (" + format.remedy + ")");
}

void write_vector(H5::Group& group, const std::string& name, const std::vector<double>& v) {
  hsize_t n = v.size();
  H5::DataSet d = group.createDataSet(name, H5::PredType::IEEE_F64LE, H5::DataSpace(1, &n));
  if (n) d.write(v.data(), H5::PredType::NATIVE_DOUBLE);
}

void write_vector(H5::Group& group, const std::string& name, const std::vector<std::int64_t>& v) {
  hsize_t n = v.size();
  H5::DataSet d = group.createDataSet(name, H5::PredType::STD_I64LE, H5::DataSpace(1, &n));
  if (n) d.write(v.data(), H5::PredType::NATIVE_INT64);
}

void write_vector(H5::Group& group, const std::string& name, const std::vector<std::uint32_t>& v) {
  hsize_t n = v.size();
  H5::DataSet d = group.createDataSet(name, H5::PredType::STD_U32LE, H5::DataSpace(1, &n));
  if (n) d.write(v.data(), H5::PredType::NATIVE_UINT32);
}

void write_vector(H5::Group& group, const std::string& name, const std::vector<std::string>& v) {
  hsize_t n = v.size();
  auto type = vlen_string();
  H5::DataSet d = group.createDataSet(name, type, H5::DataSpace(1, &n));
  std::vector<const char*> pointers;
  for (const auto& s : v) pointers.push_back(s.c_str());
  if (n) d.write(pointers.data(), type);
}

std::vector<double> read_doubles(const H5::Group& group, const std::string& name) {
  H5::DataSet d = group.openDataSet(name);
  const hssize_t n = d.getSpace().getSimpleExtentNpoints();
  std::vector<double> v(static_cast<std::size_t>(n));
  if (n) d.read(v.data(), H5::PredType::NATIVE_DOUBLE);
  return v;
}

std::vector<std::uint32_t> read_uint32s(const H5::Group& group, const std::string& name) {
  H5::DataSet d = group.openDataSet(name);
  const hssize_t n = d.getSpace().getSimpleExtentNpoints();
  std::vector<std::uint32_t> v(static_cast<std::size_t>(n));
  if (n) d.read(v.data(), H5::PredType::NATIVE_UINT32);
  return v;
}

void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes) {
  hsize_t n = bytes.size();
  H5::DataSet d = group.createDataSet(name, H5::PredType::STD_U8LE, H5::DataSpace(1, &n));
  if (n) d.write(bytes.data(), H5::PredType::NATIVE_UINT8);
}

std::string read_bytes(const H5::Group& group, const std::string& name) {
  H5::DataSet d = group.openDataSet(name);
  const hssize_t n = d.getSpace().getSimpleExtentNpoints();
  std::string bytes(static_cast<std::size_t>(n), '\0');
  if (n) d.read(bytes.data(), H5::PredType::NATIVE_UINT8);
  return bytes;
}

std::size_t bounded_length(const H5::Group& group, const std::string& name, std::size_t bytes_each,
                           std::size_t file_bytes) {
  const hssize_t n = group.openDataSet(name).getSpace().getSimpleExtentNpoints();
  if (n < 0 || static_cast<std::size_t>(n) > file_bytes / bytes_each)
    throw std::runtime_error("'" + name + "' declares " + std::to_string(n) +
                             " values, more than its file of " + std::to_string(file_bytes) +
                             " bytes holds");
  return static_cast<std::size_t>(n);
}

std::vector<std::string> read_strings(const H5::Group& group, const std::string& name) {
  H5::DataSet d = group.openDataSet(name);
  const hssize_t n = d.getSpace().getSimpleExtentNpoints();
  std::vector<char*> pointers(static_cast<std::size_t>(n), nullptr);
  auto type = vlen_string();
  if (n) d.read(pointers.data(), type);
  std::vector<std::string> v;
  for (char* p : pointers) v.emplace_back(p ? p : "");
  if (n) {
    H5::DataSpace space = d.getSpace();
    H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, pointers.data());
  }
  return v;
}

std::string describe(const H5::Exception& e) {
  const std::string detail = e.getDetailMsg();  // "H5Fopen failed", "H5Dread failed", ...
  const auto starts = [&](const char* prefix) { return detail.rfind(prefix, 0) == 0; };
  if (!starts("H5")) return detail;  // a message of quantlab's own
  if (starts("H5Fopen")) return "not an HDF5 file, or a truncated or damaged one";
  if (starts("H5Fcreate")) return "cannot create it (it exists, or its folder is not writable)";
  const bool writing =
      detail.find("create") != std::string::npos || detail.find("write") != std::string::npos ||
      detail.find("flush") != std::string::npos || detail.find("close") != std::string::npos;
  return writing ? "cannot write it (is the disk full?)"
                 : "part of it cannot be read (the file is damaged)";
}

H5::Group ensure_group(H5::Group root, const std::string& path) {
  const std::size_t slash = path.find('/');
  const std::string part = path.substr(0, slash);
  const std::string rest = slash == std::string::npos ? "" : path.substr(slash + 1);
  if (part.empty()) return rest.empty() ? root : ensure_group(root, rest);
  H5::Group child = root.nameExists(part) ? root.openGroup(part) : root.createGroup(part);
  return rest.empty() ? child : ensure_group(child, rest);
}

namespace {

constexpr std::size_t kUserBlock = 512;
const std::string kSealTag = "quantlab-sealed sha256 ";

std::string digest_after_user_block(const char* image, std::size_t size) {
  Sha256 h;
  h.update(image + kUserBlock, size - kUserBlock);
  return h.hex();
}

// The core driver's buffer, kept when the file closes instead of freed: the whole file,
// user block included, with no copy of it made (a merged table of 10^6 runs is ~800 MB).
// HDF5 allocates and grows the buffer through these callbacks and hands it to image_free on
// closing the file. The state is shared with HDF5's copies of the access list and counted:
// a file whose close failed (out of memory) is closed again by HDF5 at exit, after the
// writer has returned.
class CoreImage {
 public:
  CoreImage() : state_(new State) {}
  CoreImage(const CoreImage&) = delete;
  CoreImage& operator=(const CoreImage&) = delete;
  ~CoreImage() { drop(state_); }

  H5FD_file_image_callbacks_t callbacks() {
    return {allocate, copy, grow, release, share, drop, state_};
  }
  /// The buffer of the last file closed (null before), which stays this object's.
  char* bytes() const { return static_cast<char*>(state_->buffer); }

 private:
  struct State {
    std::size_t references = 1;
    void* buffer = nullptr;
  };
  static void* allocate(std::size_t size, H5FD_file_image_op_t, void*) { return std::malloc(size); }
  static void* copy(void* to, const void* from, std::size_t size, H5FD_file_image_op_t, void*) {
    return std::memcpy(to, from, size);
  }
  static void* grow(void* buffer, std::size_t size, H5FD_file_image_op_t, void*) {
    return std::realloc(buffer, size);
  }
  static herr_t release(void* buffer, H5FD_file_image_op_t op, void* state) {
    if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE) std::swap(static_cast<State*>(state)->buffer, buffer);
    std::free(buffer);  // the last file closed is the one built
    return 0;
  }
  static void* share(void* state) {
    ++static_cast<State*>(state)->references;
    return state;
  }
  static herr_t drop(void* state) {
    State* s = static_cast<State*>(state);
    if (--s->references == 0) {
      std::free(s->buffer);
      delete s;
    }
    return 0;
  }
  State* state_;
};

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(H5::H5File&)>& fill,
                           bool sealed) {
  // The file is built in memory (HDF5's core driver), then written with plain POSIX calls:
  // a full disk or a size limit is then an ordinary write error, reported once, and HDF5 is
  // never left holding a half-written file.
  CoreImage image;
  const std::size_t block = sealed ? kUserBlock : 0;
  std::size_t size = 0;
  try {
    H5::FileAccPropList access;
    access.setCore(1 << 22, false);  // grown 4 MiB at a time
    H5FD_file_image_callbacks_t callbacks = image.callbacks();
    if (H5Pset_file_image_callbacks(access.getId(), &callbacks) < 0)
      throw std::runtime_error("cannot build " + path + " in memory");
    H5::FileCreatPropList create;
    if (sealed) create.setUserblock(kUserBlock);
    // HDF5 first opens a file without creating it, to compare it with the files it has open;
    // the core driver would read an existing file at `path` whole (a merged table of 10^6
    // runs, 800 MB) only to drop it. Under a name that cannot exist (a path inside `path`)
    // that open fails at once; the core driver never touches the disk otherwise.
    H5::H5File file(path + "/.in-memory", H5F_ACC_TRUNC, create, access);
    fill(file);
    file.flush(H5F_SCOPE_GLOBAL);
    // The size from the superblock on; the buffer holds the user block in front of it.
    const ssize_t after_block = H5Fget_file_image(file.getId(), nullptr, 0);
    if (after_block < 0) throw std::runtime_error("cannot build " + path + " in memory");
    size = block + static_cast<std::size_t>(after_block);
    file.close();
  } catch (const H5::Exception& e) {
    // Nothing is on disk yet: HDF5 failing here has run out of memory (or a message of
    // quantlab's own says what).
    const std::string detail = e.getDetailMsg();
    throw std::runtime_error(
        "cannot write " + path + ": " +
        (detail.rfind("H5", 0) == 0 ? "cannot build it in memory (is memory short?)" : detail));
  }
  char* bytes = image.bytes();
  if (!bytes) throw std::runtime_error("cannot build " + path + " in memory");
  if (sealed) {
    std::fill(bytes, bytes + kUserBlock, 0);
    const std::string seal = kSealTag + digest_after_user_block(bytes, size) + "\n";
    std::copy(seal.begin(), seal.end(), bytes);
  }
  write_bytes_atomically(path, bytes, size);
}

std::string write_failure(const std::string& path, int error) {
  return "cannot write " + path + ": " + std::strerror(error) +
         (error == ENOSPC   ? " (is the disk full?)"
          : error == EFBIG  ? " (the file size limit, ulimit -f)"
          : error == EDQUOT ? " (the disk quota)"
                            : "");
}

void write_bytes_atomically(const std::string& path, const std::vector<char>& bytes) {
  write_bytes_atomically(path, bytes.data(), bytes.size());
}

void write_bytes_atomically(const std::string& path, const char* bytes, std::size_t size) {
  // A fresh name (a random part after the pid) created exclusively, never through a link: no
  // other writer's temporary file, and no file a link points to, is ever written over.
  std::string temporary;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temporary = temporary_path(path);
    fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  hold_temporary(fd);
  std::size_t written = 0;
  int error = 0;
  while (written < size && !error) {
    const ssize_t n = ::write(fd, bytes + written, size - written);
    if (n < 0 && errno != EINTR) error = errno;
    if (n > 0) written += static_cast<std::size_t>(n);
  }
  if (!error && ::fsync(fd) != 0) error = errno;
  if (!error && std::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  if (::close(fd) != 0 && !error) error = errno;  // the lock is held until the rename
  if (error) {
    std::remove(temporary.c_str());
    throw std::runtime_error(write_failure(path, error));
  }
}

std::vector<char> read_sealed_file(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat info;
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    throw std::runtime_error(path + ": not a regular file");
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  if (size > max_bytes) {
    ::close(fd);
    throw std::runtime_error(path + ": " + std::to_string(size) + " bytes, more than the " +
                             std::to_string(max_bytes) + " such a file can have");
  }
  std::vector<char> image(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, image.data() + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (done != size) throw std::runtime_error(path + ": cannot read it whole");
  if (size < kUserBlock + 8 || std::string(image.data(), kSealTag.size()) != kSealTag)
    throw std::runtime_error(path +
                             ": no checksum (not a sealed quantlab file, or its first "
                             "block is damaged)");
  // The rest of the block is zeros: any change to the file is then a change the check sees.
  const std::size_t seal_end = kSealTag.size() + 64 + 1;
  if (image[seal_end - 1] != '\n' ||
      std::any_of(image.begin() + seal_end, image.begin() + kUserBlock, [](char c) { return c; }))
    throw std::runtime_error(path + ": checksum block damaged (the file is corrupt)");
  const std::string stored(image.data() + kSealTag.size(), 64);
  if (stored != digest_after_user_block(image.data(), image.size()))
    throw std::runtime_error(path + ": checksum mismatch (the file is corrupt)");
  return image;
}

H5::H5File open_file_image(std::vector<char>& image) {
  // A sealed file's image: HDF5's part starts after the user block.
  const std::size_t skip =
      image.size() > kUserBlock && std::string(image.data(), kSealTag.size()) == kSealTag
          ? kUserBlock
          : 0;
  const hid_t access = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_core(access, 1 << 16, 0);
  H5Pset_file_image(access, image.data() + skip, image.size() - skip);
  const hid_t id = H5Fopen("image", H5F_ACC_RDONLY, access);
  H5Pclose(access);
  if (id < 0) throw std::runtime_error("not an HDF5 file");
  H5::H5File file;
  file.setId(id);
  H5Idec_ref(id);  // setId took its own reference
  return file;
}

}  // namespace quantlab::hdf5
