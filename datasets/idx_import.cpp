// IDX (LeCun's MNIST format): big-endian; bytes 0-1 zero, byte 2 the type (0x08 = uint8),
// byte 3 the number of dimensions, one uint32 per dimension, then the data row-major.
#include <stdexcept>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"
#include "datasets/tensor.hpp"

namespace quantlab {
namespace {

struct Idx {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

std::size_t big_endian32(const std::uint8_t* p) {
  return (std::size_t(p[0]) << 24) | (std::size_t(p[1]) << 16) | (std::size_t(p[2]) << 8) | p[3];
}

// The header first, then exactly the data it declares: the data is never allocated beyond
// what the file (or, compressed, the most its size can inflate to) can hold, and a stream
// longer than declared is caught one byte past its end, not inflated to the end.
Idx read_idx(const std::string& path) {
  MaybeGzippedReader in(path);
  std::vector<std::uint8_t> b;
  in.read(b, 4);
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    throw std::runtime_error(path + " is not an IDX file (bad magic number)");
  if (b[2] != 0x08)
    throw std::runtime_error(path + ": only unsigned-byte IDX data (type 0x08) is supported");
  const std::size_t rank = b[3];
  if (in.read(b, 4 * rank) < 4 * rank)
    throw std::runtime_error(path + " is truncated (incomplete header)");
  Idx idx;
  for (std::size_t d = 0; d < rank; ++d) idx.shape.push_back(big_endian32(&b[4 + 4 * d]));
  const std::size_t count = checked_product(idx.shape, path);
  const std::size_t start = 4 + 4 * rank;
  const std::uint64_t bound = in.size_bound();
  if (in.compressed() && count > bound)
    throw std::runtime_error(path + ": its header declares " + std::to_string(count) +
                             " bytes of data, more than its " + std::to_string(in.file_size()) +
                             " compressed bytes can hold");
  b.clear();
  if (!in.compressed()) {
    // Plain: the file's size says at once whether the header's count is right.
    const std::size_t held = in.file_size() - start;
    if (held != count)
      throw std::runtime_error(path + " is " + (held < count ? "truncated" : "too long") +
                               ": its header declares " + std::to_string(count) +
                               " bytes of data, it holds " + std::to_string(held));
    b.reserve(count);
  }
  const std::size_t held = in.read(b, count == SIZE_MAX ? count : count + 1);
  if (held < count)
    throw std::runtime_error(path + " is truncated: its header declares " + std::to_string(count) +
                             " bytes of data, it holds " + std::to_string(held));
  if (held > count)
    throw std::runtime_error(path + " is too long: its header declares " + std::to_string(count) +
                             " bytes of data, it holds more");
  idx.values.assign(b.begin(), b.end());
  return idx;
}

}  // namespace

void import_idx(const std::string& images, const std::string& labels, const std::string& prefix,
                const SourceInfo& info, DatasetWriter& out, ImportReport& report) {
  const Idx x = read_idx(images), y = read_idx(labels);
  if (x.shape.empty() || y.shape.size() != 1 || x.shape[0] != y.shape[0])
    throw std::runtime_error(labels + " does not hold one label per image of " + images);
  const std::map<std::string, std::string> attributes{
      {"source", info.source}, {"version", info.version}, {"licence", info.licence}};
  out.add_float32(prefix + "/images", x.shape, x.values, attributes);
  out.add_float32(prefix + "/labels", y.shape, y.values, attributes);
  report.imported.push_back(prefix + "/images");
  report.imported.push_back(prefix + "/labels");
  report.values += x.values.size() + y.values.size();
}

}  // namespace quantlab
