#include "datasets/model_files.hpp"

#include <H5Cpp.h>
#define ONNX_ML 1  // Debian ships the -ml protobuf of ONNX
#include <onnx/onnx_pb.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <stdexcept>

#include "datasets/contained_path.hpp"
#include "datasets/float_decoding.hpp"
#include "datasets/gzip_reader.hpp"
#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;

std::uint64_t little_u64(const std::uint8_t* p, std::size_t bytes) {
  std::uint64_t v = 0;
  for (std::size_t b = 0; b < bytes; ++b) v |= std::uint64_t{p[b]} << (8 * b);
  return v;
}

// One stored element as a double: `bytes` of an IEEE float, in either byte order.
double stored_float(const std::uint8_t* p, std::size_t bytes, bool big_endian) {
  std::uint8_t b[8];
  for (std::size_t i = 0; i < bytes; ++i) b[i] = p[big_endian ? bytes - 1 - i : i];
  if (bytes == 2) return half_to_float(static_cast<std::uint16_t>(little_u64(b, 2)));
  if (bytes == 4) {
    float f;
    std::memcpy(&f, b, 4);
    return f;
  }
  double d;
  std::memcpy(&d, b, 8);
  return d;
}

// HDF5 (which stores every tensor) takes '/' as a separator and refuses empty, "." and ".."
// links: a name it would refuse is refused here, naming the file.
void check_tensor_name(const std::string& path, const std::string& name) {
  bool ok = !name.empty();
  for (std::size_t start = 0; ok;) {
    const std::size_t slash = name.find('/', start);
    const std::string link = name.substr(start, slash - start);
    ok = !link.empty() && link != "." && link != "..";
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!ok) throw std::runtime_error(path + ": tensor name '" + name + "' cannot be stored");
}

Tensor float_tensor(const std::string& name, std::vector<std::size_t> shape, std::size_t itemsize,
                    const std::string& source_dtype) {
  Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.dtype = itemsize == 8 ? DType::float64 : DType::float32;
  if (itemsize == 2) t.attributes["already_quantized"] = source_dtype;
  return t;
}

// ---- .npy -------------------------------------------------------------------------------

// A field of a hostile header as a message may show it: on one line, printable, short.
std::string shown(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 40)) {
    if (c >= 32 && c < 127) {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  return text.size() > 40 ? out + "..." : out;
}

// The value of `key` in a .npy header (a Python dict literal), as its source text.
std::string header_field(const std::string& header, const std::string& key,
                         const std::string& path) {
  const std::string quoted = "'" + key + "'";
  const auto at = header.find(quoted);
  if (at == std::string::npos) throw std::runtime_error(path + ": the header has no " + quoted);
  auto colon = header.find(':', at + quoted.size());
  if (colon == std::string::npos) throw std::runtime_error(path + ": malformed header");
  std::size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos) throw std::runtime_error(path + ": malformed header");
  const char open = header[start];
  const char close = open == '(' ? ')' : open == '\'' ? '\'' : open == '[' ? ']' : '\0';
  std::size_t end = close ? header.find(close, start + 1) : header.find_first_of(",}", start);
  if (end == std::string::npos) throw std::runtime_error(path + ": malformed header");
  if (close) ++end;
  return header.substr(start, end - start);
}

