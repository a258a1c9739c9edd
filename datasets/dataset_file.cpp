#include "datasets/dataset_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"
#include "datasets/temporary_files.hpp"

namespace quantlab {
namespace {

const char* kFormat = "quantlab-dataset";
const std::int64_t kFormatVersion = 1;

void collect(const H5::Group& group, const std::string& prefix, std::vector<std::string>& out) {
  const hsize_t count = group.getNumObjs();
  for (hsize_t i = 0; i < count; ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const std::string path = prefix.empty() ? name : prefix + "/" + name;
    const H5G_obj_t type = group.getObjTypeByIdx(i);
    if (type == H5G_GROUP)
      collect(group.openGroup(name), path, out);
    else if (type == H5G_DATASET)
      out.push_back(path);
  }
}

H5::H5File open_dataset_file(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw std::runtime_error("dataset file " + path + " does not exist");
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    if (!hdf5::has_attribute(file, "format") || hdf5::string_attribute(file, "format") != kFormat)
      throw std::runtime_error(path + " is not a quantlab dataset file (no format = " + kFormat +
                               " attribute)");
    return file;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read dataset file " + path + ": " + hdf5::describe(e));
  }
}

}  // namespace

struct DatasetWriter::File {
  H5::H5File h5;
};

DatasetWriter::DatasetWriter(const std::string& path,
                             const std::map<std::string, std::string>& file_attributes)
    : path_(path), temporary_(temporary_path(path)) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  remove_dead_temporaries(folder.empty() ? "." : folder.string());
  try {
    // Exclusive: never over another file, and never through a link.
    file_ = std::make_unique<File>(File{H5::H5File(temporary_, H5F_ACC_EXCL)});
    // A descriptor of our own holds the file's lock while HDF5 writes through its own.
    lock_fd_ = ::open(temporary_.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (lock_fd_ >= 0) hold_temporary(lock_fd_);
    hdf5::set_attribute(file_->h5, "format", std::string(kFormat));
    hdf5::set_attribute(file_->h5, "format_version", kFormatVersion);
    for (const auto& [key, value] : file_attributes) hdf5::set_attribute(file_->h5, key, value);
  } catch (const H5::Exception& e) {
    const bool created = file_ != nullptr;  // else the name was taken: not ours to remove
    file_.reset();
    if (created) std::remove(temporary_.c_str());
    throw std::runtime_error("cannot write " + path + ": " + hdf5::describe(e));
  }
}

DatasetWriter::~DatasetWriter() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
  if (!file_) return;
  try {
    file_->h5.close();
  } catch (const H5::Exception&) {
  }
  std::remove(temporary_.c_str());
}

namespace {

H5::DataSet create_tensor(H5::H5File& file, const std::string& name,
                          const std::vector<std::size_t>& shape, bool single) {
  const auto slash = name.rfind('/');
  H5::Group parent = hdf5::ensure_group(file.openGroup("/"),
                                        slash == std::string::npos ? "" : name.substr(0, slash));
  const std::string leaf = slash == std::string::npos ? name : name.substr(slash + 1);
  if (parent.nameExists(leaf)) throw std::runtime_error("tensor '" + name + "' is written twice");
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                     : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
  return parent.createDataSet(leaf, single ? H5::PredType::IEEE_F32LE : H5::PredType::IEEE_F64LE,
                              space);
}

void set_tensor_attributes(H5::DataSet& d, const std::map<std::string, std::string>& attributes,
                           const std::string& checksum) {
  for (const auto& [key, value] : attributes)
    if (key != "checksum") hdf5::set_attribute(d, key, value);
  hdf5::set_attribute(d, "checksum", checksum);
}

}  // namespace

void DatasetWriter::add(const Tensor& t) {
  if (t.dtype == DType::float32) {
    add_float32(t.name, t.shape, std::vector<float>(t.values.begin(), t.values.end()),
                t.attributes);
    return;
  }
  try {
    H5::DataSet d = create_tensor(file_->h5, t.name, t.shape, false);
    if (t.size()) d.write(t.values.memptr(), H5::PredType::NATIVE_DOUBLE);
    set_tensor_attributes(d, t.attributes, t.checksum());
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot write tensor '" + t.name + "' to " + path_ + ": " +
                             hdf5::describe(e));
  }
}

