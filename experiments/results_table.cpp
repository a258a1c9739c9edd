#include "experiments/results_table.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"

namespace quantlab {
namespace {
// 4: a text column as codes into its distinct values (3: a string a cell; 2: vectors as a
// group a run). The older two are still read.
constexpr int kVersion = 4;
hdf5::FileFormat format(int version) {
  return {"quantlab-results", version, "results file", "merge the sweep again"};
}
// Far above any sweep's table; the file is read whole to verify its checksum.
constexpr std::size_t kMaxResultsBytes = std::size_t{1} << 40;
// A text column's distinct values: `bytes` cut at `offsets` (values + 1, from 0, rising).
std::vector<std::string> text_values(const H5::Group& g, std::size_t file_bytes) {
  hdf5::bounded_length(g, "bytes", 1, file_bytes);
  const std::size_t n = hdf5::bounded_length(g, "offsets", 8, file_bytes);
  const std::string bytes = hdf5::read_bytes(g, "bytes");
  const std::vector<double> offsets = hdf5::read_doubles(g, "offsets");
  if (n == 0 || offsets[0] != 0 || offsets.back() != static_cast<double>(bytes.size()))
    throw std::runtime_error("its offsets do not fit its bytes");
  std::vector<std::string> values;
  for (std::size_t v = 0; v + 1 < n; ++v) {
    if (!(offsets[v] <= offsets[v + 1])) throw std::runtime_error("its offsets fall");
    values.emplace_back(bytes, static_cast<std::size_t>(offsets[v]),
                        static_cast<std::size_t>(offsets[v + 1] - offsets[v]));
  }
  return values;
}

}  // namespace

std::string ResultsTable::cell(const std::string& column, std::size_t row) const {
  if (auto it = text.find(column); it != text.end()) return it->second.at(row);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", numbers.at(column).at(row));
  return buffer;
}

ResultsTable stack_results(const std::vector<ResultsTable>& tables,
                           const std::vector<std::string>& names) {
  if (tables.size() == 1) return tables.front();
  ResultsTable out;
  out.columns.push_back("results");
  std::map<std::string, std::size_t> first_file;  // of each column
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const ResultsTable& t = tables[i];
    out.sweep += (i ? ", " : "") + t.sweep;
    for (const auto& c : t.columns) {
      const bool text = t.text.count(c) > 0;
      if ((text && out.numbers.count(c)) || (!text && out.text.count(c)))
        throw std::invalid_argument(names[i] + ": column '" + c + "' is " +
                                    (text ? "text" : "numeric") + " here and not in " +
                                    names[first_file.at(c)]);
      first_file.emplace(c, i);
      if (!out.has(c)) {
        out.columns.push_back(c);
        if (text)
          out.text[c];
        else
          out.numbers[c];
      }
    }
  }
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const ResultsTable& t = tables[i];
    out.text["results"].resize(out.rows + t.rows, names[i]);
    for (auto& [c, cells] : out.text) {
      if (c == "results") continue;
      const auto it = t.text.find(c);
      if (it == t.text.end())
        cells.resize(cells.size() + t.rows);
      else
        cells.append(it->second);
    }
    for (auto& [c, cells] : out.numbers) {
      const auto it = t.numbers.find(c);
      if (it == t.numbers.end())
        cells.insert(cells.end(), t.rows, std::nan(""));
      else
        cells.insert(cells.end(), it->second.begin(), it->second.end());
    }
    out.rows += t.rows;
  }
  return out;
}

void VectorColumn::set(std::size_t row, const std::vector<double>& vector) {
  end_at(row);
  values.insert(values.end(), vector.begin(), vector.end());
  offsets.push_back(static_cast<std::int64_t>(values.size()));
}

void VectorColumn::set(std::size_t row, const char* data, std::size_t size) {
  end_at(row);
  const std::size_t at = values.size();
  values.resize(at + size);
  if (size) std::memcpy(values.data() + at, data, size * sizeof(double));
  offsets.push_back(static_cast<std::int64_t>(values.size()));
}

void VectorColumn::end_at(std::size_t rows) {
  offsets.resize(rows + 1, static_cast<std::int64_t>(values.size()));
}

