// The C++ side of the Python module: everything is generated from quantlab's declarations
// (the registry's algorithms, parameters and outputs; the result schema), and a quantization
// is one in-memory run through the same plan and stages as a sweep's run, so that its
// numbers are the sweep record's, bit for bit. python/quantlab/__init__.py wraps these in
// the documented API.
#include <H5Cpp.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/hdf5_io.hpp"
#include "experiments/config.hpp"
#include "experiments/merge.hpp"
#include "experiments/plan.hpp"
#include "experiments/plan_file.hpp"
#include "experiments/provenance.hpp"
#include "experiments/result_schema.hpp"
#include "experiments/results_table.hpp"
#include "experiments/run_stages.hpp"
#include "experiments/runner.hpp"

namespace py = pybind11;
using namespace quantlab;

namespace {

const char* const kWhere = "quantize()";

py::object python_value(const ParameterValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return py::int_(*i);
  if (const auto* d = std::get_if<double>(&v)) return py::float_(*d);
  if (const auto* b = std::get_if<bool>(&v)) return py::bool_(*b);
  return py::str(std::get<std::string>(v));
}

py::list list_algorithms() {
  py::list out;
  for (const AlgorithmInfo& info : algorithms()) {
    py::list parameters;
    for (const ParameterSpec& p : info.parameters) {
      py::dict d;
      d["name"] = p.name;
      d["type"] = type_name(p.type);
      d["default"] = python_value(p.default_value);
      d["allowed"] = p.allowed();
      if (p.type == ParameterType::integer || p.type == ParameterType::real)
        d["range"] = py::make_tuple(p.min, p.max);
      if (p.type == ParameterType::choice) d["choices"] = p.choices;
      d["doc"] = p.doc;
      parameters.append(d);
    }
    py::dict a;
    a["name"] = info.name;
    a["summary"] = info.summary;
    a["reference"] = info.reference;
    a["seeded"] = info.uses_seed;
    a["parameters"] = parameters;
    py::list outputs;
    for (const ColumnSpec& c : algorithm_columns(info))
      outputs.append(
          py::dict(py::arg("name") = c.name, py::arg("unit") = c.unit, py::arg("doc") = c.doc));
    a["outputs"] = outputs;
    out.append(a);
  }
  return out;
}

py::list list_columns() {
  py::list out;
  for (const ColumnSpec& c : core_columns())
    out.append(py::dict(py::arg("name") = c.name, py::arg("type") = type_name(c.type),
                        py::arg("group") = group_name(c.group), py::arg("unit") = c.unit,
                        py::arg("doc") = c.doc));
  return out;
}

// A Python value as the declared parameter's value, with the config loader's messages.
ParameterValue parameter_value(const ParameterSpec& spec, const py::handle& value,
                               const std::string& algorithm) {
  const std::string shown = py::str(py::repr(value));
  ParameterValue v;
  bool ok = true;
  const bool is_bool = py::isinstance<py::bool_>(value);
  switch (spec.type) {
    case ParameterType::integer:
      ok = py::isinstance<py::int_>(value) && !is_bool;
      if (ok) {
        try {
          v = value.cast<std::int64_t>();
        } catch (const py::cast_error&) {
          ok = false;
        }
      }
      break;
    case ParameterType::real:
      ok = (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) && !is_bool;
      if (ok) {
        try {
          v = value.cast<double>();
        } catch (const py::cast_error&) {
          ok = false;  // an int beyond any double
        }
      }
      break;
    case ParameterType::boolean:
      ok = is_bool;
      if (ok) v = value.cast<bool>();
      break;
    case ParameterType::choice:
      ok = py::isinstance<py::str>(value);
      if (ok) v = value.cast<std::string>();
      break;
  }
  const std::string what = "parameter '" + spec.name + "' of " + algorithm;
  if (!ok) throw py::value_error(what + " must be " + spec.allowed() + ", not " + shown);
  if (auto why = spec.reject(v))
    throw py::value_error(*why + " (in " + algorithm + "), not " + shown);
  return v;
}

std::vector<std::size_t> shape_of(const py::array& a) {
  return std::vector<std::size_t>(a.shape(), a.shape() + a.ndim());
}

// A tensor of the array's values: a copy, or (`view`) the array's own memory, for an array
// that outlives the tensor (nothing writes to a tensor's values).
Tensor tensor_of(const std::string& name, const py::array_t<double, py::array::c_style>& a,
                 bool single, bool view = false) {
  Tensor t;
  t.name = name;
  t.shape = shape_of(a);
  t.dtype = single ? DType::float32 : DType::float64;
  const auto n = static_cast<arma::uword>(a.size());
  t.values = view ? arma::vec(const_cast<double*>(a.data()), n, /*copy_aux_mem=*/false,
                              /*strict=*/true)
                  : arma::vec(a.data(), n);
  return t;
}

py::array_t<double> numpy_copy(const std::vector<double>& v) {
  return py::array_t<double>(static_cast<py::ssize_t>(v.size()), v.data());
}

// Each value's position in its group's codebook, in the tensor's order, with -1 for a value in
// no group (pruned).
template <class Index>
py::array indices_as(const GroupedResult& r, const std::vector<TensorGroup>& groups,
                     std::size_t n) {
  py::array_t<Index> out(static_cast<py::ssize_t>(n));
  Index* idx = out.mutable_data();
  std::size_t covered = 0;  // groups are disjoint: n members are every value
  for (const TensorGroup& g : groups) covered += g.size();
  if (covered < n) std::fill(idx, idx + n, Index{-1});
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const TensorGroup& members = groups[g];
    const arma::uvec& codewords = r.group_indices[g];
    for (std::size_t i = 0; i < members.size(); ++i)
      idx[members[i]] = static_cast<Index>(codewords[i]);
  }
  return std::move(out);
}