// A .npy file's bytes; `path` names them in messages (a file, or a member of an .npz).
// `member`: a dtype that is not a plain number (strings, objects, records) is skipped, as an
// archive's other members are, rather than refused.
ModelTensors npy_tensors(const std::vector<std::uint8_t>& b, const std::string& path,
                         const std::string& name, bool member = false) {
  check_tensor_name(path, name);
  static const char magic[] = "\x93NUMPY";
  if (b.size() < 10 || std::memcmp(b.data(), magic, 6) != 0)
    throw std::runtime_error(path + " is not a .npy file (no \\x93NUMPY magic)");
  const int major = b[6];
  if (major < 1 || major > 3)
    throw std::runtime_error(path + ": .npy version " + std::to_string(major) + " is unknown");
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  const std::size_t start = 8 + length_bytes;
  if (b.size() < start) throw std::runtime_error(path + " is truncated in its header");
  const std::uint64_t header_length = little_u64(b.data() + 8, length_bytes);
  // numpy writes headers of a few hundred bytes (and reads at most 10000 by default).
  if (header_length > 65536)
    throw std::runtime_error(path + ": a header of " + std::to_string(header_length) +
                             " bytes is not a .npy header");
  if (header_length > b.size() - start)
    throw std::runtime_error(path + ": its header declares " + std::to_string(header_length) +
                             " bytes, the file holds " + std::to_string(b.size() - start));
  const std::string header(b.begin() + static_cast<long>(start),
                           b.begin() + static_cast<long>(start + header_length));
  const std::string descr = header_field(header, "descr", path);
  const std::string order = header_field(header, "fortran_order", path);
  const std::string shape_text = header_field(header, "shape", path);
  static const std::regex simple(R"('([<>|=])([a-z?])(\d{1,2})')");
  std::smatch d;
  if (!std::regex_match(descr, d, simple)) {
    if (member) return {{}, {name + " (" + shown(descr) + ")"}};
    throw std::runtime_error(path + ": dtype " + shown(descr) + " is not a plain number type");
  }
  if (order != "True" && order != "False")
    throw std::runtime_error(path + ": fortran_order is " + shown(order) + ", not True or False");
  // The shape: "(", sizes separated by commas (a trailing one allowed), ")".
  std::vector<std::size_t> shape;
  bool tuple = shape_text.size() >= 2 && shape_text.front() == '(' && shape_text.back() == ')';
  for (std::size_t i = 1; tuple && i + 1 < shape_text.size();) {
    while (i + 1 < shape_text.size() && shape_text[i] == ' ') ++i;
    if (i + 1 == shape_text.size()) break;
    std::size_t digits = 0, value = 0;
    while (i + 1 < shape_text.size() && std::isdigit(static_cast<unsigned char>(shape_text[i]))) {
      tuple = tuple && ++digits <= 19;
      value = value * 10 + static_cast<std::size_t>(shape_text[i++] - '0');
    }
    while (i + 1 < shape_text.size() && shape_text[i] == ' ') ++i;
    tuple = tuple && digits > 0 && (i + 1 == shape_text.size() || shape_text[i++] == ',');
    shape.push_back(value);
  }
  if (!tuple)
    throw std::runtime_error(path + ": shape " + shown(shape_text) + " is not a tuple of sizes");

  ModelTensors out;
  const char kind = d[2].str()[0];
  const std::size_t itemsize = std::stoul(d[3].str());
  if (kind != 'f' || (itemsize != 2 && itemsize != 4 && itemsize != 8)) {
    out.skipped.push_back(name + " (" + shown(descr) + ")");
    return out;
  }
  const std::size_t count = checked_product(shape, path + ": tensor '" + name + "'");
  const std::size_t bytes = checked_multiply(count, itemsize, path + ": tensor '" + name + "'");
  const std::size_t data = start + header_length;
  if (b.size() - data != bytes)
    throw std::runtime_error(path + ": tensor '" + name + "' of shape " + shown(shape_text) +
                             " needs " + std::to_string(bytes) + " bytes, the file holds " +
                             std::to_string(b.size() - data));
  Tensor t = float_tensor(name, shape, itemsize, "float16");
  t.values.set_size(count);
  const bool big = d[1].str() == ">";
  for (std::size_t i = 0; i < count; ++i)
    t.values[i] = stored_float(b.data() + data + i * itemsize, itemsize, big);
  if (order == "True" && shape.size() > 1) {
    // Column-major: the first index varies fastest. Row-major is what quantlab stores.
    arma::vec c(count);
    std::vector<std::size_t> index(shape.size(), 0);
    for (std::size_t flat = 0; flat < count; ++flat) {
      std::size_t f = 0;
      for (std::size_t k = shape.size(); k-- > 0;) f = f * shape[k] + index[k];
      c[flat] = t.values[f];
      for (std::size_t k = shape.size(); k-- > 0;)
        if (++index[k] < shape[k])
          break;
        else
          index[k] = 0;
    }
    t.values = std::move(c);
  }
  out.tensors.push_back(std::move(t));
  return out;
}

}  // namespace

ModelTensors read_npy(const std::string& path, const std::string& name) {
  return npy_tensors(read_regular_file(path), path, name);
}

