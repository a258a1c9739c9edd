// scikit-learn's digits.csv.gz: 1,797 rows of 65 integers, the 8 x 8 pixels (0..16) and the
// label last.
#include <sstream>
#include <stdexcept>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"

namespace quantlab {

void import_digits_csv(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                       ImportReport& report) {
  const std::vector<std::uint8_t> bytes = read_maybe_gzipped(path);
  std::istringstream text(std::string(bytes.begin(), bytes.end()));
  std::vector<float> pixels, labels;
  std::string line;
  std::size_t row = 0;
  while (std::getline(text, line)) {
    if (line.empty()) continue;
    ++row;
    std::vector<float> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) {
      try {
        std::size_t used = 0;
        fields.push_back(std::stof(cell, &used));
      } catch (const std::exception&) {
        throw std::runtime_error(path + ": row " + std::to_string(row) + " has a non-number '" +
                                 cell + "'");
      }
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