// The indices when the codewords are scalar levels (a Kashin code's are not: then none), as
// int32 (half the memory of int64, and wide enough that arithmetic on them, such as offsets
// into the groups' codebooks, does not wrap as int8's or int16's would), int64 beyond 2^31
// codewords a group.
py::object indices_of(const GroupedResult& r, const std::vector<TensorGroup>& groups,
                      std::size_t n) {
  double most = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (r.group_codebook_floats[g] != r.group_levels[g]) return py::none();
    most = std::max(most, r.group_levels[g]);
  }
  if (most <= 0x1p31) return indices_as<std::int32_t>(r, groups, n);
  return indices_as<std::int64_t>(r, groups, n);
}

py::dict quantize(const py::array_t<double, py::array::c_style>& x, bool single,
                  const std::string& algorithm, std::size_t levels, py::object weights,
                  std::uint64_t seed, py::object axis, std::size_t threads, bool optimum,
                  bool identify, const py::dict& given) {
  const AlgorithmInfo* info = find_algorithm(algorithm);
  if (!info)
    throw py::value_error("unknown algorithm '" + algorithm + "' (one of " + algorithm_names() +
                          ")");
  AlgorithmSpec spec;
  spec.name = algorithm;
  spec.where = kWhere;
  for (const auto& [key, value] : given) {
    const std::string name = py::str(key);
    const auto p = std::find_if(info->parameters.begin(), info->parameters.end(),
                                [&](const ParameterSpec& s) { return s.name == name; });
    if (p == info->parameters.end()) {
      std::string allowed;
      for (const auto& s : info->parameters) allowed += (allowed.empty() ? "" : ", ") + s.name;
      throw py::value_error("unknown parameter '" + name + "' of " + algorithm +
                            " (allowed: " + (allowed.empty() ? "none" : allowed) + ")");
    }
    spec.parameters.push_back({name, {parameter_value(*p, value, algorithm)}});
  }
  // The declaration order, as a config's entry gives them.
  std::sort(spec.parameters.begin(), spec.parameters.end(), [&](const auto& a, const auto& b) {
    auto position = [&](const std::string& n) {
      return std::find_if(info->parameters.begin(), info->parameters.end(),
                          [&](const ParameterSpec& s) { return s.name == n; }) -
             info->parameters.begin();
    };
    return position(a.first) < position(b.first);
  });

  SweepConfig config;
  config.path = kWhere;
  config.name = "python";
  config.levels = {levels};
  config.seeds = {seed};
  config.algorithms = {spec};
  Granularity granularity;
  if (!axis.is_none()) granularity.axis = axis.cast<int>();
  config.granularities = {granularity};
  std::map<std::string, Tensor> companions;
  py::array_t<double, py::array::c_style | py::array::forcecast> w;  // viewed until the end
  if (!weights.is_none()) {
    w = weights.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    companions["python"] = tensor_of("weights", w, false, true);
    config.weights = {"python"};
  }

  Plan plan;
  RunRecord record;
  GroupedResult result;
  RunGroups groups;
  try {
    py::gil_scoped_release unlocked;
    std::vector<PlannedTensor> tensors;
    tensors.push_back(
        in_memory_tensor(tensor_of("x", x, single, true), kWhere, companions, identify));
    plan = plan_of_tensors(config, std::move(tensors));
    if (plan.runs.size() != 1)
      throw std::logic_error("quantize() planned " + std::to_string(plan.runs.size()) + " runs");
    const PlannedRun& run = plan.runs.front();
    record = identity_record(plan, run);
    OptimumCache optima;
    MeasureOptions options;
    options.optimum = optimum;
    options.threads = threads;
    options.result = &result;
    options.groups = &groups;
    measure_run(plan, run, optima, record, options);
  } catch (const std::runtime_error& e) {
    throw py::value_error(e.what());  // quantize() reads no file: every failure is its input's
  }
  py::dict numbers, text, vectors;
  for (const auto& [k, v] : record.numbers) numbers[py::str(k)] = v;
  for (const auto& [k, v] : record.text) text[py::str(k)] = v;
  if (!identify)  // computed from no checksum: not the run's
    for (const char* k : {"run_id", "identity", "tensor_checksum"}) text[k] = py::none();
  for (const auto& [k, v] : record.vectors) vectors[py::str(k)] = numpy_copy(v);
  // The reconstruction's own memory, handed to NumPy (freed with the array).
  auto* owned = new arma::vec(std::move(result.reconstruction));
  const py::capsule free_owned(owned, [](void* p) { delete static_cast<arma::vec*>(p); });
  const py::array_t<double> reconstruction(shape_of(x), owned->memptr(), free_owned);
  py::dict out;
  out["reconstruction"] = reconstruction;
  out["codebook"] = numpy_copy(result.codebook);
  out["group_levels"] = numpy_copy(result.group_levels);
  out["indices"] = indices_of(result, groups.groups, static_cast<std::size_t>(x.size()));
  out["numbers"] = numbers;
  out["text"] = text;
  out["vectors"] = vectors;
  return out;
}

