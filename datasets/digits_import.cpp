// scikit-learn's digits.csv.gz: 1,797 rows of 65 integers, the 8 x 8 pixels (0..16) and the
// label last.
#include <cmath>
#include <stdexcept>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"

namespace quantlab {
namespace {

// 65 numbers of up to 60 characters each: a longer row is not a digits row, and the bound
// keeps a stream without newlines (a gzip bomb of zeros) from being inflated whole.
const std::size_t kMaxRowBytes = 4096;

float parse_cell(std::string cell, const std::string& path, std::size_t row) {
  const std::size_t first = cell.find_first_not_of(" \t");
  cell = first == std::string::npos ? ""
                                    : cell.substr(first, cell.find_last_not_of(" \t") + 1 - first);
  std::size_t used = 0;
  float v = 0;
  try {
    v = std::stof(cell, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != cell.size() || !std::isfinite(v))
    throw std::runtime_error(path + ": row " + std::to_string(row) + " has a non-number '" + cell +
                             "'");
  return v;
}

}  // namespace

void import_digits_csv(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                       ImportReport& report) {
  // Row by row from the stream: memory follows the rows parsed, never the declared or the
  // inflated size.
  MaybeGzippedReader in(path);
  std::vector<std::uint8_t> chunk;
  std::size_t at = 0;
  bool end = false;
  auto next_line = [&](std::string& line) {
    line.clear();
    for (;;) {
      for (; at < chunk.size(); ++at) {
        if (chunk[at] == '\n') {
          ++at;
          return true;
        }
        line += static_cast<char>(chunk[at]);
        if (line.size() > kMaxRowBytes) return true;  // reported by the caller
      }
      if (end) return !line.empty();
      chunk.clear();
      at = 0;
      end = in.read(chunk, 1 << 16) < (1 << 16);
    }
  };
  std::vector<float> pixels, labels;
  std::string line;
  std::size_t row = 0;
  while (next_line(line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    ++row;
    if (line.size() > kMaxRowBytes)
      throw std::runtime_error(path + ": row " + std::to_string(row) + " is longer than " +
                               std::to_string(kMaxRowBytes) + " bytes (65 numbers never are)");
    std::vector<float> fields;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(parse_cell(line.substr(start, comma - start), path, row));
      if (comma == std::string::npos || comma + 1 == line.size()) break;  // "1,2,3," is 3
      start = comma + 1;
    }
    if (fields.size() != 65)
      throw std::runtime_error(path + ": row " + std::to_string(row) + " has " +
                               std::to_string(fields.size()) + " fields, not 65");
    pixels.insert(pixels.end(), fields.begin(), fields.begin() + 64);
    labels.push_back(fields[64]);
  }
  if (row == 0) throw std::runtime_error(path + " holds no rows");
  const std::map<std::string, std::string> attributes{
      {"source", info.source}, {"version", info.version}, {"licence", info.licence}};
  out.add_float32("digits/images", {row, 8, 8}, pixels, attributes);
  out.add_float32("digits/labels", {row}, labels, attributes);
  report.imported.push_back("digits/images");
  report.imported.push_back("digits/labels");
  report.values += pixels.size() + labels.size();
}

}  // namespace quantlab