// ---- .npz -------------------------------------------------------------------------------

namespace {

struct ZipArchive {
  zip_t* archive = nullptr;
  ~ZipArchive() {
    if (archive) zip_discard(archive);
  }
};

struct ZipMember {
  zip_file_t* file = nullptr;
  ~ZipMember() {
    if (file) zip_fclose(file);
  }
};

// One .npy member of an open archive, `size` bytes as its directory declares, into `out`.
void add_npz_member(zip_t* archive, zip_uint64_t index, std::uint64_t size,
                    const std::string& where, const std::string& name, ModelTensors& out) {
  ZipMember file;
  file.file = zip_fopen_index(archive, index, 0);
  if (!file.file) throw std::runtime_error(where + " cannot be opened: " + zip_strerror(archive));
  // Declared size + 1: a member that inflates to more than it declares is caught.
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size) + 1);
  std::size_t got = 0;
  for (;;) {
    const zip_int64_t n = zip_fread(file.file, bytes.data() + got, bytes.size() - got);
    if (n < 0) throw std::runtime_error(where + " is damaged: " + zip_file_strerror(file.file));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
    if (got == bytes.size()) break;
  }
  if (got != size)
    throw std::runtime_error(where + " holds " + std::string(got > size ? "more" : "fewer") +
                             " bytes than the " + std::to_string(size) + " it declares");
  bytes.resize(got);
  ModelTensors m = npy_tensors(bytes, where, name, true);
  for (auto& t : m.tensors) out.tensors.push_back(std::move(t));
  for (auto& k : m.skipped) out.skipped.push_back(std::move(k));
}

}  // namespace

