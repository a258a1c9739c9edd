#pragma once
// Small helpers over the HDF5 C++ API shared by dataset files and result files: string and
// number attributes, 1-D vectors, nested groups, and atomic file creation.
#include <H5Cpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace quantlab::hdf5 {

void set_attribute(H5::H5Object& object, const std::string& name, const std::string& value);
void set_attribute(H5::H5Object& object, const std::string& name, double value);
void set_attribute(H5::H5Object& object, const std::string& name, std::int64_t value);

bool has_attribute(const H5::H5Object& object, const std::string& name);
std::string string_attribute(const H5::H5Object& object, const std::string& name);
double number_attribute(const H5::H5Object& object, const std::string& name);
/// Every attribute whose type is a string.
std::map<std::string, std::string> string_attributes(const H5::H5Object& object);

/// A kind of quantlab file: the root's "format" and "format_version" attributes, and for
/// messages what it is and how to make it anew.
struct FileFormat {
  const char* name;  ///< "quantlab-results"
  std::int64_t version;
  const char* kind;    ///< "results file"
  const char* remedy;  ///< "merge the sweep again"
};
void set_format(H5::H5Object& root, const FileFormat& format);
/// Throws std::runtime_error: "not a quantlab results file", or "results file format version
/// 1, this quantlab reads version 2 (merge the sweep again)".
void check_format(const H5::H5Object& root, const FileFormat& format);

void write_vector(H5::Group& group, const std::string& name, const std::vector<double>& v);
void write_vector(H5::Group& group, const std::string& name, const std::vector<std::int64_t>& v);
void write_vector(H5::Group& group, const std::string& name, const std::vector<std::uint32_t>& v);
void write_vector(H5::Group& group, const std::string& name, const std::vector<std::string>& v);
std::vector<double> read_doubles(const H5::Group& group, const std::string& name);
std::vector<std::uint32_t> read_uint32s(const H5::Group& group, const std::string& name);
/// Bytes as a uint8 dataset, and back.
void write_bytes(H5::Group& group, const std::string& name, const std::string& bytes);
std::string read_bytes(const H5::Group& group, const std::string& name);
/// A 1-D dataset's length, refused (std::runtime_error naming it) when its values, of
/// `bytes_each` bytes, could not fit in `file_bytes`: no reader allocates what a damaged
/// header claims.
std::size_t bounded_length(const H5::Group& group, const std::string& name, std::size_t bytes_each,
                           std::size_t file_bytes);
std::vector<std::string> read_strings(const H5::Group& group, const std::string& name);

/// What an HDF5 failure means to the user, in place of the library's "H5Fopen failed": "not an
/// HDF5 file, or a truncated or damaged one", "cannot write it (is the disk full?)", ...
std::string describe(const H5::Exception& e);

/// The group at a '/'-separated path below `root`, created with its parents if missing.
H5::Group ensure_group(H5::Group root, const std::string& path);

/// "cannot write PATH: <strerror>", with what to check for a full disk, a file size limit or a
/// quota.
std::string write_failure(const std::string& path, int error);

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it into place;
/// throws std::runtime_error (one line) and leaves nothing behind when it cannot.
void write_bytes_atomically(const std::string& path, const std::vector<char>& bytes);
void write_bytes_atomically(const std::string& path, const char* bytes, std::size_t size);

/// Creates `path`: `fill` writes the file in memory, which is then written to a temporary
/// file in the same folder, synced, and renamed into place. Readers never see a partial file,
/// and a failure (an exception from `fill`, a full disk) leaves nothing behind.
/// `sealed`: the file starts with a 512-byte user block (HDF5 skips it; h5py reads the file
/// as usual) holding the SHA-256 of every byte after it, so read_sealed_file can tell a
/// corrupt file before HDF5 parses a byte of it.
void write_file_atomically(const std::string& path, const std::function<void(H5::H5File&)>& fill,
                           bool sealed = false);

/// A sealed file's bytes, checked: throws std::runtime_error with the reason (not sealed,
/// checksum mismatch, larger than `max_bytes`, unreadable) in one line naming the file.
std::vector<char> read_sealed_file(const std::string& path, std::size_t max_bytes);

/// Opens an HDF5 file image held in memory (a sealed one from read_sealed_file, or any),
/// read-only.
H5::H5File open_file_image(std::vector<char>& image);

}  // namespace quantlab::hdf5
