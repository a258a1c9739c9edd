#pragma once
// Files in the formats quantlab imports, built byte by byte for the hostile tests: valid ones
// to mutate, and ones whose headers lie.
#include <zlib.h>

#include <array>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace quantlab::testing {

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

inline std::string gzipped(const std::string& bytes) {
  uLongf size = compressBound(bytes.size()) + 64;
  std::string out(size, '\0');
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);  // 15 + 16: gzip framing
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(&out[0]);
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

inline void put_f32(std::string& b, float v) {
  b.append(reinterpret_cast<const char*>(&v), 4);  // little-endian host, as the formats
}
inline void put_u32le(std::string& b, std::uint32_t v) {
  b.append(reinterpret_cast<const char*>(&v), 4);
}
inline void put_u32be(std::string& b, std::uint32_t v) {
  const char be[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  b.append(be, 4);
}

inline std::string idx_file(const std::vector<std::uint32_t>& dims, std::size_t data_bytes,
                            char type = 0x08) {
  std::string b("\x00\x00", 2);
  b += type;
  b += static_cast<char>(dims.size());
  for (auto d : dims) put_u32be(b, d);
  for (std::size_t i = 0; i < data_bytes; ++i) b += static_cast<char>(i * 37);
  return b;
}

inline std::string gnubg_file(const std::vector<std::array<std::uint32_t, 3>>& nets,
                              std::size_t values_per_net = SIZE_MAX) {
  std::string b;
  put_f32(b, 472.3782f);
  put_f32(b, 1.0f);
  for (const auto& [inputs, hidden, outputs] : nets) {
    for (std::uint32_t v : {inputs, hidden, outputs, 7u}) put_u32le(b, v);
    put_f32(b, 0.1f), put_f32(b, 1.0f);
    const std::size_t n =
        values_per_net != SIZE_MAX
            ? values_per_net
            : std::size_t(inputs) * hidden + std::size_t(hidden) * outputs + hidden + outputs;
    for (std::size_t i = 0; i < n; ++i) put_f32(b, 0.25f * static_cast<float>(i));
  }
  return b;
}

inline std::string digits_csv(int rows) {
  std::string csv;
  for (int row = 0; row < rows; ++row) {
    for (int i = 0; i < 64; ++i) csv += std::to_string((row + i) % 17) + ",";
    csv += std::to_string(row % 10) + "\n";
  }
  return csv;
}

inline std::string embeddings_json(int words, int numbers, const std::string& size = "") {
  std::string j = "{" + (size.empty() ? "" : "\"size\":" + size + ",") + "\"vectors\":{";
  for (int w = 0; w < words; ++w) {
    j += std::string(w ? "," : "") + "\"w" + std::to_string(w) + "\":[";
    for (int i = 0; i < numbers; ++i) j += (i ? "," : "") + std::to_string(w + i) + ".5";
    j += "]";
  }
  return j + "}}";
}

// A TF.js manifest with one weight group and one shard, and the shard matching it.
inline nlohmann::json tfjs_weights() {
  return nlohmann::json::array(
      {{{"name", "dense/kernel"}, {"shape", {2, 3}}, {"dtype", "float32"}},
       {{"name", "dense/bias"}, {"shape", {2}}, {"dtype", "float16"}},
       {{"name", "conv/kernel"},
        {"shape", {4}},
        {"dtype", "float32"},
        {"quantization", {{"dtype", "uint8"}, {"scale", 0.5}, {"min", -1.0}}}},
       {{"name", "shape_constant"}, {"shape", {3}}, {"dtype", "int32"}},
       {{"name", "scalar"}, {"shape", nlohmann::json::array()}, {"dtype", "float32"}}});
}
inline const std::size_t kTfjsBytes = 24 + 4 + 4 + 12 + 4;

inline nlohmann::json tfjs_manifest(const nlohmann::json& weights,
                                    const nlohmann::json& paths = {"group1-shard1of1.bin"}) {
  return {{"format", "layers-model"},
          {"weightsManifest", {{{"paths", paths}, {"weights", weights}}}}};
}

inline std::string bytes_of(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(0x3c + (i % 7));
  return s;
}

// A .npy file (version 1): the header's dict as given, padded to 64 bytes as numpy pads it.
inline std::string npy_file(const std::string& descr, const std::string& shape, bool fortran,
                            const std::string& data) {
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': " + (fortran ? "True" : "False") +
                       ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string b("\x93NUMPY\x01\x00", 8);
  b += static_cast<char>(header.size() & 0xff);
  b += static_cast<char>(header.size() >> 8);
  return b + header + data;
}

// A safetensors file: the little-endian header length, the header, the data.
inline std::string safetensors_file(const std::string& header, const std::string& data) {
  std::string b;
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) b += static_cast<char>((n >> (8 * i)) & 0xff);
  return b + header + data;
}

