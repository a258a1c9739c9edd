#include "experiments/plan_file.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "datasets/hdf5_io.hpp"
#include "datasets/sha256.hpp"

namespace quantlab {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const char* kFormat = "quantlab-plan";
constexpr int kFormatVersion = 1;

std::vector<char> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

json to_json(const SavedPlan& plan, bool with_config) {
  json runs = json::array();
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const SavedRun& r = plan.runs[i];
    runs.push_back({{"index", i},
                    {"run_id", r.run_id},
                    {"dataset", r.dataset},
                    {"tensor", r.tensor},
                    {"granularity", r.granularity},
                    {"algorithm", r.algorithm},
                    {"label", r.label},
                    {"levels", r.levels},
                    {"seed", r.seed ? json(*r.seed) : json(nullptr)}});
  }
  json j = {{"format", kFormat},
            {"format_version", kFormatVersion},
            {"sweep", plan.sweep},
            {"config_sha256", plan.config_sha256},
            {"runs", runs}};
  if (with_config) j["config"] = plan.config;
  return j;
}

}  // namespace

SavedPlan saved_plan(const Plan& plan) {
  SavedPlan s;
  s.sweep = plan.config.name;
  s.config = plan.config.text;
  s.config_sha256 = sha256_hex(plan.config.text);
  for (const auto& r : plan.runs) {
    const PlannedTensor& t = plan.tensors[r.tensor];
    s.runs.push_back({r.id, t.dataset, t.tensor.name, r.granularity.text(), r.algorithm, r.label,
                      r.levels, r.seed});
  }
  return s;
}

std::string plan_file_path(const std::string& out, const std::string& sweep) {
  return (fs::path(out) / sweep / "plan.json").string();
}

std::string config_file_path(const std::string& out, const std::string& sweep,
                             const std::string& config_sha256) {
  return (fs::path(out) / sweep / "configs" / (config_sha256 + ".yaml")).string();
}

std::string plan_json(const SavedPlan& plan, bool with_config) {
  return to_json(plan, with_config).dump(1) + "\n";
}

void write_plan_file(const std::string& out, const SavedPlan& plan) {
  const std::string config = config_file_path(out, plan.sweep, plan.config_sha256);
  std::error_code error;
  fs::create_directories(fs::path(config).parent_path(), error);
  if (!fs::exists(config)) hdf5::write_bytes_atomically(config, bytes_of(plan.config));
  hdf5::write_bytes_atomically(plan_file_path(out, plan.sweep), bytes_of(plan_json(plan, false)));
}

std::optional<SavedPlan> read_plan_file(const std::string& out, const std::string& sweep) {
  const std::string path = plan_file_path(out, sweep);
  if (!fs::exists(path)) return std::nullopt;
  SavedPlan plan;
  try {
    std::ifstream in(path);
    const json j = json::parse(in);
    if (j.at("format") != kFormat) throw std::runtime_error("not a quantlab plan");
    if (j.at("format_version") != kFormatVersion)
      throw std::runtime_error("plan format version " + j.at("format_version").dump() +
                               ", this quantlab reads version " + std::to_string(kFormatVersion));
    plan.sweep = j.at("sweep").get<std::string>();
    plan.config_sha256 = j.at("config_sha256").get<std::string>();
    for (const auto& r : j.at("runs")) {
      SavedRun s;
      s.run_id = r.at("run_id").get<std::string>();
      s.dataset = r.at("dataset").get<std::string>();
      s.tensor = r.at("tensor").get<std::string>();
      s.granularity = r.at("granularity").get<std::string>();
      s.algorithm = r.at("algorithm").get<std::string>();
      s.label = r.at("label").get<std::string>();
      s.levels = r.at("levels").get<std::size_t>();
      if (!r.at("seed").is_null()) s.seed = r.at("seed").get<std::uint64_t>();
      plan.runs.push_back(std::move(s));
    }
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not a readable plan (" + e.what() + ")");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  const std::string config = config_file_path(out, sweep, plan.config_sha256);
  std::ifstream in(config);
  std::ostringstream text;
  text << in.rdbuf();
  plan.config = text.str();
  if (!in || sha256_hex(plan.config) != plan.config_sha256)
    throw std::runtime_error(config + ": missing or not the config the plan names");
  return plan;
}

}  // namespace quantlab