void write_results(const std::string& path, const ResultsTable& table,
                   const VectorColumns& vectors) {
  hdf5::write_file_atomically(
      path,
      [&](H5::H5File& file) {
        H5::Group root = file.openGroup("/");
        hdf5::set_format(root, format(kVersion));
        hdf5::set_attribute(root, "sweep", table.sweep);
        hdf5::set_attribute(root, "config", table.config);
        H5::Group group = root.createGroup("table");
        H5::Group values = root.createGroup("text_values");
        std::string order;
        for (const auto& column : table.columns) {
          order += (order.empty() ? "" : ",") + column;
          if (auto t = table.text.find(column); t != table.text.end()) {
            hdf5::write_vector(group, column, t->second.codes());
            // The values as bytes and offsets, as the vectors are: any byte (a NUL too) kept,
            // and no variable-length strings for HDF5 to chase through its heap.
            std::string bytes;
            std::vector<std::int64_t> offsets{0};
            for (const auto& v : t->second.values()) {
              bytes += v;
              offsets.push_back(static_cast<std::int64_t>(bytes.size()));
            }
            H5::Group g = values.createGroup(column);
            hdf5::write_bytes(g, "bytes", bytes);
            hdf5::write_vector(g, "offsets", offsets);
          } else {
            hdf5::write_vector(group, column, table.numbers.at(column));
          }
        }
        hdf5::set_attribute(group, "columns", order);
        H5::Group all = root.createGroup("distributions");
        for (const auto& [name, column] : vectors) {
          if (column.offsets.size() != table.rows + 1 ||
              column.offsets.back() != static_cast<std::int64_t>(column.values.size()))
            throw std::logic_error("vector column " + name + ": offsets do not fit the table");
          H5::Group g = all.createGroup(name);
          hdf5::write_vector(g, "values", column.values);
          hdf5::write_vector(g, "offsets", column.offsets);
        }
      },
      /*sealed=*/true);
}

void write_results(const std::string& path, const ResultsTable& table,
                   const Distributions& distributions) {
  VectorColumns vectors;
  const auto& ids = table.text.at("run_id");
  for (std::size_t row = 0; row < ids.size(); ++row) {
    auto run = distributions.find(ids[row]);
    if (run == distributions.end()) continue;
    for (const auto& [name, values] : run->second) vectors[name].set(row, values);
  }
  for (auto& [name, c] : vectors) c.end_at(ids.size());
  write_results(path, table, vectors);
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
    int version = kVersion;
    if (hdf5::has_attribute(root, "format_version")) {
      const double found = hdf5::number_attribute(root, "format_version");
      if (found == 2 || found == 3) version = static_cast<int>(found);
    }
    hdf5::check_format(root, format(version));
    const bool format2 = version == 2;
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
      if (column.empty()) throw std::runtime_error("an empty column name in its order");
      if (table.has(column)) throw std::runtime_error("column '" + column + "' appears twice");
      table.columns.push_back(column);
      H5::DataSet d = group.openDataSet(column);
      std::size_t rows = 0;
      if (d.getTypeClass() == H5T_STRING) {                     // format 3 and 2
        hdf5::bounded_length(group, column, 16, image.size());  // a heap reference a cell
        table.text[column] = hdf5::read_strings(group, column);
        rows = table.text[column].size();
      } else if (d.getTypeClass() == H5T_INTEGER) {
        const H5::IntType type = d.getIntType();
        if (type.getSign() != H5T_SGN_NONE || type.getSize() != 4)  // HDF5 would clip others
          throw std::runtime_error("text column '" + column + "' is not uint32 codes");
        try {
          hdf5::bounded_length(group, column, 4, image.size());
          table.text[column] = TextColumn::from_codes(
              hdf5::read_uint32s(group, column),
              text_values(file.openGroup("text_values").openGroup(column), image.size()));
        } catch (const std::runtime_error& e) {
          throw std::runtime_error("text column '" + column + "': " + e.what());
        }
        rows = table.text[column].size();
      } else {
        hdf5::bounded_length(group, column, 8, image.size());
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
    if (distributions && !format2) {
      const auto& ids = table.text.at("run_id");
      H5::Group all = file.openGroup("distributions");
      for (hsize_t i = 0, n = all.getNumObjs(); i < n; ++i) {
        const std::string name = all.getObjnameByIdx(i);
        H5::Group g = all.openGroup(name);
        hdf5::bounded_length(g, "values", 8, image.size());
        hdf5::bounded_length(g, "offsets", 8, image.size());
        const std::vector<double> values = hdf5::read_doubles(g, "values");
        const std::vector<double> offsets = hdf5::read_doubles(g, "offsets");
        if (offsets.size() != table.rows + 1 || offsets[0] != 0 ||
            offsets.back() != static_cast<double>(values.size()))
          throw std::runtime_error("distributions/" + name + ": offsets do not fit the table");
        for (std::size_t row = 0; row < table.rows; ++row) {
          const double from = offsets[row], to = offsets[row + 1];
          if (!(from <= to) || to > static_cast<double>(values.size()))
            throw std::runtime_error("distributions/" + name + ": offsets out of order");
          if (to > from)
            (*distributions)[ids[row]][name].assign(values.begin() + static_cast<long>(from),
                                                    values.begin() + static_cast<long>(to));
        }
      }
    }
    if (distributions && format2) {
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
  } catch (const std::bad_alloc&) {
    throw std::runtime_error("results file " + path + ": more than memory holds (damaged?)");
  }
  return table;
}

}  // namespace quantlab
