#include "experiments/run_record.hpp"

#include <filesystem>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"
#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

const hdf5::FileFormat kFormat{"quantlab-run", kRunRecordVersion, "run record",
                               "run the sweep again to record it anew"};

// A record holds a run's vectors (diagnostics of up to n values): far below this.
constexpr std::size_t kMaxRecordBytes = std::size_t{4} << 30;

const std::string& algorithm_of(const RunRecord& r) {
  static const std::string none;
  auto it = r.text.find("algorithm");
  return it == r.text.end() ? none : it->second;
}

}  // namespace

std::string undeclared_field(const RunRecord& r) {
  const std::string& algorithm = algorithm_of(r);
  for (const auto& [key, value] : r.text) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::text || c->group == ColumnGroup::provenance)
      return "text '" + key + "'";
  }
  for (const auto& [key, value] : r.numbers) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::number) return "number '" + key + "'";
  }
  for (const auto& [key, value] : r.vectors)
    if (!find_column(key, true, algorithm)) return "vector '" + key + "'";
  for (const auto& [key, value] : r.provenance) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->group != ColumnGroup::provenance) return "provenance '" + key + "'";
  }
  return "";
}

void write_run_record(const std::string& path, const RunRecord& record) {
  if (const std::string field = undeclared_field(record); !field.empty())
    throw std::logic_error("run record " + path + ": the result schema declares no " + field);
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, kFormat);
        H5::Group fields = root.createGroup("fields");
        for (const auto& [key, value] : record.text) hdf5::set_attribute(fields, key, value);
        for (const auto& [key, value] : record.numbers) hdf5::set_attribute(fields, key, value);
        H5::Group vectors = root.createGroup("vectors");
        for (const auto& [key, value] : record.vectors) hdf5::write_vector(vectors, key, value);
        H5::Group provenance = root.createGroup("provenance");
        for (const auto& [key, value] : record.provenance)
          hdf5::set_attribute(provenance, key, value);
      },
      /*sealed=*/true);
}

RunRecord read_run_record(const std::string& path) {
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
