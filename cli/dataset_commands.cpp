#include "cli/dataset_commands.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/sweep_commands.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/dataset_import.hpp"
#include "datasets/synthetic.hpp"

namespace quantlab::cli {

int command_dataset_make(const Invocation& in) {
  po::options_description o("options");
  std::string out, name, distribution, dtype;
  std::size_t n = 0;
  std::uint64_t seed = 0;
  std::vector<std::string> params;
  bool append = false;
  std::string config;
  o.add_options()("out", po::value(&out)->required(), "dataset file to write")(
      "config", po::value(&config),
      "write every tensor of this sweep config's datasets (as <dataset>[/<tensor>]) instead")(
      "name", po::value(&name), "tensor name")(
      "distribution", po::value(&distribution),
      "gaussian, uniform, laplace, student_t or gaussian_mixture")(
      "n", po::value(&n), "number of values")("seed", po::value(&seed)->default_value(0),
                                              "generator seed")(
      "dtype", po::value(&dtype)->default_value("float64"), "float32 or float64")(
      "param", po::value(&params)->composing(),
      "distribution parameter KEY=V[,V...] (repeatable), e.g. std=2 or means=-1,1")(
      "append", po::bool_switch(&append), "add to an existing file instead of replacing it");
  po::positional_options_description p;
  p.add("out", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  if (!config.empty()) {
    const Plan plan = plan_from(config);
    std::vector<Tensor> tensors;
    for (const auto& t : plan.tensors) {
      tensors.push_back(t.tensor);
      if (t.source != "synthetic") tensors.back().name = t.dataset + "/" + t.tensor.name;
    }
    write_dataset_file(out, tensors);
    std::cout << out << ": " << tensors.size() << " tensors of " << config << "\n";
    return 0;
  }
  if (name.empty() || distribution.empty() || n == 0)
    throw UsageError("dataset make needs --config, or --name, --distribution and --n");
  SyntheticSpec spec;
  spec.distribution = distribution;
  spec.n = n;
  spec.seed = seed;
  if (dtype != "float32" && dtype != "float64")
    throw UsageError("--dtype must be float32 or float64");
  spec.dtype = dtype == "float32" ? DType::float32 : DType::float64;
  for (const auto& kv : params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw UsageError("--param needs KEY=VALUE, not '" + kv + "'");
    std::vector<double> values;
    for (const auto& v : split(kv.substr(eq + 1))) {
      try {
        values.push_back(std::stod(v));
      } catch (const std::exception&) {
        throw UsageError("--param " + kv + ": '" + v + "' is not a number");
      }
    }
    spec.parameters[kv.substr(0, eq)] = values;
  }
  Tensor tensor;
  try {
    tensor = make_synthetic(name, spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  std::vector<Tensor> tensors;
  if (append && std::filesystem::exists(out))
    for (const auto& existing : list_tensors(out))
      if (existing != name) tensors.push_back(read_tensor(out, existing));
  tensors.push_back(tensor);
  write_dataset_file(out, tensors);
  std::cout << out << ": " << name << " " << tensor.shape_text() << " " << dtype_name(spec.dtype)
            << " " << tensor.checksum() << "\n";
  return 0;
}

int command_dataset_ls(const Invocation& in) {
  po::options_description o("options");
  std::string file;
  o.add_options()("file", po::value(&file)->required(), "dataset file");
  po::positional_options_description p;
  p.add("file", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  std::printf("%-32s %-16s %-8s %10s %11s %11s %11s %11s %10s %9s\n", "tensor", "shape", "dtype",
              "n", "mean", "std", "min", "max", "distinct", "kurtosis");
  for (const auto& name : list_tensors(file)) {
    const Tensor t = read_tensor(file, name);
    const arma::vec& x = t.values;
    const double mean = x.is_empty() ? NAN : arma::mean(x);
    const double var = x.n_elem ? arma::mean(arma::square(x - mean)) : NAN;
    const double kurtosis = x.n_elem ? arma::mean(arma::pow(x - mean, 4)) / (var * var) - 3 : NAN;
    const arma::vec u = arma::unique(x);
    std::printf("%-32s %-16s %-8s %10zu %11.4g %11.4g %11.4g %11.4g %10zu %9.3g\n", name.c_str(),
                t.shape_text().c_str(), dtype_name(t.dtype), t.size(), mean, std::sqrt(var),
                x.n_elem ? x.min() : NAN, x.n_elem ? x.max() : NAN,
                static_cast<std::size_t>(u.n_elem), kurtosis);
  }
  return 0;
}

int command_dataset_import(const Invocation& in) {
  po::options_description o("options");
  std::string source, out, cache, format, prefix;
  std::vector<std::string> inputs;
  std::string format_names;
  for (const auto& f : local_formats()) format_names += (format_names.empty() ? "" : ", ") + f;
  bool convert = false;
  o.add_options()("source", po::value(&source), "a known source (quantlab dataset sources)")(
      "out", po::value(&out), "dataset file to write (default datasets/<source>.h5)")(
      "cache", po::value(&cache)->default_value("datasets/cache"), "where packages are unpacked")(
      "format", po::value(&format), ("import local files instead: " + format_names).c_str())(
      "input", po::value(&inputs)->composing(), "a local input file (idx: images, then labels)")(
      "prefix", po::value(&prefix)->default_value(""), "tensor name prefix for local files")(
      "convert-quantized", po::bool_switch(&convert),
      "also import float16 and uint8/uint16-quantized tensors, marked already_quantized");
  po::positional_options_description p;
  p.add("source", 1);
  po::variables_map vm;
  if (!parse(in, o, p, vm)) return 0;
  ImportReport report;
  if (!format.empty()) {
    if (out.empty()) throw UsageError("--format needs --out");
    report = import_files(format, inputs, prefix, out, convert);
  } else {
    const PackageSource* known = find_package_source(source);
    if (!known) {
      std::string names;
      for (const auto& s : package_sources()) names += (names.empty() ? "" : ", ") + s.name;
      throw UsageError("unknown source '" + source + "' (one of " + names +
                       "; or --format for local files)");
    }
    if (out.empty()) out = "datasets/" + known->name + ".h5";
    const ImportResult result = import_package(*known, cache, out, convert);
    if (result.reused) {
      std::cout << out << ": already holds " << pinned_name(*known) << " (checksums verified)\n";
      return 0;
    }
    report = result.report;
  }
  std::cout << out << ": " << report.imported.size() << " tensors, " << report.values
            << " values imported; " << report.skipped.size() << " skipped\n";
  // Skipped tensors by kind ("(float16-quantized float32): already quantized", ...); the
  // dataset file's attribute `skipped` lists every one.
  std::map<std::string, std::size_t> kinds;
  for (const auto& s : report.skipped) ++kinds[s.substr(s.rfind(" ("))];
  for (const auto& [kind, count] : kinds) std::cout << "  skipped " << count << kind << "\n";
  const bool convertible = std::any_of(kinds.begin(), kinds.end(), [](const auto& k) {
    return k.first.find("quantized") != std::string::npos ||
           k.first.find("float16") != std::string::npos;
  });
  if (!convert && convertible)
    std::cout << "  (--convert-quantized imports the float16 and quantized ones)\n";
  return 0;
}

int command_dataset_sources(const Invocation& in) {
  po::options_description o("options");
  po::variables_map vm;
  if (!parse(in, o, {}, vm)) return 0;
  std::printf("%-14s %-8s %-40s %s\n", "source", "registry", "package", "contents");
  for (const auto& s : package_sources())
    std::printf("%-14s %-8s %-40s %s\n", s.name.c_str(), s.registry.c_str(), pinned_name(s).c_str(),
                s.contents.c_str());
  return 0;
}

}  // namespace quantlab::cli
