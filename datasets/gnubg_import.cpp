// GNU Backgammon's gnubg.wd (../shared/DATA.md): little-endian float32 magic 472.3782 and
// version, then per net int32 nInput, nHidden, nOutput, nTrained, float32 betaHidden,
// betaOutput, hidden weights [nInput x nHidden], output weights [nHidden x nOutput], hidden
// biases, output biases; nets follow each other to the end of the file.
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"
#include "datasets/tensor.hpp"

namespace quantlab {

void import_gnubg_weights(const std::string& path, const SourceInfo& info, DatasetWriter& out,
                          ImportReport& report) {
  const std::vector<std::uint8_t> bytes = read_regular_file(path);
  std::size_t at = 0;
  auto word = [&](const char* what) {
    if (at + 4 > bytes.size())
      throw std::runtime_error(path + " is truncated (in " + std::string(what) + " at byte " +
                               std::to_string(at) + ")");
    std::uint32_t v = 0;
    for (int b = 0; b < 4; ++b) v |= std::uint32_t(bytes[at + b]) << (8 * b);
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
    // The net's four tensors must fit in what is left of the file before any is allocated:
    // a 48-byte file must not declare a gigabyte of weights.
    const std::string where = path + ": net " + std::to_string(net);
    if (inputs == 0 || hidden == 0 || outputs == 0)
      throw std::runtime_error(where + " has an impossible size");
    const std::vector<std::pair<const char*, std::size_t>> sizes{
        {"hidden_weights", checked_multiply(inputs, hidden, where + ": its hidden weights")},
        {"output_weights", checked_multiply(hidden, outputs, where + ": its output weights")},
        {"hidden_bias", hidden},
        {"output_bias", outputs}};
    std::size_t declared = 0;
    for (const auto& [name, count] : sizes) declared = checked_add(declared, count, where);
    const std::size_t fit = (bytes.size() - at) / 4;  // whole float32 values left
    if (declared > fit) {
      // Named as the value-by-value read would have found it: the tensor the file ends in.
      const char* name = sizes.back().first;
      for (std::size_t before = 0, i = 0; i < sizes.size(); before += sizes[i++].second)
        if (fit < before + sizes[i].second) {
          name = sizes[i].first;
          break;
        }
      throw std::runtime_error(path + " is truncated (in " + name + " at byte " +
                               std::to_string(at + 4 * fit) + "; net " + std::to_string(net) +
                               " declares " + std::to_string(declared) + " values)");
    }
    const std::string prefix = "net" + std::to_string(net) + "/";
    auto tensor = [&](const std::string& name, std::vector<std::size_t> shape) {
      const std::size_t count = checked_product(shape, where);
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