void DatasetWriter::add_float32(const std::string& name, const std::vector<std::size_t>& shape,
                                const std::vector<float>& values,
                                const std::map<std::string, std::string>& attributes) {
  // HDF5 reads prod(shape) values from the buffer: an importer that got a count wrong must
  // fail here, not read past the end of `values`.
  if (checked_product(shape, "tensor '" + name + "'") != values.size())
    throw std::runtime_error("tensor '" + name + "' has " + std::to_string(values.size()) +
                             " values, not the " + std::to_string(checked_product(shape, name)) +
                             " of its shape");
  try {
    H5::DataSet d = create_tensor(file_->h5, name, shape, true);
    if (!values.empty()) d.write(values.data(), H5::PredType::NATIVE_FLOAT);
    set_tensor_attributes(d, attributes, checksum_float32(values.data(), values.size()));
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot write tensor '" + name + "' to " + path_ + ": " +
                             hdf5::describe(e));
  }
}

void DatasetWriter::set_attribute(const std::string& key, const std::string& value) {
  hdf5::set_attribute(file_->h5, key, value);
}

void DatasetWriter::commit() {
  try {
    file_->h5.close();
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot write " + path_ + ": " + hdf5::describe(e));
  }
  file_.reset();
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    std::remove(temporary_.c_str());
    throw std::runtime_error("cannot rename " + temporary_ + " to " + path_);
  }
}

void write_dataset_file(const std::string& path, const std::vector<Tensor>& tensors,
                        const std::map<std::string, std::string>& file_attributes) {
  DatasetWriter writer(path, file_attributes);
  for (const Tensor& t : tensors) writer.add(t);
  writer.commit();
}

std::vector<std::string> list_tensors(const std::string& path) {
  H5::H5File file = open_dataset_file(path);
  std::vector<std::string> names;
  try {
    collect(file.openGroup("/"), "", names);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot list " + path + ": " + hdf5::describe(e));
  }
  std::sort(names.begin(), names.end());
  return names;
}

Tensor read_tensor(const std::string& path, const std::string& name) {
  H5::H5File file = open_dataset_file(path);
  // Each link of the path in turn: HDF5 rejects a lookup through a missing group.
  for (std::size_t slash = name.find('/');; slash = name.find('/', slash + 1)) {
    const std::string prefix = name.substr(0, slash);
    bool exists = false;
    try {
      exists = file.nameExists(prefix);
    } catch (const H5::Exception&) {
    }
    if (!exists) throw std::runtime_error("dataset file " + path + " has no tensor '" + name + "'");
    if (slash == std::string::npos) break;
  }
  Tensor t;
  t.name = name;
  try {
    H5::DataSet d = file.openDataSet(name);
    if (d.getTypeClass() != H5T_FLOAT)
      throw std::runtime_error("tensor '" + name + "' in " + path + " is not floating point");
    t.dtype = d.getFloatType().getSize() == 4 ? DType::float32 : DType::float64;
    H5::DataSpace space = d.getSpace();
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!dims.empty()) space.getSimpleExtentDims(dims.data());
    t.shape.assign(dims.begin(), dims.end());
    t.values.set_size(static_cast<arma::uword>(space.getSimpleExtentNpoints()));
    if (t.size()) d.read(t.values.memptr(), H5::PredType::NATIVE_DOUBLE);
    t.attributes = hdf5::string_attributes(d);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read tensor '" + name + "' from " + path + ": " +
                             hdf5::describe(e));
  }
  auto stored = t.attributes.find("checksum");
  if (stored != t.attributes.end() && stored->second != t.checksum())
    throw std::runtime_error("tensor '" + name + "' in " + path +
                             " does not match its checksum (the file is damaged)");
  return t;
}

}  // namespace quantlab
