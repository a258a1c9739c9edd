#include "experiments/run_record.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "records are written little-endian as they are in memory");

const std::string& algorithm_of(const RunRecord& r) {
  static const std::string none;
  auto it = r.text.find("algorithm");
  return it == r.text.end() ? none : it->second;
}

class Writer {
 public:
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void text(const std::string& s) {
    if (s.size() > UINT32_MAX) throw std::logic_error("a record's text field is over 4 GiB");
    u32(static_cast<std::uint32_t>(s.size()));
    raw(s.data(), s.size());
  }
  void raw(const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
  std::string out;
};

// Every read is checked against the bytes left: a length in damaged bytes cannot make it
// read past the end or allocate more than the record holds.
class Reader {
 public:
  Reader(const char* data, std::size_t size) : p_(data), left_(size) {}
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  double f64() { return fixed<double>(); }
  std::string text() {
    const std::uint32_t n = u32();
    need(n);
    std::string s(p_, n);
    skip(n);
    return s;
  }
  std::vector<double> doubles() {
    const std::uint64_t n = u64();
    if (n > left_ / sizeof(double)) throw std::runtime_error("truncated (a vector's length)");
    std::vector<double> v(n);
    if (n) std::memcpy(v.data(), p_, n * sizeof(double));
    skip(n * sizeof(double));
    return v;
  }
  /// A count of entries of at least `least` bytes each.
  std::uint32_t count(std::size_t least) {
    const std::uint32_t n = u32();
    if (n > left_ / least) throw std::runtime_error("truncated (a count)");
    return n;
  }
  void end() const {
    if (left_) throw std::runtime_error(std::to_string(left_) + " bytes after its end");
  }

 private:
  template <typename T>
  T fixed() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    skip(sizeof(T));
    return v;
  }
  void need(std::size_t n) const {
    if (n > left_) throw std::runtime_error("truncated");
  }
  void skip(std::size_t n) {
    p_ += n;
    left_ -= n;
  }
  const char* p_;
  std::size_t left_;
};

const std::string& required(const std::map<std::string, std::string>& text, const char* key) {
  auto it = text.find(key);
  if (it == text.end() || it->second.empty())
    throw std::logic_error(std::string("a run record without ") + key);
  return it->second;
}

void write_strings(Writer& w, const std::map<std::string, std::string>& strings) {
  w.u32(static_cast<std::uint32_t>(strings.size()));
  for (const auto& [key, value] : strings) {
    w.text(key);
    w.text(value);
  }
}

std::map<std::string, std::string> read_strings(Reader& r) {
  std::map<std::string, std::string> strings;
  for (std::uint32_t i = 0, n = r.count(8); i < n; ++i) {
    std::string key = r.text();
    if (!strings.emplace(key, r.text()).second)
      throw std::runtime_error("the field '" + key + "' twice");
  }
  return strings;
}

RecordPreamble read_preamble(Reader& r) {
  RecordPreamble p;
  p.run_id = r.text();
  p.status = r.text();
  p.sweep = r.text();
  if (p.status != "ok" && p.status != "failed") throw std::runtime_error("no status ok or failed");
  return p;
}

}  // namespace

std::string undeclared_field(const RunRecord& r) {
  const std::string& algorithm = algorithm_of(r);
  for (const auto& [key, value] : r.text) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::text || c->group == ColumnGroup::provenance)
      return "text '" + key + "'";
  }
  for (const auto& [key, value] : r.numbers) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::number) return "number '" + key + "'";
  }
  for (const auto& [key, value] : r.vectors)
    if (!find_column(key, true, algorithm)) return "vector '" + key + "'";
  for (const auto& [key, value] : r.provenance) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->group != ColumnGroup::provenance) return "provenance '" + key + "'";
  }
  return "";
}

std::string encode_run_record(const RunRecord& record) {
  if (const std::string field = undeclared_field(record); !field.empty())
    throw std::logic_error("run record: the result schema declares no " + field);
  Writer w;
  w.text(required(record.text, "run_id"));
  w.text(required(record.text, "status"));
  w.text(required(record.text, "sweep"));
  write_strings(w, record.text);
  w.u32(static_cast<std::uint32_t>(record.numbers.size()));
  for (const auto& [key, value] : record.numbers) {
    w.text(key);
    w.f64(value);
  }
  w.u32(static_cast<std::uint32_t>(record.vectors.size()));
  for (const auto& [key, values] : record.vectors) {
    w.text(key);
    w.u64(values.size());
    w.raw(values.data(), values.size() * sizeof(double));
  }
  write_strings(w, record.provenance);
  return std::move(w.out);
}

RecordPreamble decode_record_preamble(const char* data, std::size_t size) {
  Reader r(data, size);
  return read_preamble(r);
}

RunRecord decode_run_record(const char* data, std::size_t size) {
  Reader r(data, size);
  const RecordPreamble p = read_preamble(r);
  RunRecord record;
  record.text = read_strings(r);
  for (std::uint32_t i = 0, n = r.count(12); i < n; ++i) {
    std::string key = r.text();
    if (!record.numbers.emplace(key, r.f64()).second)
      throw std::runtime_error("the field '" + key + "' twice");
  }
  for (std::uint32_t i = 0, n = r.count(12); i < n; ++i) {
    std::string key = r.text();
    if (!record.vectors.emplace(key, r.doubles()).second)
      throw std::runtime_error("the field '" + key + "' twice");
  }
  record.provenance = read_strings(r);
  r.end();
  auto field = [&](const char* key) {
    auto it = record.text.find(key);
    return it == record.text.end() ? std::string() : it->second;
  };
  if (field("run_id") != p.run_id || field("status") != p.status || field("sweep") != p.sweep)
    throw std::runtime_error("its run_id, status or sweep differ from its fields");
  if (const std::string f = undeclared_field(record); !f.empty())
    throw std::runtime_error("holds an undeclared " + f);
  return record;
}

std::string encode_strings(const std::map<std::string, std::string>& strings) {
  Writer w;
  write_strings(w, strings);
  return std::move(w.out);
}

std::map<std::string, std::string> decode_strings(const char* data, std::size_t size) {
  Reader r(data, size);
  auto strings = read_strings(r);
  r.end();
  return strings;
}

}  // namespace quantlab
