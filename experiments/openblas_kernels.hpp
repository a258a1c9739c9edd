#pragma once
// OpenBLAS picks its GEMM kernels from the CPU model when it loads, and Debian 12's 0.3.21
// falls back to its generic SSE3 kernels on CPUs it does not know (network training 2–5×
// slower, and other weights: the kernels change the rounding). quantlab chooses them from the
// CPU's features instead, as scripts/openblas_core.sh does, so that a pinned run gives the
// same numbers on every machine with those features. OpenBLAS reads OPENBLAS_CORETYPE once,
// before main: the command line sets it and executes itself again. In the same step it
// starts OpenBLAS with one thread (OPENBLAS_NUM_THREADS=1) unless told otherwise: runs are
// single-threaded BLAS, and an idle pool of OpenBLAS threads spins (sched_yield) at 4-12 % of
// a sweep's CPU; network training raises the count itself (set_blas_threads), which OpenBLAS
// allows.
#include <string>

namespace quantlab {

/// The kernels for this CPU's features: "SkylakeX" (AVX-512 F, CD, BW, DQ, VL), "Haswell"
/// (AVX2 and FMA), or "" (OpenBLAS's own choice stands).
std::string openblas_core_for_this_cpu();

/// When OPENBLAS_CORETYPE is unset and this CPU has a choice, sets it (and
/// QUANTLAB_SET_OPENBLAS_CORETYPE, so the record can say who chose); when none of
/// OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS and OMP_NUM_THREADS is set, sets the first to 1 (and
/// QUANTLAB_SET_OPENBLAS_THREADS); then
/// executes /proc/self/exe with `argv` again. Returns when there is nothing to do or the exec
/// failed (the kernels then stay OpenBLAS's own choice, and the record says so).
void choose_openblas_kernels(char** argv);

/// Why the kernels in use are what they are, for the record: chosen by quantlab from the
/// CPU's features, OPENBLAS_CORETYPE given, or OpenBLAS's own choice (with the reason).
std::string openblas_core_reason(const std::string& core_in_use);

}  // namespace quantlab