void write_dataset(const std::string& path, const py::dict& tensors, const py::dict& importance,
                   const std::map<std::string, std::string>& attributes) {
  H5::Exception::dontPrint();  // per calling thread in a thread-safe HDF5
  std::vector<Tensor> all;
  const auto add = [&](const std::string& name, const py::handle& value) {
    const py::array a = py::array::ensure(value);
    if (!a) throw py::value_error("tensor '" + name + "' is not an array");
    const bool single = a.dtype().is(py::dtype::of<float>());
    if (!single && a.dtype().kind() != 'f' && a.dtype().kind() != 'i' && a.dtype().kind() != 'u')
      throw py::value_error("tensor '" + name + "' holds " + std::string(py::str(a.dtype())) +
                            ", not numbers");
    Tensor t = tensor_of(
        name, value.cast<py::array_t<double, py::array::c_style | py::array::forcecast>>(), single);
    t.attributes = attributes;
    t.check_values("tensor '" + name + "'");
    all.push_back(std::move(t));
  };
  for (const auto& [name, value] : tensors) add(py::str(name), value);
  for (const auto& [kind, group] : importance)
    for (const auto& [name, value] : group.cast<py::dict>())
      add("importance/" + std::string(py::str(kind)) + "/" + std::string(py::str(name)), value);
  py::gil_scoped_release unlocked;
  write_dataset_file(path, all);
}

// Each run's vectors (codebook, cluster sizes, histograms, ...) by run id.
py::dict results_vectors(const std::string& path) {
  H5::Exception::dontPrint();  // per calling thread in a thread-safe HDF5
  Distributions vectors;
  {
    py::gil_scoped_release unlocked;
    read_results(path, &vectors);
  }
  py::dict out;
  for (const auto& [run, named] : vectors) {
    py::dict d;
    for (const auto& [name, v] : named) d[py::str(name)] = numpy_copy(v);
    out[py::str(run)] = d;
  }
  return out;
}

