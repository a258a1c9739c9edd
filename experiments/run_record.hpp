#pragma once
// One run's record: identity fields, metrics, vectors (timings, cluster sizes, codebook,
// distributions) and provenance, stored as its own small HDF5 file that appears atomically.
#include <map>
#include <string>
#include <vector>

namespace quantlab {

struct RunRecord {
  std::map<std::string, std::string> text;             ///< run_id, status, error, algorithm, ...
  std::map<std::string, double> numbers;               ///< levels_requested, seed, metrics, ...
  std::map<std::string, std::vector<double>> vectors;  ///< time_s, cluster_sizes, ...
  std::map<std::string, std::string> provenance;
  std::string config;  ///< the sweep config's text
};

/// Writes atomically; throws std::runtime_error (one line) when it cannot.
void write_run_record(const std::string& path, const RunRecord& record);
/// Throws std::runtime_error when the file is missing or not a complete run record.
RunRecord read_run_record(const std::string& path);

}  // namespace quantlab
