#pragma once
// One run's record: identity fields, metrics, vectors (timings, cluster sizes, codebook,
// distributions) and provenance, stored as its own small HDF5 file that appears atomically
// and verifies itself: a checksum of its content in the file's first block, its run id
// inside (equal to its file name), every field declared in the result schema.
#include <map>
#include <string>
#include <vector>

namespace quantlab {

struct RunRecord {
  std::map<std::string, std::string> text;             ///< run_id, status, error, algorithm, ...
  std::map<std::string, double> numbers;               ///< levels_requested, seed, metrics, ...
  std::map<std::string, std::vector<double>> vectors;  ///< time_s, cluster_sizes, ...
  std::map<std::string, std::string> provenance;       ///< versions, host, config_sha256, ...
};

/// The record format's version: readers refuse any other, naming the one they found.
constexpr int kRunRecordVersion = 2;

/// The first field of `record` that the result schema does not declare (for its algorithm),
/// as "text|number|vector|provenance 'name'", or "".
std::string undeclared_field(const RunRecord& record);

/// Writes atomically; throws std::logic_error for an undeclared field and std::runtime_error
/// (one line) when it cannot write.
void write_run_record(const std::string& path, const RunRecord& record);

/// Reads and verifies a record: its checksum, format and version, that its run id is its
/// file name, that every field is declared. Throws std::runtime_error naming the file and the
/// reason; never crashes on a damaged file (it is verified before HDF5 parses it).
RunRecord read_run_record(const std::string& path);

}  // namespace quantlab
