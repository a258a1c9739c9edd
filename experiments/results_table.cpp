#include "experiments/results_table.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {
const char* kFormat = "quantlab-results";
const std::int64_t kFormatVersion = 1;
}  // namespace

std::string ResultsTable::cell(const std::string& column, std::size_t row) const {
  if (auto it = text.find(column); it != text.end()) return it->second.at(row);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", numbers.at(column).at(row));
  return buffer;
}

void write_results(const std::string& path, const ResultsTable& table,
                   const Distributions& distributions) {
  hdf5::write_file_atomically(path, [&](H5::H5File& file) {
    H5::Group root = file.openGroup("/");
    hdf5::set_attribute(root, "format", std::string(kFormat));
    hdf5::set_attribute(root, "format_version", kFormatVersion);
    hdf5::set_attribute(root, "sweep", table.sweep);
    hdf5::set_attribute(root, "config", table.config);
    H5::Group group = root.createGroup("table");
    std::string order;
    for (const auto& column : table.columns) {
      order += (order.empty() ? "" : ",") + column;
      if (auto t = table.text.find(column); t != table.text.end())
        hdf5::write_vector(group, column, t->second);
      else
        hdf5::write_vector(group, column, table.numbers.at(column));
    }
    hdf5::set_attribute(group, "columns", order);
    H5::Group runs = root.createGroup("distributions");
    for (const auto& [id, vectors] : distributions) {
      H5::Group run = runs.createGroup(id);
      for (const auto& [name, values] : vectors) hdf5::write_vector(run, name, values);
    }
  });
}

ResultsTable read_results(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw std::runtime_error("results file " + path + " does not exist");
  try {
    H5::H5File file(path, H5F_ACC_RDONLY);
    H5::Group root = file.openGroup("/");
    if (!hdf5::has_attribute(root, "format") || hdf5::string_attribute(root, "format") != kFormat)
      throw std::runtime_error(path + " is not a quantlab results file (made by quantlab merge)");
    ResultsTable table;
    table.sweep = hdf5::string_attribute(root, "sweep");
    table.config = hdf5::string_attribute(root, "config");
    H5::Group group = root.openGroup("table");
    const std::string order = hdf5::string_attribute(group, "columns");
    std::size_t start = 0;
    while (start < order.size()) {
      std::size_t end = order.find(',', start);
      if (end == std::string::npos) end = order.size();
      const std::string column = order.substr(start, end - start);
      table.columns.push_back(column);
      H5::DataSet d = group.openDataSet(column);
      if (d.getTypeClass() == H5T_STRING) {
        table.text[column] = hdf5::read_strings(group, column);
        table.rows = table.text[column].size();
      } else {
        table.numbers[column] = hdf5::read_doubles(group, column);
        table.rows = table.numbers[column].size();
      }
      start = end + 1;
    }
    return table;
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read results file " + path + ": " + e.getDetailMsg());
  }
}

}  // namespace quantlab