inline void put_u16le(std::string& b, std::uint16_t v) {
  b.append(reinterpret_cast<const char*>(&v), 2);
}

// One member of a zip archive; `declared` replaces its uncompressed size in both headers (a
// lie), `crc` its checksum; `packed`, if given, is its data deflated already (then `crc` and
// `declared` describe what it inflates to).
struct ZipMember {
  ZipMember(std::string name_, std::string bytes_, bool deflate_ = false)
      : name(std::move(name_)), bytes(std::move(bytes_)), deflate(deflate_) {}
  std::string name, bytes;
  bool deflate;
  std::optional<std::uint32_t> declared, crc;
  std::optional<std::string> packed;
};

// A zip archive as numpy.savez (stored) or savez_compressed (raw deflate) writes one: local
// headers with the data, the central directory, the end record.
inline std::string zip_file(const std::vector<ZipMember>& members) {
  std::string out, directory;
  for (const ZipMember& m : members) {
    std::string data = m.packed.value_or(m.bytes);
    if (m.deflate && !m.packed) {
      std::string packed(compressBound(m.bytes.size()) + 64, '\0');
      z_stream z{};
      deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);  // -15: no framing
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(m.bytes.data()));
      z.avail_in = static_cast<uInt>(m.bytes.size());
      z.next_out = reinterpret_cast<Bytef*>(&packed[0]);
      z.avail_out = static_cast<uInt>(packed.size());
      deflate(&z, Z_FINISH);
      packed.resize(z.total_out);
      deflateEnd(&z);
      data = packed;
    }
    const auto crc = m.crc.value_or(static_cast<std::uint32_t>(crc32(
        0, reinterpret_cast<const Bytef*>(m.bytes.data()), static_cast<uInt>(m.bytes.size()))));
    const auto size = m.declared.value_or(static_cast<std::uint32_t>(m.bytes.size()));
    const auto offset = static_cast<std::uint32_t>(out.size());
    const auto fields = [&](std::string& b) {  // shared by both headers
      put_u16le(b, 20);                        // version needed: 2.0
      put_u16le(b, 0);                         // flags
      put_u16le(b, m.deflate ? 8 : 0);
      put_u16le(b, 0);     // time
      put_u16le(b, 0x21);  // date: 1980-01-01
      put_u32le(b, crc);
      put_u32le(b, static_cast<std::uint32_t>(data.size()));
      put_u32le(b, size);
      put_u16le(b, static_cast<std::uint16_t>(m.name.size()));
      put_u16le(b, 0);  // extra
    };
    put_u32le(out, 0x04034b50);
    fields(out);
    out += m.name + data;
    put_u32le(directory, 0x02014b50);
    put_u16le(directory, 20);  // made by
    fields(directory);
    put_u16le(directory, 0);  // comment
    put_u16le(directory, 0);  // disk
    put_u16le(directory, 0);  // internal attributes
    put_u32le(directory, 0);  // external attributes
    put_u32le(directory, offset);
    directory += m.name;
  }
  const auto start = static_cast<std::uint32_t>(out.size());
  out += directory;
  put_u32le(out, 0x06054b50);
  put_u16le(out, 0);
  put_u16le(out, 0);
  put_u16le(out, static_cast<std::uint16_t>(members.size()));
  put_u16le(out, static_cast<std::uint16_t>(members.size()));
  put_u32le(out, static_cast<std::uint32_t>(directory.size()));
  put_u32le(out, start);
  put_u16le(out, 0);
  return out;
}

template <class T>
std::string raw_bytes(const std::vector<T>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

}  // namespace quantlab::testing