ModelTensors read_npz(const std::string& path) {
  std::uint64_t size = 0;
  const int fd = open_regular_file(path, size);
  int error = 0;
  ZipArchive zip;
  zip.archive = zip_fdopen(fd, ZIP_RDONLY | ZIP_CHECKCONS, &error);  // owns fd if it opens
  if (!zip.archive) {
    ::close(fd);
    zip_error_t e;
    zip_error_init_with_code(&e, error);
    const std::string why = zip_error_strerror(&e);
    zip_error_fini(&e);
    if (error == ZIP_ER_EXISTS)  // libzip's "File already exists"
      throw std::runtime_error(path + ": two members of the archive have the same name");
    throw std::runtime_error(path + " is not a readable .npz (zip) archive: " + why);
  }
  // Every member's bytes come from the archive's: deflate's best ratio bounds them all.
  std::uint64_t budget = inflated_bound(size);
  ModelTensors out;
  const zip_int64_t entries = zip_get_num_entries(zip.archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    if (zip_stat_index(zip.archive, static_cast<zip_uint64_t>(i), 0, &st) != 0)
      throw std::runtime_error(path + ": member " + std::to_string(i) +
                               " cannot be read: " + zip_strerror(zip.archive));
    const std::string member = (st.valid & ZIP_STAT_NAME) ? st.name : "";
    const std::string where = path + ": member '" + shown(member) + "'";
    if (!member.empty() && member.back() == '/') continue;  // a folder
    const std::string suffix = ".npy";
    if (member.size() <= suffix.size() ||
        member.compare(member.size() - suffix.size(), suffix.size(), suffix) != 0) {
      out.skipped.push_back(shown(member) + " (not .npy)");
      continue;
    }
    const bool known = (st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) &&
                       (st.valid & ZIP_STAT_COMP_METHOD);
    if (!known) throw std::runtime_error(where + " has no sizes in the archive's directory");
    if (st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
      throw std::runtime_error(where + " is compressed by method " +
                               std::to_string(st.comp_method) + ", not stored or deflated");
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
      throw std::runtime_error(where + " is encrypted");
    const std::uint64_t most =
        st.comp_method == ZIP_CM_STORE ? st.comp_size : st.comp_size * kMaxDeflateRatio + 64;
    if (st.size > most || st.size > budget || st.comp_size > size)
      throw std::runtime_error(where + " declares " + std::to_string(st.size) +
                               " bytes, more than its " + std::to_string(st.comp_size) +
                               " stored bytes can hold");
    budget -= st.size;
    try {
      add_npz_member(zip.archive, static_cast<zip_uint64_t>(i), st.size, where,
                     member.substr(0, member.size() - suffix.size()), out);
    } catch (const std::bad_alloc&) {
      throw std::runtime_error(where + ": its " + std::to_string(st.size) +
                               " bytes (and their values) do not fit in the memory there is");
    }
  }
  return out;
}

// ---- safetensors --------------------------------------------------------------------------

ModelTensors read_safetensors(const std::string& path) {
  const std::vector<std::uint8_t> b = read_regular_file(path);
  if (b.size() < 8) throw std::runtime_error(path + " is too short for a safetensors file");
  const std::uint64_t n = little_u64(b.data(), 8);
  if (n > b.size() - 8)
    throw std::runtime_error(path + ": its header declares " + std::to_string(n) +
                             " bytes, the file holds " + std::to_string(b.size() - 8));
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(b.begin() + 8, b.begin() + 8 + static_cast<long>(n));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": the header is not JSON (" + std::string(e.what()) + ")");
  }
  if (!header.is_object()) throw std::runtime_error(path + ": the header is not a JSON object");
  const std::size_t data_start = 8 + static_cast<std::size_t>(n);
  const std::size_t data_size = b.size() - data_start;
  ModelTensors out;
  std::map<std::uint64_t, std::uint64_t> ranges;  // begin -> end of the tensors read so far
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    const std::string where = path + ": tensor '" + name + "'";
    if (!entry.is_object() || !entry.contains("dtype") || !entry["dtype"].is_string() ||
        !entry.contains("shape") || !entry["shape"].is_array() || !entry.contains("data_offsets") ||
        !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
      throw std::runtime_error(where + " needs a dtype, a shape and two data_offsets");
    std::vector<std::size_t> shape;
    for (const auto& dimension : entry["shape"]) {
      if (!dimension.is_number_unsigned())
        throw std::runtime_error(where + ": a dimension is not a non-negative integer");
      shape.push_back(dimension.get<std::size_t>());
    }
    const auto& offsets = entry["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      throw std::runtime_error(where + ": data_offsets are not non-negative integers");
    const std::uint64_t begin = offsets[0].get<std::uint64_t>();
    const std::uint64_t end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > data_size)
      throw std::runtime_error(where + ": data_offsets [" + std::to_string(begin) + ", " +
                               std::to_string(end) + "] are outside the " +
                               std::to_string(data_size) + " data bytes");
    // Tensors own disjoint byte ranges (as the format requires), so what is decoded is
    // bounded by the file: a thousand entries cannot all point at the same bytes.
    if (begin < end) {
      const auto next = ranges.lower_bound(begin);
      if ((next != ranges.end() && next->first < end) ||
          (next != ranges.begin() && std::prev(next)->second > begin))
        throw std::runtime_error(where + ": data_offsets [" + std::to_string(begin) + ", " +
                                 std::to_string(end) + "] overlap another tensor's");
      ranges.emplace(begin, end);
    }
    const std::string dtype = entry["dtype"].get<std::string>();
    const std::size_t itemsize = dtype == "F64"                      ? 8
                                 : dtype == "F32"                    ? 4
                                 : dtype == "F16" || dtype == "BF16" ? 2
                                                                     : 0;
    if (!itemsize) {
      out.skipped.push_back(name + " (" + dtype + ")");
      continue;
    }
    check_tensor_name(path, name);
    const std::size_t count = checked_product(shape, where);
    if (checked_multiply(count, itemsize, where) != end - begin)
      throw std::runtime_error(where + ": " + std::to_string(count) + " " + dtype +
                               " values need " + std::to_string(count * itemsize) +
                               " bytes, its offsets give " + std::to_string(end - begin));
    Tensor t = float_tensor(name, shape, itemsize, dtype == "F16" ? "float16" : "bfloat16");
    t.values.set_size(count);
    const std::uint8_t* p = b.data() + data_start + begin;
    for (std::size_t i = 0; i < count; ++i)
      t.values[i] = dtype == "BF16"
                        ? bfloat16_to_float(static_cast<std::uint16_t>(little_u64(p + 2 * i, 2)))
                        : stored_float(p + i * itemsize, itemsize, false);
    out.tensors.push_back(std::move(t));
  }
  return out;
}

// ---- HDF5 ---------------------------------------------------------------------------------

