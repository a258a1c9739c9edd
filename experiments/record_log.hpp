#pragma once
// A sweep's records: every `run` process appends its runs' records to a log of its own,
// <out>/<sweep>/runs/<utc>-<random>.records, and status, merge and the next run read all the
// logs of the folder. One file per process, not per run: a sweep of 10^5 runs is a few files
// (kind to a cluster's shared file system), a record costs one write() and no HDF5 lock,
// and the logs of concurrent shards never meet.
//
// A log is the bytes "QLRECLOG", the format version (u32) and 4 zero bytes, then frames:
// the magic "QLRF", the kind (u32: 1 header, 2 record), the payload's length (u64), the
// SHA-256 of the payload (64 hex characters) and the payload. The first frame is the
// header: the sweep and the provenance shared by the process's runs (versions, host, BLAS,
// threads, config hash), stored once. Every later frame is one record
// (experiments/run_record.hpp).
//
// Crashes: a record is written with one write() before its run counts as done, so kill -9
// loses only the runs in progress; a frame torn by the kill is at the log's end and is
// ignored. A thread fdatasyncs the log within a second of each record, and the process does
// when it ends, so a power loss costs at most the last second of records; whatever it leaves
// damaged fails its checksum and is reported, and the next run drops it from the log and
// runs those runs again.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "experiments/run_record.hpp"

namespace quantlab {

/// Appends records to a new log in `folder`. Thread-safe; a failed write stops the sweep
/// (std::runtime_error, one line) and leaves no partial frame.
class RecordLogWriter {
 public:
  /// `shared` is the provenance common to every record this writer appends: it is stored
  /// once, in the header, and added back to each record when read.
  RecordLogWriter(const std::string& folder, const std::string& sweep,
                  const std::map<std::string, std::string>& shared);
  ~RecordLogWriter();
  RecordLogWriter(const RecordLogWriter&) = delete;
  RecordLogWriter& operator=(const RecordLogWriter&) = delete;

  /// Encodes outside the lock, writes under it (one write()); a thread syncs the log to disk
  /// within a second.
  void append(const RunRecord& record);
  /// Makes everything appended durable now (the destructor does too).
  void sync();
  const std::string& path() const { return path_; }

 private:
  void write_frame(const std::string& frame);
  std::string path_;
  int fd_ = -1;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread syncer_;
  std::size_t size_ = 0;  ///< bytes written so far (a failed write is cut back to it)
  bool unsynced_ = false, stopping_ = false;
  std::string error_;  ///< a failed sync or undo: every later append throws it
};

class LogBytes;

/// Whether a run is recorded, and how it ended. A record that does not verify (damaged,
/// another sweep's, of another format version) is bad: never read as a result.
enum class RunState { done, failed, missing };

/// Where a run's record is: the log (an index into RecordIndex::logs) and the payload's bytes.
struct RecordLocation {
  std::size_t log = 0, offset = 0, size = 0;
  bool ok = false;    ///< status ok (else failed)
  bool hdf5 = false;  ///< a format-2 file of its own; `log` indexes RecordIndex::hdf5_records
};

/// Every record in a sweep's runs folder, verified, by run id. A run recorded more than once
/// (run again with --rerun-failed, or a log copied twice) counts once: an ok record over a
/// failed one, otherwise the later one (logs in name order, frames in file order).
struct RecordIndex {
  std::string folder;
  std::vector<std::string> logs;                           ///< paths, in name order
  std::vector<std::map<std::string, std::string>> shared;  ///< each log's header provenance
  std::map<std::string, RecordLocation, std::less<>> runs;
  /// Problems, each naming the file (and the byte offset): damaged frames or headers,
  /// records that do not decode or hold undeclared fields, logs of another format version.
  /// status and merge report them (merge refuses to write a table with them), run runs their
  /// runs again and drops them.
  std::vector<std::string> bad;
  /// What is in the folder but not read, and harms nothing: another sweep's log, files that
  /// are not logs, links, .h5 files that are not readable format-2 records of this sweep
  /// (their runs, if planned, are missing and run again).
  std::vector<std::string> notes;
  std::vector<std::size_t> damaged;  ///< logs holding bad bytes (a run drops them)
  /// Format-2 records (experiments/hdf5_run_record.hpp) that verify, and the paths of those
  /// that do not (noted, never removed: run records their runs anew in a log).
  std::vector<RunRecord> hdf5_records;
  std::vector<std::string> bad_hdf5_records;
  std::size_t unfinished = 0;  ///< frames cut short at a log's end (a killed run)
  std::size_t superseded = 0;  ///< records of runs recorded again later

  RunState state(std::string_view run_id) const;
  /// The records of `ids` (each must be in `runs`), decoded on up to `threads` threads.
  std::vector<RunRecord> read(const std::vector<std::string>& ids, std::size_t threads = 1) const;
  /// The fields of the records at `at` (in logs, not format-2 files), each as views into
  /// `bytes` (the records read again from their logs, which must be the files indexed, never
  /// shorter, and verified again) or into the index's copy of a log it read whole: valid
  /// while both live. Each log's shared provenance is in `shared[log]`.
  void view(const std::vector<const RecordLocation*>& at, std::vector<RecordView>& views,
            std::vector<char>& bytes, std::size_t threads) const;

 private:
  friend RecordIndex index_records(const std::string&, const std::string&);
  friend std::size_t repair_logs(const RecordIndex&);
  /// The bytes of the records at `at` (of one log read a piece at a time), in that order,
  /// into `bytes` at `into[i]`.
  void read_again(const std::vector<const RecordLocation*>& at, std::vector<char>& bytes,
                  std::vector<std::size_t>& into) const;
  /// The record at `at`: in the index's copy of its log, or in `bytes` at `into` (read
  /// again, and verified against its frame's checksum again).
  const char* record_bytes(const RecordLocation& at, const std::vector<char>& bytes,
                           std::size_t into) const;
  /// Each log's bytes when it was read whole (damaged, cut short, not this sweep's: what a
  /// repair needs); none for a healthy log, indexed a piece at a time and read again.
  std::vector<std::shared_ptr<const LogBytes>> contents_;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> kept_;  ///< frames that verify
  struct FileIdentity {
    std::uint64_t device = 0, inode = 0, size = 0;
  };
  std::vector<FileIdentity> files_;  ///< each log as indexed
};

/// Reads and verifies the logs of `folder` (a sweep's runs folder; none is an empty index),
/// and the format-2 records there (<run-id>.h5, counted before every log). Any other file
/// there is a bad entry naming it.
RecordIndex index_records(const std::string& folder, const std::string& sweep);

/// Rewrites the damaged logs of `index` without their bad bytes, each atomically into a new
/// log; a log whose header is damaged is removed (its records cannot be trusted, so they were
/// not counted). Only a log that no live run appends to (its flock is free) and that is
/// still the file, of the size, that was indexed. Returns the logs rewritten or removed.
std::size_t repair_logs(const RecordIndex& index);

}  // namespace quantlab
