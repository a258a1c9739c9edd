#include "experiments/hdf5_run_record.hpp"

#include <filesystem>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {

const hdf5::FileFormat kFormat{"quantlab-run", 2, "run record",
                               "run the sweep again to record it anew"};

// A record holds a run's vectors (diagnostics of up to n values): far below this.
constexpr std::size_t kMaxRecordBytes = std::size_t{4} << 30;

}  // namespace

RunRecord read_hdf5_run_record(const std::string& path) {
  std::vector<char> image = hdf5::read_sealed_file(path, kMaxRecordBytes);
  RunRecord r;
  try {
    H5::H5File file = hdf5::open_file_image(image);
    H5::Group root = file.openGroup("/");
    hdf5::check_format(root, kFormat);
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
    r.provenance = hdf5::string_attributes(root.openGroup("provenance"));
  } catch (const H5::Exception& e) {
    throw std::runtime_error(path + ": not a readable run record (" + hdf5::describe(e) + ")");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  const std::string stem = std::filesystem::path(path).stem().string();
  auto id = r.text.find("run_id");
  if (id == r.text.end() || id->second != stem)
    throw std::runtime_error(path + ": the record of run " +
                             (id == r.text.end() ? std::string("(none)") : id->second) +
                             ", filed under another run's name");
  auto status = r.text.find("status");
  if (status == r.text.end() || (status->second != "ok" && status->second != "failed"))
    throw std::runtime_error(path + ": no status ok or failed");
  if (const std::string field = undeclared_field(r); !field.empty())
    throw std::runtime_error(path + ": holds an undeclared " + field);
  return r;
}

}  // namespace quantlab