namespace {

// The walk of an HDF5 file: each object once (hard links can make cycles, and many names for
// one dataset), and at most `budget` bytes of values in all (the file's size times deflate's
// best ratio: what HDF5 reads must come from bytes in the file).
struct Hdf5Walk {
  std::string path;
  std::set<haddr_t> seen;
  std::uint64_t budget = 0;
  ModelTensors out;
};

bool first_visit(Hdf5Walk& walk, hid_t object) {
  H5O_info_t info;
  if (H5Oget_info2(object, &info, H5O_INFO_BASIC) < 0)
    throw std::runtime_error(walk.path +
                             ": an object's header cannot be read (the file is damaged)");
  return walk.seen.insert(info.addr).second;
}

void collect_datasets(Hdf5Walk& walk, const H5::Group& group, const std::string& prefix) {
  for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
    const std::string name = group.getObjnameByIdx(i);
    const std::string full = prefix.empty() ? name : prefix + "/" + name;
    const H5G_obj_t type = group.getObjTypeByIdx(i);
    if (type == H5G_GROUP) {
      const H5::Group child = group.openGroup(name);
      if (first_visit(walk, child.getId())) collect_datasets(walk, child, full);
      continue;
    }
    if (type != H5G_DATASET) continue;
    const H5::DataSet d = group.openDataSet(name);
    if (!first_visit(walk, d.getId())) continue;
    const H5::DataSpace space = d.getSpace();
    const std::size_t itemsize = d.getTypeClass() == H5T_FLOAT ? d.getFloatType().getSize() : 0;
    if (itemsize == 0 || itemsize > 8 || space.getSimpleExtentType() == H5S_NULL) {
      walk.out.skipped.push_back(full + (itemsize == 0  ? " (not floating point)"
                                         : itemsize > 8 ? " (floats wider than 64 bits)"
                                                        : " (no dataspace)"));
      continue;
    }
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(space.getSimpleExtentNdims(), 0)));
    if (!dims.empty()) space.getSimpleExtentDims(dims.data());
    const std::vector<std::size_t> shape(dims.begin(), dims.end());
    const std::string where = walk.path + ": dataset '" + full + "'";
    const std::size_t count = checked_product(shape, where);
    const std::uint64_t stored = H5Dget_storage_size(d.getId());
    const std::size_t needed = checked_multiply(count, itemsize, where);
    if (count && needed / kMaxDeflateRatio > stored)
      throw std::runtime_error(where + " declares " + std::to_string(count) +
                               " values but stores " + std::to_string(stored) + " bytes");
    if (needed > walk.budget)
      throw std::runtime_error(where + ": its values and the ones before need more than " +
                               std::to_string(walk.budget) + " bytes, more than the file can hold");
    walk.budget -= needed;
    Tensor t = float_tensor(full, shape, itemsize == 8 ? 8 : itemsize < 4 ? 2 : 4, "float16");
    t.values.set_size(count);
    if (count) d.read(t.values.memptr(), H5::PredType::NATIVE_DOUBLE);
    walk.out.tensors.push_back(std::move(t));
  }
}

}  // namespace

ModelTensors read_hdf5_datasets(const std::string& path) {
  std::uint64_t size = 0;
  ::close(open_regular_file(path, size));
  Hdf5Walk walk;
  walk.path = path;
  walk.budget = inflated_bound(size);
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    const H5::Group root = file.openGroup("/");
    first_visit(walk, root.getId());
    collect_datasets(walk, root, "");
  } catch (const H5::Exception& e) {
    throw std::runtime_error(path + ": " + hdf5::describe(e));
  }
  return std::move(walk.out);
}

// ---- ONNX ---------------------------------------------------------------------------------

