#include "experiments/plan_file.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

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

}  // namespace

void SavedRuns::push_back(const SavedRun& run) {
  ids_ += run.run_id;
  id_ends_.push_back(ids_.size());
  datasets_.push_back(run.dataset);
  tensors_.push_back(run.tensor);
  granularities_.push_back(run.granularity);
  algorithms_.push_back(run.algorithm);
  labels_.push_back(run.label);
  levels_.push_back(run.levels);
  seeds_.push_back(run.seed.value_or(0));
  seeded_.push_back(run.seed.has_value());
}

SavedRun SavedRuns::operator[](std::size_t i) const {
  SavedRun r{std::string(run_id(i)), datasets_[i], tensors_[i], granularities_[i],
             algorithms_[i],         labels_[i],   levels_[i],  std::nullopt};
  if (seeded_[i]) r.seed = seeds_[i];
  return r;
}

namespace {

json to_json(const SavedPlan& plan, bool with_config) {
  json runs = json::array();
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const SavedRun r = plan.runs[i];
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

// The plan file read as it streams (nlohmann's SAX interface), each run straight into a
// SavedRun: no document of 10^5 runs is built (that took half of reading a plan). The shape
// is checked as strictly as the document's was: an object whose `runs` is a list of objects,
// no key twice; fields it does not know (`index`, a later version's) are passed over.
class PlanReader : public nlohmann::json_sax<json> {
 public:
  explicit PlanReader(SavedPlan& plan) : plan_(plan) {}

  bool null() override { return scalar(nullptr); }
  bool boolean(bool v) override { return scalar(json(v)); }
  bool number_integer(number_integer_t v) override { return scalar(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(json(v)); }
  bool string(string_t& v) override { return scalar(json(std::move(v))); }
  bool binary(binary_t&) override { return scalar(nullptr); }
  bool key(string_t& k) override {
    if (depth_ == 1 && !top_.insert(k).second) throw std::runtime_error("'" + k + "' twice");
    if (depth_ == 1) top_key_ = std::move(k);
    if (in_run()) {
      const int i = run_key(k);
      if (i >= 0 && (seen_ & (1u << i))) throw std::runtime_error(where() + "'" + k + "' twice");
      if (i >= 0) seen_ |= 1u << i;
      run_key_ = std::move(k);
    }
    return true;
  }
  bool start_object(std::size_t) override {
    nested(true);
    if (++depth_ == 3 && in_runs_) run_ = {}, seen_ = 0;
    return true;
  }
  bool end_object() override {
    if (in_run()) {
      if (seen_ != (1u << kRunKeys.size()) - 1) throw std::runtime_error(where() + "lacks a field");
      plan_.runs.push_back(run_);
    }
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    nested(false);
    if (++depth_ == 2 && top_key_ == "runs") in_runs_ = true;
    return true;
  }
  bool end_array() override {
    if (depth_-- == 2) in_runs_ = false;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error(std::string("not a readable plan (") + e.what() + ")");
  }

  /// After the parse: the file's format and every field there, each run once.
  void finish() const {
    for (const char* k : {"format", "format_version", "sweep", "config_sha256", "runs"})
      if (!top_.count(k)) throw std::runtime_error(std::string("not a plan (no ") + k + ")");
    if (format_ != kFormat) throw std::runtime_error("not a quantlab plan");
    if (version_ != json(kFormatVersion))
      throw std::runtime_error("plan format version " + version_.dump() +
                               ", this quantlab reads version " + std::to_string(kFormatVersion));
    std::unordered_set<std::string_view> ids;
    for (std::size_t i = 0; i < plan_.runs.size(); ++i)
      if (!ids.insert(plan_.runs.run_id(i)).second)
        throw std::runtime_error("run " + std::string(plan_.runs.run_id(i)) + " twice");
  }

 private:
  static constexpr std::array<const char*, 8> kRunKeys = {
      "run_id", "dataset", "tensor", "granularity", "algorithm", "label", "levels", "seed"};
  static int run_key(const std::string& k) {
    const auto it =
        std::find_if(kRunKeys.begin(), kRunKeys.end(), [&](const char* name) { return k == name; });
    return it == kRunKeys.end() ? -1 : static_cast<int>(it - kRunKeys.begin());
  }
  bool in_run() const { return depth_ == 3 && in_runs_; }
  std::string where() const { return "run " + std::to_string(plan_.runs.size()) + ": "; }

  // An object (or a list) starting where the plan has a value of its own.
  void nested(bool object) const {
    const std::string what = object ? "an object" : "a list";
    const bool value_of_its_own = top_key_ == "format" || top_key_ == "format_version" ||
                                  top_key_ == "sweep" || top_key_ == "config_sha256";
    if (depth_ == 0 && !object) throw std::runtime_error("not a plan (not a JSON object)");
    if (depth_ == 1 && (top_key_ == "runs" ? object : value_of_its_own))
      throw std::runtime_error("'" + top_key_ + "' is " + what);
    if (depth_ == 2 && in_runs_ && !object)
      throw std::runtime_error("'runs' holds a list, not a run");
    if (in_run() && run_key(run_key_) >= 0)
      throw std::runtime_error(where() + "'" + run_key_ + "' is " + what);
  }

  bool scalar(json v) {
    if (depth_ == 0) throw std::runtime_error("not a plan (not a JSON object)");
    if (depth_ == 1) {
      if (top_key_ == "format") format_ = text(v, top_key_);
      if (top_key_ == "format_version") version_ = std::move(v);
      if (top_key_ == "sweep") plan_.sweep = text(v, top_key_);
      if (top_key_ == "config_sha256") plan_.config_sha256 = text(v, top_key_);
      if (top_key_ == "runs") throw std::runtime_error("'runs' is not a list");
    } else if (depth_ == 2 && in_runs_) {
      throw std::runtime_error("'runs' holds " + v.dump() + ", not a run");
    } else if (in_run()) {
      const int i = run_key(run_key_);
      if (i < 0) return true;  // "index", or a field of a later version
      std::string* fields[] = {&run_.run_id,      &run_.dataset,   &run_.tensor,
                               &run_.granularity, &run_.algorithm, &run_.label};
      if (i < 6) {
        *fields[i] = text(v, run_key_);
      } else if (i == 6) {
        run_.levels = whole(v, run_key_);
      } else if (!v.is_null()) {
        run_.seed = whole(v, run_key_);
      }
    }
    return true;
  }
  std::string text(const json& v, const std::string& key) const {
    if (!v.is_string())
      throw std::runtime_error((in_run() ? where() : "") + "'" + key + "' is not text");
    return v.get<std::string>();
  }
  std::uint64_t whole(const json& v, const std::string& key) const {
    if (!v.is_number_unsigned()) throw std::runtime_error(where() + "'" + key + "' is not a count");
    return v.get<std::uint64_t>();
  }

  SavedPlan& plan_;
  int depth_ = 0;
  bool in_runs_ = false;
  std::string top_key_, run_key_, format_;
  json version_;
  std::set<std::string> top_;  ///< the top-level keys seen
  SavedRun run_;
  unsigned seen_ = 0;  ///< kRunKeys seen in run_, a bit each
};

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
  // Compact (a line), unlike the printed form: a plan of 10^5 runs is read by every status
  // and merge, and its indentation was a third of its bytes. Written run by run, as
  // nlohmann's dump() writes the document (keys in order), without building the document
  // (about 1 KB a run).
  std::vector<char> text;
  auto put = [&](std::string_view s) { text.insert(text.end(), s.begin(), s.end()); };
  auto quoted = [&](const std::string& s) { put(json(s).dump()); };
  put("{\"config_sha256\":");
  quoted(plan.config_sha256);
  put(",\"format\":");
  quoted(kFormat);
  put(",\"format_version\":" + std::to_string(kFormatVersion) + ",\"runs\":[");
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    const SavedRun r = plan.runs[i];
    put(i ? ",{\"algorithm\":" : "{\"algorithm\":");
    quoted(r.algorithm);
    put(",\"dataset\":");
    quoted(r.dataset);
    put(",\"granularity\":");
    quoted(r.granularity);
    put(",\"index\":" + std::to_string(i) + ",\"label\":");
    quoted(r.label);
    put(",\"levels\":" + std::to_string(r.levels) + ",\"run_id\":");
    quoted(r.run_id);
    put(",\"seed\":" + (r.seed ? std::to_string(*r.seed) : std::string("null")) + ",\"tensor\":");
    quoted(r.tensor);
    put("}");
  }
  put("],\"sweep\":");
  quoted(plan.sweep);
  put("}\n");
  hdf5::write_bytes_atomically(plan_file_path(out, plan.sweep), text);
}

std::optional<SavedPlan> read_plan_file(const std::string& out, const std::string& sweep) {
  const std::string path = plan_file_path(out, sweep);
  if (!fs::exists(path)) return std::nullopt;
  SavedPlan plan;
  try {
    // Parsed as it is read (a plan of 10^6 runs is 160 MB of text).
    std::ifstream in(path, std::ios::binary);
    PlanReader reader(plan);
    json::sax_parse(in, &reader);
    reader.finish();
    // Its name makes the merged file's: the plan filed under this sweep must be this sweep's.
    if (plan.sweep != sweep)
      throw std::runtime_error("the plan of sweep '" + plan.sweep + "', filed under '" + sweep +
                               "'");
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
