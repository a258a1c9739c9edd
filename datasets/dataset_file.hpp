#pragma once
// Reading and writing quantlab's HDF5 dataset files (layout in datasets/README.md).
#include <map>
#include <string>
#include <vector>

#include "datasets/tensor.hpp"

namespace quantlab {

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