namespace {

std::string onnx_type_name(int type) {
  const std::string name = onnx::TensorProto_DataType_Name(type);
  return name.empty() ? "type " + std::to_string(type) : name;
}

// The bytes of an initializer stored in an external file: `location` beside the model (never
// outside its folder, never a device), `offset` and `length` inside the file.
// Bytes already read from each external data file: together at most its size, so tensors
// sharing one range cannot multiply what is allocated.
using ExternalBudget = std::map<std::string, std::uint64_t>;

std::vector<std::uint8_t> external_bytes(const std::string& path, const onnx::TensorProto& t,
                                         std::size_t bytes, const std::string& where,
                                         ExternalBudget& budget) {
  std::string location;
  std::uint64_t offset = 0, length = bytes;
  for (const auto& entry : t.external_data()) {
    const auto number = [&](const std::string& text) {
      if (text.empty() || text.size() > 19 ||
          text.find_first_not_of("0123456789") != std::string::npos)
        throw std::runtime_error(where + ": external data " + entry.key() + " '" + text +
                                 "' is not a byte count");
      return std::stoull(text);
    };
    if (entry.key() == "location") location = entry.value();
    if (entry.key() == "offset") offset = number(entry.value());
    if (entry.key() == "length") length = number(entry.value());
  }
  if (length != bytes)
    throw std::runtime_error(where + ": external data of " + std::to_string(length) +
                             " bytes, its shape needs " + std::to_string(bytes));
  const fs::path file = resolve_inside(fs::path(path).parent_path(), location,
                                       where + ": external data '" + location + "'");
  std::uint64_t size = 0;
  int fd = -1;
  try {
    fd = open_regular_file(file.string(), size);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(where + ": " + e.what());
  }
  const auto refuse = [&](const std::string& why) {
    ::close(fd);
    throw std::runtime_error(where + ": external data '" + location + "' " + why);
  };
  if (offset > size || bytes > size - offset)
    refuse("holds " + std::to_string(size) + " bytes, not " + std::to_string(bytes) +
           " from offset " + std::to_string(offset));
  std::uint64_t& used = budget[file.string()];
  if (bytes > size - std::min(used, size))
    refuse("of " + std::to_string(size) + " bytes is read more than once over");
  used += bytes;
  std::vector<std::uint8_t> out(bytes);
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n =
        ::pread(fd, out.data() + done, bytes - done, static_cast<off_t>(offset + done));
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done != bytes) refuse("cannot be read whole (it shrank?)");
  ::close(fd);
  return out;
}

}  // namespace

namespace {

// One tensor of an ONNX graph (an initializer, or a Constant node's value) as a Tensor, or
// listed as skipped when it is not floating point.
void add_onnx_tensor(const std::string& path, const onnx::TensorProto& t, const std::string& name,
                     ExternalBudget& budget, ModelTensors& out) {
  const std::string where = path + ": tensor '" + name + "'";
  const int type = t.data_type();
  const std::size_t itemsize =
      type == onnx::TensorProto_DataType_DOUBLE  ? 8
      : type == onnx::TensorProto_DataType_FLOAT ? 4
      : type == onnx::TensorProto_DataType_FLOAT16 || type == onnx::TensorProto_DataType_BFLOAT16
          ? 2
          : 0;
  if (!itemsize) {
    out.skipped.push_back(name + " (" + onnx_type_name(type) + ")");
    return;
  }
  check_tensor_name(path, name);
  std::vector<std::size_t> shape;
  for (const auto d : t.dims()) {
    if (d < 0)
      throw std::runtime_error(where + ": dimension " + std::to_string(d) + " is negative");
    shape.push_back(static_cast<std::size_t>(d));
  }
  const std::size_t count = checked_product(shape, where);
  const std::size_t bytes = checked_multiply(count, itemsize, where);
  const bool half = itemsize == 2;
  Tensor tensor = float_tensor(name, shape, itemsize,
                               type == onnx::TensorProto_DataType_FLOAT16 ? "float16" : "bfloat16");
  const auto decode = [&](const std::uint8_t* p) {
    tensor.values.set_size(count);
    for (std::size_t i = 0; i < count; ++i)
      tensor.values[i] =
          type == onnx::TensorProto_DataType_BFLOAT16
              ? bfloat16_to_float(static_cast<std::uint16_t>(little_u64(p + 2 * i, 2)))
              : stored_float(p + i * itemsize, itemsize, false);
  };
  // Each way ONNX stores values, its count checked before anything is allocated.
  const auto stored = [&](std::size_t n, const char* field) {
    if (n != count)
      throw std::runtime_error(where + ": " + field + " holds " + std::to_string(n) +
                               " values, its shape " + std::to_string(count));
  };
  if (t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    decode(external_bytes(path, t, bytes, where, budget).data());
  } else if (!t.raw_data().empty() || count == 0) {
    if (t.raw_data().size() != bytes)
      throw std::runtime_error(where + ": raw_data of " + std::to_string(t.raw_data().size()) +
                               " bytes, its shape needs " + std::to_string(bytes));
    decode(reinterpret_cast<const std::uint8_t*>(t.raw_data().data()));
  } else if (type == onnx::TensorProto_DataType_FLOAT) {
    stored(static_cast<std::size_t>(t.float_data_size()), "float_data");
    tensor.values = arma::conv_to<arma::vec>::from(
        std::vector<float>(t.float_data().begin(), t.float_data().end()));
  } else if (type == onnx::TensorProto_DataType_DOUBLE) {
    stored(static_cast<std::size_t>(t.double_data_size()), "double_data");
    tensor.values = arma::vec(std::vector<double>(t.double_data().begin(), t.double_data().end()));
  } else if (half) {  // 16-bit values, one in the low half of each int32_data entry
    stored(static_cast<std::size_t>(t.int32_data_size()), "int32_data");
    std::vector<std::uint8_t> raw(bytes);
    for (std::size_t i = 0; i < count; ++i) {
      const auto v = static_cast<std::uint32_t>(t.int32_data(static_cast<int>(i)));
      raw[2 * i] = static_cast<std::uint8_t>(v & 0xff);
      raw[2 * i + 1] = static_cast<std::uint8_t>((v >> 8) & 0xff);
    }
    decode(raw.data());
  }
  out.tensors.push_back(std::move(tensor));
}

}  // namespace

