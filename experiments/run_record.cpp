#include "experiments/run_record.hpp"

#include <stdexcept>

#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {
const char* kFormat = "quantlab-run";
const std::int64_t kFormatVersion = 1;
}  // namespace

void write_run_record(const std::string& path, const RunRecord& record) {
  hdf5::write_file_atomically(path, [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::set_attribute(root, "format", std::string(kFormat));
    hdf5::set_attribute(root, "format_version", kFormatVersion);
    H5::Group fields = root.createGroup("fields");
    for (const auto& [key, value] : record.text) hdf5::set_attribute(fields, key, value);
    for (const auto& [key, value] : record.numbers) hdf5::set_attribute(fields, key, value);
    H5::Group vectors = root.createGroup("vectors");
    for (const auto& [key, value] : record.vectors) hdf5::write_vector(vectors, key, value);
    H5::Group provenance = root.createGroup("provenance");
    for (const auto& [key, value] : record.provenance) hdf5::set_attribute(provenance, key, value);
    hdf5::set_attribute(provenance, "config", record.config);
  });
}

RunRecord read_run_record(const std::string& path) {
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    H5::Group root = file.openGroup("/");
    if (!hdf5::has_attribute(root, "format") || hdf5::string_attribute(root, "format") != kFormat)
      throw std::runtime_error(path + " is not a quantlab run record");
    RunRecord r;
    H5::Group fields = root.openGroup("fields");
    for (int i = 0, n = fields.getNumAttrs(); i < n; ++i) {
      H5::Attribute a = fields.openAttribute(static_cast<unsigned>(i));
      const std::string name = a.getName();
      if (a.getTypeClass() == H5T_STRING) {
        std::string value;
        a.read(a.getStrType(), value);
        r.text[name] = value;
      } else {
        double value = 0;
        a.read(H5::PredType::NATIVE_DOUBLE, &value);
        r.numbers[name] = value;
      }
    }
    H5::Group vectors = root.openGroup("vectors");
    for (hsize_t i = 0, n = vectors.getNumObjs(); i < n; ++i) {
      const std::string name = vectors.getObjnameByIdx(i);
      r.vectors[name] = hdf5::read_doubles(vectors, name);
    }
    H5::Group provenance = root.openGroup("provenance");
    r.provenance = hdf5::string_attributes(provenance);
    r.config = r.provenance["config"];
    r.provenance.erase("config");
    return r;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read run record " + path + ": " + e.getDetailMsg());
  }
}

}  // namespace quantlab