// Bytes as a str, those that are not UTF-8 handled as Python's codec error handler `errors`
// says.
py::str decoded(const std::string& bytes, const char* errors) {
  PyObject* text =
      PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), errors);
  if (!text) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(text);
}

// A text column as a list of str: each distinct value made a str once, its cells sharing it.
// Bytes that are not UTF-8 (a file name in an error text) decode as os.fsdecode does them,
// to lone surrogates that encode back to the same bytes, as scripts/results.py reads them.
py::list text_cells(const TextColumn& column) {
  std::vector<py::str> values;
  for (const auto& v : column.values()) values.push_back(decoded(v, "surrogateescape"));
  py::list cells(column.size());
  for (std::size_t row = 0; row < column.size(); ++row) cells[row] = values[column.codes()[row]];
  return cells;
}

py::dict results_columns(const std::string& path) {
  H5::Exception::dontPrint();  // per calling thread in a thread-safe HDF5
  ResultsTable table;
  {
    py::gil_scoped_release unlocked;
    table = read_results(path);
  }
  py::dict columns;
  for (const auto& name : table.columns) {
    if (table.numbers.count(name))
      columns[py::str(name)] = numpy_copy(table.numbers.at(name));
    else if (auto text = table.text.find(name); text != table.text.end())
      columns[py::str(name)] = text_cells(text->second);
  }
  return columns;
}

// The merged file's path as bytes (a path need not be UTF-8; Python decodes it as os.fsdecode).
py::bytes run_sweep(const std::string& config_path, const std::string& out, std::size_t threads,
                    const std::vector<std::string>& overrides) {
  H5::Exception::dontPrint();       // per calling thread in a thread-safe HDF5
  if (!std::ifstream(config_path))  // an OSError, as the file is; a bad config is a ValueError
    throw std::runtime_error("cannot read the config file " + config_path);
  std::string path;
  {
    py::gil_scoped_release unlocked;
    const Plan plan = make_plan(load_config(config_path, overrides));
    RunnerOptions options;
    options.out = out;
    options.threads = std::max<std::size_t>(1, threads);
    run_plan(plan, options);
    const MergeSummary merged = merge_plan(saved_plan(plan), out, false);
    if (merged.path.empty())
      throw std::runtime_error(std::to_string(merged.bad.size()) +
                               " bad records: no table written (" + merged.bad.front() + ")");
    path = merged.path;
  }
  return py::bytes(path);  // made with the GIL held again
}

// A C++ error's message as a Python exception's: bytes that are not UTF-8 (a path's) shown
// as \xNN rather than losing the message.
void set_error(PyObject* type, const std::string& message) {
  try {
    PyErr_SetObject(type, decoded(message, "backslashreplace").ptr());
  } catch (py::error_already_set& e) {
    e.restore();  // the decoding's own error (out of memory) stands
  }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "quantlab's C++ core (use the quantlab package, not this module)";
  H5::Exception::dontPrint();  // failures become one Python exception, not a printed stack
  // Bad input (data, parameters, configs) is a ValueError; files that cannot be read or
  // written are OSErrors; nothing reaches the interpreter as a crash.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::builtin_exception& e) {
      e.set_error();  // the ValueErrors raised here (they are std::runtime_errors too)
    } catch (const ConfigError& e) {
      set_error(PyExc_ValueError, e.what());
    } catch (const std::invalid_argument& e) {
      set_error(PyExc_ValueError, e.what());
    } catch (const H5::Exception& e) {
      set_error(PyExc_OSError, hdf5::describe(e));
    } catch (const std::runtime_error& e) {
      set_error(PyExc_OSError, e.what());  // a file that cannot be read or written
    }
  });
  m.def("algorithms", &list_algorithms);
  m.def("columns", &list_columns);
  m.def("quantize", &quantize);
  m.def("write_dataset", &write_dataset);
  m.def("results_columns", &results_columns);
  m.def("results_vectors", &results_vectors);
  m.def("run_sweep", &run_sweep);
  m.def("provenance", [] { return static_provenance(); });
}
