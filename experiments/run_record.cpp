#include "experiments/run_record.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "experiments/result_schema.hpp"

namespace quantlab {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "records are written little-endian as they are in memory");

// The value of text field `key` in fields sorted by name, or "".
template <class Fields>
std::string_view field_of(const Fields& fields, std::string_view key) {
  auto it = std::lower_bound(fields.begin(), fields.end(), key,
                             [](const auto& field, std::string_view k) { return field.first < k; });
  return it != fields.end() && it->first == key ? std::string_view(it->second) : std::string_view();
}

// The first field the result schema does not declare (for the record's algorithm), as
// "text|number|vector|provenance 'name'", or "": for maps and views alike.
template <class Text, class Numbers, class Vectors, class Provenance>
std::string first_undeclared(const Text& text, const Numbers& numbers, const Vectors& vectors,
                             const Provenance& provenance) {
  const std::string_view algorithm = field_of(text, "algorithm");
  auto named = [](const char* kind, std::string_view key) {
    return std::string(kind) + " '" + std::string(key) + "'";
  };
  for (const auto& [key, value] : text) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::text || c->group == ColumnGroup::provenance)
      return named("text", key);
  }
  for (const auto& [key, value] : numbers) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->type != ColumnType::number) return named("number", key);
  }
  for (const auto& [key, value] : vectors)
    if (!find_column(key, true, algorithm)) return named("vector", key);
  for (const auto& [key, value] : provenance) {
    const ColumnSpec* c = find_column(key, false, algorithm);
    if (!c || c->group != ColumnGroup::provenance) return named("provenance", key);
  }
  return "";
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
  std::string text() { return std::string(text_view()); }
  std::string_view text_view() {
    const std::uint32_t n = u32();
    need(n);
    const std::string_view s(p_, n);
    skip(n);
    return s;
  }
  RecordView::Doubles doubles_view() {
    const std::uint64_t n = u64();
    if (n > left_ / sizeof(double)) throw std::runtime_error("truncated (a vector's length)");
    const RecordView::Doubles v{p_, static_cast<std::size_t>(n)};
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

// The fields an encoded record puts first, as views into its bytes.
struct PreambleView {
  std::string_view run_id, status, sweep;
};
PreambleView read_preamble(Reader& r) {
  PreambleView p;
  p.run_id = r.text_view();
  p.status = r.text_view();
  p.sweep = r.text_view();
  if (p.status != "ok" && p.status != "failed") throw std::runtime_error("no status ok or failed");
  return p;
}

}  // namespace

std::string undeclared_field(const RunRecord& r) {
  return first_undeclared(r.text, r.numbers, r.vectors, r.provenance);
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
  const PreambleView p = read_preamble(r);
  return {std::string(p.run_id), std::string(p.status), std::string(p.sweep)};
}

std::vector<double> RecordView::Doubles::copy() const {
  std::vector<double> v(size);
  if (size) std::memcpy(v.data(), data, size * sizeof(double));
  return v;
}

namespace {

// A group's fields; `ordered`: each name after the last in byte order (so none twice).
template <class Value, class Read>
void read_fields(Reader& r, std::size_t least, std::vector<std::pair<std::string_view, Value>>& out,
                 bool ordered, Read read) {
  out.clear();
  for (std::uint32_t i = 0, n = r.count(least); i < n; ++i) {
    const std::string_view key = r.text_view();
    if (ordered && !out.empty() && !(out.back().first < key))
      throw std::runtime_error("the field '" + std::string(key) +
                               (out.back().first == key ? "' twice" : "' out of order"));
    out.emplace_back(key, read());
  }
}

}  // namespace

void view_run_record(const char* data, std::size_t size, RecordView& view, bool verified) {
  Reader r(data, size);
  const PreambleView p = read_preamble(r);
  view.run_id = p.run_id;
  view.status = p.status;
  view.sweep = p.sweep;
  read_fields(r, 8, view.text, !verified, [&] { return r.text_view(); });
  read_fields(r, 12, view.numbers, !verified, [&] { return r.f64(); });
  read_fields(r, 12, view.vectors, !verified, [&] { return r.doubles_view(); });
  read_fields(r, 8, view.provenance, !verified, [&] { return r.text_view(); });
  r.end();
  if (verified) return;
  if (field_of(view.text, "run_id") != view.run_id ||
      field_of(view.text, "status") != view.status || field_of(view.text, "sweep") != view.sweep)
    throw std::runtime_error("its run_id, status or sweep differ from its fields");
  if (const std::string f =
          first_undeclared(view.text, view.numbers, view.vectors, view.provenance);
      !f.empty())
    throw std::runtime_error("holds an undeclared " + f);
}

RunRecord decode_run_record(const char* data, std::size_t size) {
  RecordView view;
  view_run_record(data, size, view);
  RunRecord record;
  // The fields come sorted: each inserted at the end.
  for (const auto& [key, value] : view.text)
    record.text.emplace_hint(record.text.end(), key, value);
  for (const auto& [key, value] : view.numbers)
    record.numbers.emplace_hint(record.numbers.end(), key, value);
  for (const auto& [key, value] : view.vectors)
    record.vectors.emplace_hint(record.vectors.end(), key, value.copy());
  for (const auto& [key, value] : view.provenance)
    record.provenance.emplace_hint(record.provenance.end(), key, value);
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