ModelTensors read_onnx(const std::string& path) {
  const std::vector<std::uint8_t> b = read_regular_file(path);
  onnx::ModelProto model;
  if (b.size() > static_cast<std::size_t>(INT32_MAX) ||
      !model.ParseFromArray(b.data(), static_cast<int>(b.size())))
    throw std::runtime_error(path + " is not an ONNX model (its protobuf does not parse)");
  ModelTensors out;
  ExternalBudget budget;
  for (const onnx::TensorProto& t : model.graph().initializer())
    add_onnx_tensor(path, t, t.name(), budget, out);
  // Exporters that keep weights in Constant nodes (paddle2onnx): each node's value, named by
  // its output.
  for (const onnx::NodeProto& node : model.graph().node()) {
    if (node.op_type() != "Constant" || node.output_size() != 1) continue;
    for (const onnx::AttributeProto& a : node.attribute())
      if (a.name() == "value" && a.has_t())
        add_onnx_tensor(path, a.t(), node.output(0), budget, out);
  }
  return out;
}

std::optional<ModelFormat> model_file_format(const std::string& path) {
  const std::string extension = fs::path(path).extension().string();
  if (extension == ".npy") return ModelFormat::npy;
  if (extension == ".npz") return ModelFormat::npz;
  if (extension == ".safetensors") return ModelFormat::safetensors;
  if (extension == ".onnx") return ModelFormat::onnx;
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  if (H5Fis_hdf5(path.c_str()) <= 0) return std::nullopt;
  try {
    const H5::H5File file(path, H5F_ACC_RDONLY);
    if (file.attrExists("format")) return std::nullopt;  // a quantlab file
  } catch (const H5::Exception&) {
    return std::nullopt;
  }
  return ModelFormat::hdf5;
}

namespace {

ModelTensors read_as(const std::string& path, ModelFormat format) {
  switch (format) {
    case ModelFormat::npy:
      return read_npy(path, fs::path(path).stem().string());
    case ModelFormat::npz:
      return read_npz(path);
    case ModelFormat::safetensors:
      return read_safetensors(path);
    case ModelFormat::onnx:
      return read_onnx(path);
    case ModelFormat::hdf5:
      break;
  }
  return read_hdf5_datasets(path);
}

}  // namespace

ModelTensors read_model_file(const std::string& path, ModelFormat format) {
  try {
    return read_as(path, format);
  } catch (const std::bad_alloc&) {
    // A file's values may be larger than the memory there is (every size was checked
    // against the file's first, so this is real data, not a lying header).
    throw std::runtime_error(path + ": its tensors do not fit in the memory there is");
  }
}

}  // namespace quantlab
