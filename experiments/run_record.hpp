#pragma once
// One run's record: identity fields, metrics, vectors (timings, cluster sizes, codebook,
// distributions) and provenance, every field declared in the result schema. Records are
// appended to the sweep's record logs (experiments/record_log.hpp) in the compact encoding
// below: no HDF5 in the workers, so building a record takes no library-wide lock.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quantlab {

struct RunRecord {
  std::map<std::string, std::string> text;             ///< run_id, status, error, algorithm, ...
  std::map<std::string, double> numbers;               ///< levels_requested, seed, metrics, ...
  std::map<std::string, std::vector<double>> vectors;  ///< time_s, cluster_sizes, ...
  std::map<std::string, std::string> provenance;       ///< versions, host, config_sha256, ...
};

/// The record format's version: readers refuse any other, naming the one they found.
/// 3: record logs of encoded records (2 was one HDF5 file per record).
constexpr int kRunRecordVersion = 3;

/// The first field of `record` that the result schema does not declare (for its algorithm),
/// as "text|number|vector|provenance 'name'", or "".
std::string undeclared_field(const RunRecord& record);

/// The record as bytes: run_id, status and sweep first (read without decoding the rest), then
/// the four maps, each by name in increasing byte order; numbers as IEEE doubles,
/// little-endian. Throws std::logic_error for an undeclared field or a record without run_id,
/// status or sweep.
std::string encode_run_record(const RunRecord& record);

/// The fields encode_run_record puts first.
struct RecordPreamble {
  std::string run_id, status, sweep;
};
/// Throw std::runtime_error (the reason, without a file name) on bytes that are not an
/// encoded record: truncated, a length past the end, trailing bytes, no status ok or failed,
/// an undeclared field. Never read past `size`.
RecordPreamble decode_record_preamble(const char* data, std::size_t size);
RunRecord decode_run_record(const char* data, std::size_t size);

/// An encoded record's fields as views into its bytes, in the encoding's order. Indexing and
/// merging 10^5 records read them so, without building a map or a string a field.
struct RecordView {
  struct Doubles {
    const char* data = nullptr;  ///< not aligned: read with memcpy
    std::size_t size = 0;
    std::vector<double> copy() const;
  };
  std::string_view run_id, status, sweep;
  std::vector<std::pair<std::string_view, std::string_view>> text, provenance;
  std::vector<std::pair<std::string_view, double>> numbers;
  std::vector<std::pair<std::string_view, Doubles>> vectors;
};
/// Checks what decode_run_record checks (a field twice or out of order included) and fills
/// `view`, reusing its storage. Throws as decode_run_record does. `verified`: these very
/// bytes passed every check when they were indexed; only their bounds are checked again.
void view_run_record(const char* data, std::size_t size, RecordView& view, bool verified = false);

/// Maps of strings (a record log's header): the same encoding.
std::string encode_strings(const std::map<std::string, std::string>& strings);
std::map<std::string, std::string> decode_strings(const char* data, std::size_t size);

}  // namespace quantlab
