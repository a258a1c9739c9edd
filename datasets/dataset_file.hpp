#pragma once
// Reading and writing quantlab's HDF5 dataset files (layout in datasets/README.md).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datasets/tensor.hpp"

namespace quantlab {

/// Writes a dataset file tensor by tensor into a temporary file that `commit` renames into
/// place: a failed or abandoned import leaves no partial dataset file.
class DatasetWriter {
 public:
  explicit DatasetWriter(const std::string& path,
                         const std::map<std::string, std::string>& file_attributes = {});
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  void add(const Tensor& tensor);
  /// A float32 tensor straight from its values (no copy as doubles: large imports).
  void add_float32(const std::string& name, const std::vector<std::size_t>& shape,
                   const std::vector<float>& values,
                   const std::map<std::string, std::string>& attributes);
  /// A text attribute of the file (e.g. the list of skipped tensors).
  void set_attribute(const std::string& key, const std::string& value);
  void commit();

 private:
  struct File;
  std::string path_, temporary_;
  std::unique_ptr<File> file_;
  int lock_fd_ = -1;
};

/// Writes all tensors atomically (a temporary file renamed into place), with their
/// attributes and checksums; `file_attributes` go on the root group.
void write_dataset_file(const std::string& path, const std::vector<Tensor>& tensors,
                        const std::map<std::string, std::string>& file_attributes = {});

/// Names of every tensor in the file, sorted. Throws std::runtime_error with a one-line
/// message when the file is missing or not a quantlab dataset file.
std::vector<std::string> list_tensors(const std::string& path);

/// One tensor with its attributes; its checksum is verified against the stored one.
Tensor read_tensor(const std::string& path, const std::string& name);

}  // namespace quantlab
