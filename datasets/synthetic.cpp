#include "datasets/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "algorithms/generator.hpp"

namespace quantlab {
namespace {

double scalar(const SyntheticSpec& spec, const std::string& key, double fallback) {
  auto it = spec.parameters.find(key);
  return it == spec.parameters.end() ? fallback : it->second.at(0);
}

std::string describe(const SyntheticSpec& spec) {
  std::string out;
  for (const auto& [key, values] : spec.parameters) {
    if (!out.empty()) out += ',';
    out += key + '=';
    for (std::size_t i = 0; i < values.size(); ++i) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", values[i]);
      out += (i ? ";" : "") + std::string(buffer);
    }
  }
  return out;
}

}  // namespace

const std::map<std::string, std::vector<std::string>>& synthetic_distributions() {
  static const std::map<std::string, std::vector<std::string>> all = {
      {"gaussian", {"mean", "std"}},
      {"uniform", {"low", "high"}},
      {"laplace", {"loc", "scale"}},
      {"student_t", {"nu", "loc", "scale"}},
      {"gaussian_mixture", {"weights", "means", "stds"}},
  };
  return all;
}

void validate(const SyntheticSpec& spec) {
  const auto& all = synthetic_distributions();
  auto it = all.find(spec.distribution);
  if (it == all.end())
    throw std::invalid_argument("unknown distribution '" + spec.distribution +
                                "' (gaussian, uniform, laplace, student_t, gaussian_mixture)");
  if (spec.n == 0) throw std::invalid_argument("a synthetic tensor needs n >= 1");
  if (!spec.shape.empty()) {
    std::size_t product = 1;
    for (std::size_t d : spec.shape) product *= d;
    if (product != spec.n)
      throw std::invalid_argument("shape's product (" + std::to_string(product) + ") is not n (" +
                                  std::to_string(spec.n) + ")");
  }
  if (spec.integer_bits < 0 || spec.integer_bits > 32)
    throw std::invalid_argument("integer_bits must be 1 ... 32 (0: not rounded)");
  const bool mixture = spec.distribution == "gaussian_mixture";
  for (const auto& [key, values] : spec.parameters) {
    bool known = false;
    for (const auto& name : it->second) known = known || name == key;
    if (!known) {
      std::string names;
      for (const auto& name : it->second) names += (names.empty() ? "" : ", ") + name;
      throw std::invalid_argument("unknown parameter '" + key + "' of " + spec.distribution +
                                  " (allowed: " + names + ")");
    }
    if (!mixture && values.size() != 1)
      throw std::invalid_argument("parameter '" + key + "' must be one number");
    for (double v : values)
      if (!std::isfinite(v)) throw std::invalid_argument("parameter '" + key + "' is not finite");
  }
  auto positive = [&](const std::string& key) {
    auto p = spec.parameters.find(key);
    if (p != spec.parameters.end())
      for (double v : p->second)
        if (!(v > 0)) throw std::invalid_argument("parameter '" + key + "' must be > 0");
  };
  positive("std"), positive("scale"), positive("nu"), positive("stds");
  if (spec.distribution == "uniform" && !(scalar(spec, "low", -1) < scalar(spec, "high", 1)))
    throw std::invalid_argument("uniform needs low < high");
  if (mixture) {
    const auto& p = spec.parameters;
    for (const char* key : {"weights", "means", "stds"})
      if (!p.count(key)) throw std::invalid_argument(std::string("gaussian_mixture needs ") + key);
    const std::size_t k = p.at("weights").size();
    if (k == 0 || p.at("means").size() != k || p.at("stds").size() != k)
      throw std::invalid_argument("gaussian_mixture needs weights, means and stds of one length");
    double total = 0;
    for (double w : p.at("weights")) {
      if (w < 0) throw std::invalid_argument("gaussian_mixture weights must be >= 0");
      total += w;
    }
    if (!(total > 0)) throw std::invalid_argument("gaussian_mixture weights sum to 0");
  }
}

Tensor make_synthetic(const std::string& name, const SyntheticSpec& spec) {
  validate(spec);
  Generator gen(spec.seed);
  Tensor t;
  t.name = name;
  t.shape = spec.shape.empty() ? std::vector<std::size_t>{spec.n} : spec.shape;
  t.dtype = spec.dtype;
  t.values.set_size(spec.n);
  const std::string& d = spec.distribution;
  if (d == "gaussian") {
    const double mean = scalar(spec, "mean", 0), sd = scalar(spec, "std", 1);
    for (double& v : t.values) v = mean + sd * gen.normal();
  } else if (d == "uniform") {
    const double lo = scalar(spec, "low", -1), hi = scalar(spec, "high", 1);
    for (double& v : t.values) v = lo + (hi - lo) * gen.uniform();
  } else if (d == "laplace") {
    const double loc = scalar(spec, "loc", 0), scale = scalar(spec, "scale", 1);
    for (double& v : t.values) v = loc + scale * gen.laplace();
  } else if (d == "student_t") {
    const double nu = scalar(spec, "nu", 3), loc = scalar(spec, "loc", 0),
                 scale = scalar(spec, "scale", 1);
    for (double& v : t.values) v = loc + scale * gen.student_t(nu);
  } else {  // gaussian_mixture: pick a component by its weight, then draw from it
    const auto& w = spec.parameters.at("weights");
    const auto& means = spec.parameters.at("means");
    const auto& stds = spec.parameters.at("stds");
    double total = 0;
    for (double x : w) total += x;
    for (double& v : t.values) {
      double target = gen.uniform() * total;
      std::size_t c = 0;
      while (c + 1 < w.size() && target >= w[c]) target -= w[c++];
      v = means[c] + stds[c] * gen.normal();
    }
  }
  if (spec.integer_bits > 0) {
    const double top = std::ldexp(1.0, spec.integer_bits) - 1;
    for (double& v : t.values) v = std::clamp(std::round(v), 0.0, top);
  }
  if (spec.dtype == DType::float32)
    for (double& v : t.values) v = static_cast<double>(static_cast<float>(v));
  t.attributes["source"] = "synthetic";
  t.attributes["licence"] = "CC0-1.0 (generated)";
  t.attributes["generator"] = "quantlab xoshiro256** / " + d;
  t.attributes["generator_parameters"] = describe(spec);
  t.attributes["seed"] = std::to_string(spec.seed);
  if (spec.integer_bits > 0) t.attributes["integer_bits"] = std::to_string(spec.integer_bits);
  t.attributes["n"] = std::to_string(spec.n);
  return t;
}

}  // namespace quantlab
