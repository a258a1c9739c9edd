#pragma once
// Where a result came from: quantlab's version and commit, the build, the libraries, the
// BLAS and the machine. Recorded in every run record.
#include <map>
#include <string>

namespace quantlab {

/// The fields that do not change during a process (versions, build, host, CPU, BLAS).
const std::map<std::string, std::string>& static_provenance();

/// Pins OpenBLAS to one thread (results must not depend on its thread count) and returns
/// the thread count in force afterwards, or -1 when the BLAS is not OpenBLAS.
int pin_blas_to_one_thread();

/// OpenBLAS's thread count (network training); returns the count in effect (-1: not OpenBLAS).
int set_blas_threads(int threads);

/// "2026-11-22T19:30:15Z".
std::string utc_now();

/// The git state baked in at build time: "<commit> <clean|dirty>".
const char* git_state();

}  // namespace quantlab
