#include "datasets/dataset_file.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <sys/stat.h>

#include "datasets/hdf5_io.hpp"

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
    if (type == H5G_GROUP) collect(group.openGroup(name), path, out);
    else if (type == H5G_DATASET) out.push_back(path);
  }
}

H5::H5File open_dataset_file(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw std::runtime_error("dataset file " + path + " does not exist");
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    if (!hdf5::has_attribute(file, "format") ||
        hdf5::string_attribute(file, "format") != kFormat)
      throw std::runtime_error(path + " is not a quantlab dataset file (no format = " +
                               kFormat + " attribute)");
    return file;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read dataset file " + path + ": " + e.getDetailMsg());
  }
}

}  // namespace

void write_dataset_file(const std::string& path, const std::vector<Tensor>& tensors,
                        const std::map<std::string, std::string>& file_attributes) {
  hdf5::write_file_atomically(path, [&](H5::H5File& file) {
    hdf5::set_attribute(file, "format", std::string(kFormat));
    hdf5::set_attribute(file, "format_version", kFormatVersion);
    for (const auto& [key, value] : file_attributes) hdf5::set_attribute(file, key, value);
    for (const Tensor& t : tensors) {
      const auto slash = t.name.rfind('/');
      H5::Group parent = hdf5::ensure_group(
          file.openGroup("/"), slash == std::string::npos ? "" : t.name.substr(0, slash));
      const std::string leaf = slash == std::string::npos ? t.name : t.name.substr(slash + 1);
      std::vector<hsize_t> dims(t.shape.begin(), t.shape.end());
      H5::DataSpace space = dims.empty() ? H5::DataSpace(H5S_SCALAR)
                                         : H5::DataSpace(static_cast<int>(dims.size()), dims.data());
      const bool single = t.dtype == DType::float32;
      H5::DataSet d = parent.createDataSet(
          leaf, single ? H5::PredType::IEEE_F32LE : H5::PredType::IEEE_F64LE, space);
      if (single) {
        std::vector<float> buffer(t.values.begin(), t.values.end());
        if (!buffer.empty()) d.write(buffer.data(), H5::PredType::NATIVE_FLOAT);
      } else if (t.size()) {
        d.write(t.values.memptr(), H5::PredType::NATIVE_DOUBLE);
      }
      for (const auto& [key, value] : t.attributes)
        if (key != "checksum") hdf5::set_attribute(d, key, value);
      hdf5::set_attribute(d, "checksum", t.checksum());
    }
  });
}

std::vector<std::string> list_tensors(const std::string& path) {
  H5::H5File file = open_dataset_file(path);
  std::vector<std::string> names;
  try {
    collect(file.openGroup("/"), "", names);
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot list " + path + ": " + e.getDetailMsg());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Tensor read_tensor(const std::string& path, const std::string& name) {
  H5::H5File file = open_dataset_file(path);
  if (!file.nameExists(name))
    throw std::runtime_error("dataset file " + path + " has no tensor '" + name + "'");
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
                             e.getDetailMsg());
  }
  auto stored = t.attributes.find("checksum");
  if (stored != t.attributes.end() && stored->second != t.checksum())
    throw std::runtime_error("tensor '" + name + "' in " + path +
                             " does not match its checksum (the file is damaged)");
  return t;
}

}  // namespace quantlab
