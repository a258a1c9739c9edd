#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <utility>

#include "datasets/contained_path.hpp"
#include "datasets/float_decoding.hpp"
#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"
#include "datasets/tensor.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::size_t stored_size(const std::string& dtype) {
  if (dtype == "float32" || dtype == "int32") return 4;
  if (dtype == "float16" || dtype == "uint16") return 2;
  if (dtype == "uint8" || dtype == "bool") return 1;
  return 0;
}

template <typename T>
T little_endian(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (std::size_t b = 0; b < sizeof(T); ++b) v |= std::uint64_t(p[b]) << (8 * b);
  T out;
  if constexpr (sizeof(T) == 4) {
    const std::uint32_t v32 = static_cast<std::uint32_t>(v);
    std::memcpy(&out, &v32, 4);
  } else {
    const std::uint16_t v16 = static_cast<std::uint16_t>(v);
    std::memcpy(&out, &v16, 2);
  }
  return out;
}

// One entry of a weight group's "weights" list, checked: every field present and of its
// type, the shape's product and byte size computed without overflow.
struct WeightSpec {
  std::string name;
  std::string dtype;   ///< what the tensor holds (float32, int32, ...)
  std::string stored;  ///< how its bytes are stored (the quantization dtype when quantized)
  std::vector<std::size_t> shape;
  std::size_t count = 0, bytes = 0;
  bool quantized = false;
  double scale = 0, min = 0;
};

const json& member(const json& object, const char* key, const std::string& where) {
  if (!object.is_object()) throw std::runtime_error(where + " is not a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) throw std::runtime_error(where + " has no \"" + key + "\"");
  return *it;
}

std::string text_member(const json& object, const char* key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_string()) throw std::runtime_error(where + ": \"" + key + "\" is not a string");
  return v.get<std::string>();
}

double number_member(const json& object, const char* key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_number() || !std::isfinite(v.get<double>()))
    throw std::runtime_error(where + ": \"" + key + "\" is not a finite number");
  return v.get<double>();
}

const json& array_member(const json& object, const char* key, const std::string& where) {
  const json& v = member(object, key, where);
  if (!v.is_array()) throw std::runtime_error(where + ": \"" + key + "\" is not a list");
  return v;
}

