// GNU Backgammon's gnubg.wd (../shared/DATA.md): little-endian float32 magic 472.3782 and
// version, then per net int32 nInput, nHidden, nOutput, nTrained, float32 betaHidden,
// betaOutput, hidden weights [nInput x nHidden], output weights [nHidden x nOutput], hidden
// biases, output biases; nets follow each other to the end of the file.
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "datasets/importers.hpp"

namespace quantlab {

void import_gnubg_weights(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                          ImportReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::size_t at = 0;
  auto word = [&](const char* what) {
    if (at + 4 > bytes.size())
      throw std::runtime_error(path + " is truncated (in " + std::string(what) + " at byte " +
                               std::to_string(at) + ")");
    std::uint32_t v = 0;
    for (int b = 0; b < 4; ++b)
      v |= std::uint32_t(static_cast<std::uint8_t>(bytes[at + b])) << (8 * b);
    at += 4;
    return v;
  };
  auto real = [&](const char* what) {
    const std::uint32_t v = word(what);
    float f;
    std::memcpy(&f, &v, 4);
    return f;
  };
  if (bytes.size() < 8 || std::abs(real("the magic number") - 472.3782f) > 1e-3f)
    throw std::runtime_error(path + " is not a GNU Backgammon weights file (bad magic number)");
  const float version = real("the version");
  const std::map<std::string, std::string> attributes{
      {"source", info.source},
      {"version", info.version},
      {"licence", info.licence},
      {"gnubg_weights_version", std::to_string(version)}};
  for (int net = 0; at < bytes.size(); ++net) {
    const std::size_t inputs = word("a net header"), hidden = word("a net header"),
                      outputs = word("a net header");
    word("a net header");                        // nTrained
    real("a net header"), real("a net header");  // betaHidden, betaOutput
    if (inputs == 0 || hidden == 0 || outputs == 0 || inputs * hidden > bytes.size())
      throw std::runtime_error(path + ": net " + std::to_string(net) + " has an impossible size");
    const std::string prefix = "net" + std::to_string(net) + "/";
    auto tensor = [&](const std::string& name, std::vector<std::size_t> shape) {
      std::size_t count = 1;
      for (auto d : shape) count *= d;
      std::vector<float> values(count);
      for (auto& v : values) v = real(name.c_str());
      out.add_float32(prefix + name, shape, values, attributes);
      report.imported.push_back(prefix + name);
      report.values += count;
    };
    tensor("hidden_weights", {inputs, hidden});
    tensor("output_weights", {hidden, outputs});
    tensor("hidden_bias", {hidden});
    tensor("output_bias", {outputs});
  }
}

}  // namespace quantlab
