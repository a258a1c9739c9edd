#include "experiments/results_table.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {
const hdf5::FileFormat kFormat{"quantlab-results", 2, "results file", "merge the sweep again"};
// Far above any sweep's table; the file is read whole to verify its checksum.
constexpr std::size_t kMaxResultsBytes = std::size_t{1} << 40;
}  // namespace

std::string ResultsTable::cell(const std::string& column, std::size_t row) const {
  if (auto it = text.find(column); it != text.end()) return it->second.at(row);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", numbers.at(column).at(row));
  return buffer;
}

void write_results(const std::string& path, const ResultsTable& table,
                   const Distributions& distributions) {
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, kFormat);
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
      },
      /*sealed=*/true);
}

ResultsTable read_results(const std::string& path, Distributions* distributions) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    throw std::runtime_error("results file " + path + " does not exist");
  std::vector<char> image = hdf5::read_sealed_file(path, kMaxResultsBytes);
  ResultsTable table;
  try {
    H5::H5File file = hdf5::open_file_image(image);
    H5::Group root = file.openGroup("/");
    hdf5::check_format(root, kFormat);
    table.sweep = hdf5::string_attribute(root, "sweep");
    table.config = hdf5::string_attribute(root, "config");
    H5::Group group = root.openGroup("table");
    const std::string order = hdf5::string_attribute(group, "columns");
    std::size_t start = 0;
    std::string first;
    while (start < order.size()) {
      std::size_t end = order.find(',', start);
      if (end == std::string::npos) end = order.size();
      const std::string column = order.substr(start, end - start);
      start = end + 1;
      if (table.has(column)) throw std::runtime_error("column '" + column + "' appears twice");
      table.columns.push_back(column);
      H5::DataSet d = group.openDataSet(column);
      std::size_t rows = 0;
      if (d.getTypeClass() == H5T_STRING) {
        table.text[column] = hdf5::read_strings(group, column);
        rows = table.text[column].size();
      } else {
        table.numbers[column] = hdf5::read_doubles(group, column);
        rows = table.numbers[column].size();
      }
      if (first.empty()) {
        first = column;
        table.rows = rows;
      } else if (rows != table.rows) {
        throw std::runtime_error("column '" + column + "' has " + std::to_string(rows) +
                                 " rows, '" + first + "' " + std::to_string(table.rows));
      }
    }
    if (!table.text.count("run_id")) throw std::runtime_error("no run_id column");
    if (!table.text.count("status")) throw std::runtime_error("no status column");
    if (distributions) {
      H5::Group runs = file.openGroup("distributions");
      for (hsize_t i = 0, n = runs.getNumObjs(); i < n; ++i) {
        const std::string id = runs.getObjnameByIdx(i);
        H5::Group run = runs.openGroup(id);
        for (hsize_t j = 0, m = run.getNumObjs(); j < m; ++j) {
          const std::string name = run.getObjnameByIdx(j);
          (*distributions)[id][name] = hdf5::read_doubles(run, name);
        }
      }
    }
  } catch (const H5::Exception& e) {
    throw std::runtime_error("cannot read results file " + path + ": " + hdf5::describe(e));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("results file " + path + ": " + e.what());
  }
  return table;
}

}  // namespace quantlab