// HDF5 takes '/' as a group separator and rejects empty, "." and ".." links: a name that
// would make it fail is refused here with the manifest's name.
bool valid_tensor_name(const std::string& name) {
  if (name.empty()) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string link = name.substr(start, slash - start);
    if (link.empty() || link == "." || link == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

WeightSpec parse_weight(const json& w, const std::string& model_json, std::size_t group,
                        std::size_t index) {
  WeightSpec s;
  s.name = text_member(w, "name",
                       model_json + ": weight " + std::to_string(index) + " of weight group " +
                           std::to_string(group));
  const std::string where = model_json + ": tensor '" + s.name + "'";
  if (!valid_tensor_name(s.name))
    throw std::runtime_error(where + " has a name with an empty, '.' or '..' component");
  s.dtype = text_member(w, "dtype", where);
  for (const auto& d : array_member(w, "shape", where)) {
    if (!d.is_number_unsigned())
      throw std::runtime_error(where + " has a dimension " + d.dump() +
                               " that is not a non-negative integer");
    s.shape.push_back(d.get<std::size_t>());
  }
  s.count = checked_product(s.shape, where);
  s.quantized = w.contains("quantization");
  if (s.quantized) {
    const json& q = member(w, "quantization", where);
    const std::string qwhere = where + " quantization";
    s.stored = text_member(q, "dtype", qwhere);
    if (s.stored == "uint8" || s.stored == "uint16") {
      s.scale = number_member(q, "scale", qwhere);
      s.min = number_member(q, "min", qwhere);
    } else if (s.stored != "float16") {
      throw std::runtime_error(where + " has unknown quantization dtype '" + s.stored + "'");
    }
  } else {
    s.stored = s.dtype;
  }
  const std::size_t size = stored_size(s.stored);
  if (size == 0) throw std::runtime_error(where + " has unknown dtype '" + s.stored + "'");
  s.bytes = checked_multiply(s.count, size, where + ": its size in bytes");
  return s;
}

void import_manifest(const std::string& model_json, const std::string& prefix,
                     const SourceInfo& info, bool convert_quantized, DatasetWriter& out,
                     ImportReport& report) {
  // A manifest is read whole: its own size is the bound.
  const std::vector<std::uint8_t> text = read_regular_file(model_json);
  json model;
  try {
    model = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    throw std::runtime_error(model_json + " is not valid JSON: " + e.what());
  }
  if (!model.is_object() || !model.contains("weightsManifest") ||
      !model["weightsManifest"].is_array())
    throw std::runtime_error(model_json + " has no weightsManifest list");
  const fs::path dir = fs::path(model_json).parent_path();

  std::size_t group_number = 0;
  for (const auto& group : model["weightsManifest"]) {
    ++group_number;
    const std::string where = model_json + ": weight group " + std::to_string(group_number);
    std::vector<WeightSpec> weights;
    std::size_t declared = 0;
    for (const auto& w : array_member(group, "weights", where)) {
      weights.push_back(parse_weight(w, model_json, group_number, weights.size() + 1));
      declared = checked_add(declared, weights.back().bytes, where + ": its size in bytes");
    }

    // The shards, resolved inside the model's folder and measured before any is read: a
    // group's bytes are only allocated once the files on disk hold exactly what it declares.
    std::vector<std::pair<fs::path, std::size_t>> shards;
    std::string shard_names;
    std::size_t held = 0;
    for (const auto& shard : array_member(group, "paths", where)) {
      if (!shard.is_string())
        throw std::runtime_error(where + " has a shard path " + shard.dump() +
                                 " that is not a string");
      const std::string name = shard.get<std::string>();
      const fs::path path = resolve_inside(dir, name, model_json + ": shard path '" + name + "'");
      std::optional<std::uint64_t> size;
      try {
        size = regular_file_size(path.string());
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(model_json + ": shard path '" + name + "': " + e.what());
      }
      if (!size)
        throw std::runtime_error("shard " + (dir / name).string() + " of " + model_json +
                                 " is missing");
      held = checked_add(held, static_cast<std::size_t>(*size), where + ": its shards' size");
      shards.emplace_back(path, static_cast<std::size_t>(*size));
      shard_names += (shard_names.empty() ? "" : ", ") + path.filename().string();
    }
    if (declared != held)
      throw std::runtime_error(where + " declares " + std::to_string(declared) +
                               " bytes but its shards (" + shard_names + ") hold " +
                               std::to_string(held));
    std::vector<std::uint8_t> bytes;
    bytes.reserve(declared);
    for (const auto& [path, size] : shards) {
      const std::vector<std::uint8_t> b = read_regular_file(path.string(), size);
      bytes.insert(bytes.end(), b.begin(), b.end());
    }
    if (bytes.size() != declared)
      throw std::runtime_error(where + ": its shards (" + shard_names +
                               ") changed while they were read");

    std::size_t offset = 0;
    for (const WeightSpec& w : weights) {
      const std::uint8_t* p = bytes.data() + offset;
      offset += w.bytes;
      const std::string full = prefix.empty() ? w.name : prefix + "/" + w.name;
      const bool integral = w.dtype == "int32" || w.dtype == "bool";
      if (integral || ((w.quantized || w.stored == "float16") && !convert_quantized)) {
        report.skipped.push_back(full + " (" +
                                 (w.quantized ? w.stored + "-quantized " + w.dtype : w.dtype) +
                                 (integral ? "): not floating point" : "): already quantized"));
        continue;
      }
      std::vector<float> values(w.count);
      std::map<std::string, std::string> attributes{
          {"source", info.source}, {"version", info.version}, {"licence", info.licence}};
      if (w.stored == "float32") {
        for (std::size_t i = 0; i < w.count; ++i) values[i] = little_endian<float>(p + 4 * i);
      } else if (w.stored == "float16") {
        for (std::size_t i = 0; i < w.count; ++i)
          values[i] = half_to_float(little_endian<std::uint16_t>(p + 2 * i));
        attributes["already_quantized"] = "float16";
      } else {  // uint8 / uint16 affine quantization: value = q * scale + min
        for (std::size_t i = 0; i < w.count; ++i) {
          const double q = w.stored == "uint8" ? p[i] : little_endian<std::uint16_t>(p + 2 * i);
          const double v = q * w.scale + w.min;
          // Outside float's range the conversion is undefined behaviour, not infinity.
          if (!(std::abs(v) <= std::numeric_limits<float>::max()))
            throw std::runtime_error(model_json + ": tensor '" + w.name +
                                     "' dequantizes to a value outside float32's range");
          values[i] = static_cast<float>(v);
        }
        attributes["already_quantized"] =
            w.stored + " affine (scale " + std::to_string(w.scale) + ")";
      }
      try {
        out.add_float32(full, w.shape, values, attributes);
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(model_json + ": " + e.what());
      }
      report.imported.push_back(full);
      report.values += w.count;
    }
  }
}

}  // namespace

void import_tfjs(const std::string& model_json, const std::string& prefix, const SourceInfo& info,
                 bool convert_quantized, DatasetWriter& out, ImportReport& report) {
  // The checks above name the key they fail on; this is the net under them, so that no bare
  // type_error or out_of_range ever reaches the user without the file's name.
  try {
    import_manifest(model_json, prefix, info, convert_quantized, out, report);
  } catch (const json::exception& e) {
    throw std::runtime_error(model_json + ": " + e.what());
  } catch (const std::logic_error& e) {
    throw std::runtime_error(model_json + ": " + e.what());
  }
}

}  // namespace quantlab
