#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "datasets/importers.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// IEEE half to float, exactly (subnormals, infinities and NaN included).
float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h >> 15) << 31;
  const int exponent = (h >> 10) & 0x1f;
  const std::uint32_t mantissa = h & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(static_cast<float>(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  std::uint32_t bits;
  std::memcpy(&bits, &magnitude, 4);
  bits |= sign;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

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

}  // namespace

void import_tfjs(const std::string& model_json, const std::string& prefix, const SourceInfo& info,
                 bool convert_quantized, DatasetWriter& out, ImportReport& report) {
  std::ifstream in(model_json);
  if (!in) throw std::runtime_error("cannot read " + model_json);
  json model;
  try {
    model = json::parse(in);
  } catch (const json::exception& e) {
    throw std::runtime_error(model_json + " is not valid JSON: " + e.what());
  }
  if (!model.contains("weightsManifest") || !model["weightsManifest"].is_array())
    throw std::runtime_error(model_json + " has no weightsManifest list");
  const fs::path dir = fs::path(model_json).parent_path();

  std::size_t group_number = 0;
  for (const auto& group : model["weightsManifest"]) {
    ++group_number;
    // The group's shards, concatenated in order.
    std::vector<std::uint8_t> bytes;
    std::string shard_names;
    for (const auto& shard : group.at("paths")) {
      const fs::path path = dir / shard.get<std::string>();
      std::ifstream s(path, std::ios::binary);
      if (!s)
        throw std::runtime_error("shard " + path.string() + " of " + model_json + " is missing");
      bytes.insert(bytes.end(), std::istreambuf_iterator<char>(s),
                   std::istreambuf_iterator<char>());
      shard_names += (shard_names.empty() ? "" : ", ") + path.filename().string();
    }
    std::size_t declared = 0;
    for (const auto& w : group.at("weights")) {
      std::size_t count = 1;
      for (const auto& d : w.at("shape")) count *= d.get<std::size_t>();
      const std::string dtype = w.contains("quantization")
                                    ? w["quantization"].at("dtype").get<std::string>()
                                    : w.at("dtype").get<std::string>();
      const std::size_t size = stored_size(dtype);
      if (size == 0)
        throw std::runtime_error(model_json + ": tensor '" + w.at("name").get<std::string>() +
                                 "' has unknown dtype '" + dtype + "'");
      declared += count * size;
    }
    if (declared != bytes.size())
      throw std::runtime_error(model_json + ": weight group " + std::to_string(group_number) +
                               " declares " + std::to_string(declared) + " bytes but its shards (" +
                               shard_names + ") hold " + std::to_string(bytes.size()));

    std::size_t offset = 0;
    for (const auto& w : group.at("weights")) {
      const std::string name = w.at("name").get<std::string>();
      const std::string dtype = w.at("dtype").get<std::string>();
      std::vector<std::size_t> shape;
      std::size_t count = 1;
      for (const auto& d : w.at("shape"))
        shape.push_back(d.get<std::size_t>()), count *= shape.back();
      const bool quantized = w.contains("quantization");
      const std::string stored =
          quantized ? w["quantization"].at("dtype").get<std::string>() : dtype;
      const std::uint8_t* p = bytes.data() + offset;
      offset += count * stored_size(stored);

      const std::string full = prefix.empty() ? name : prefix + "/" + name;
      const bool integral = dtype == "int32" || dtype == "bool";
      if (integral || ((quantized || stored == "float16") && !convert_quantized)) {
        report.skipped.push_back(full + " (" +
                                 (quantized ? stored + "-quantized " + dtype : dtype) +
                                 (integral ? "): not floating point" : "): already quantized"));
        continue;
      }
      std::vector<float> values(count);
      std::map<std::string, std::string> attributes{
          {"source", info.source}, {"version", info.version}, {"licence", info.licence}};
      if (stored == "float32") {
        for (std::size_t i = 0; i < count; ++i) values[i] = little_endian<float>(p + 4 * i);
      } else if (stored == "float16") {
        for (std::size_t i = 0; i < count; ++i)
          values[i] = half_to_float(little_endian<std::uint16_t>(p + 2 * i));
        attributes["already_quantized"] = "float16";
      } else {  // uint8 / uint16 affine quantization: value = q * scale + min
        const double scale = w["quantization"].at("scale").get<double>();
        const double min = w["quantization"].at("min").get<double>();
        for (std::size_t i = 0; i < count; ++i) {
          const double q = stored == "uint8" ? p[i] : little_endian<std::uint16_t>(p + 2 * i);
          values[i] = static_cast<float>(q * scale + min);
        }
        attributes["already_quantized"] = stored + " affine (scale " + std::to_string(scale) + ")";
      }
      out.add_float32(full, shape, values, attributes);
      report.imported.push_back(full);
      report.values += count;
    }
  }
}

}  // namespace quantlab
