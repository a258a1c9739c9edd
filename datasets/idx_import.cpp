// IDX (LeCun's MNIST format): big-endian; bytes 0-1 zero, byte 2 the type (0x08 = uint8),
// byte 3 the number of dimensions, one uint32 per dimension, then the data row-major.
#include <stdexcept>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"

namespace quantlab {
namespace {

struct Idx {
  std::vector<std::size_t> shape;
  std::vector<float> values;
};

Idx read_idx(const std::string& path) {
  const std::vector<std::uint8_t> b = read_maybe_gzipped(path);
  if (b.size() < 4 || b[0] != 0 || b[1] != 0)
    throw std::runtime_error(path + " is not an IDX file (bad magic number)");
  if (b[2] != 0x08)
    throw std::runtime_error(path + ": only unsigned-byte IDX data (type 0x08) is supported");
  const std::size_t rank = b[3];
  if (b.size() < 4 + 4 * rank) throw std::runtime_error(path + " is truncated (incomplete header)");
  Idx idx;
  std::size_t count = 1;
  for (std::size_t d = 0; d < rank; ++d) {
    const std::uint8_t* p = &b[4 + 4 * d];
    idx.shape.push_back((std::size_t(p[0]) << 24) | (std::size_t(p[1]) << 16) |
                        (std::size_t(p[2]) << 8) | p[3]);
    count *= idx.shape.back();
  }
  const std::size_t start = 4 + 4 * rank;
  if (b.size() - start != count)
    throw std::runtime_error(path + " is " + (b.size() - start < count ? "truncated" : "too long") +
                             ": its header declares " + std::to_string(count) +
                             " bytes of data, it holds " + std::to_string(b.size() - start));
  idx.values.assign(b.begin() + static_cast<std::ptrdiff_t>(start), b.end());
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
