#pragma once
// Run records of format 2: one sealed HDF5 file per run, <sweep>/runs/<run-id>.h5, as quantlab
// wrote them before record logs (experiments/record_log.hpp). Read, never written: sweeps
// recorded then still resume, report and merge; their new runs go to a record log.
#include <string>

#include "experiments/run_record.hpp"

namespace quantlab {

/// Reads and verifies a format-2 record: its checksum, format and version, that its run id
/// is its file name, that every field is declared. Throws std::runtime_error naming the file
/// and the reason; never crashes on a damaged file (it is verified before HDF5 parses it).
RunRecord read_hdf5_run_record(const std::string& path);

}  // namespace quantlab
