#include "experiments/openblas_kernels.hpp"

#include <strings.h>
#include <unistd.h>

#include <cstdlib>

namespace quantlab {

std::string openblas_core_for_this_cpu() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return "";
}

void choose_openblas_kernels(char** argv) {
  // Each marker says what quantlab set, and that it never executes itself twice.
  if (std::getenv("QUANTLAB_SET_OPENBLAS_CORETYPE") || std::getenv("QUANTLAB_SET_OPENBLAS_THREADS"))
    return;
  const std::string core = std::getenv("OPENBLAS_CORETYPE") ? "" : openblas_core_for_this_cpu();
  // Any of the variables OpenBLAS reads for its thread count, given, is left to rule.
  const bool threads = !std::getenv("OPENBLAS_NUM_THREADS") && !std::getenv("GOTO_NUM_THREADS") &&
                       !std::getenv("OMP_NUM_THREADS");
  if (core.empty() && !threads) return;
  if (!core.empty()) {
    ::setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
    ::setenv("QUANTLAB_SET_OPENBLAS_CORETYPE", "1", 1);
  }
  if (threads) {
    ::setenv("OPENBLAS_NUM_THREADS", "1", 1);
    ::setenv("QUANTLAB_SET_OPENBLAS_THREADS", "1", 1);
  }
  // By the executable's own path, so that ps and top show its name, not "exe".
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    ::execv(self, argv);
  }
  ::execv("/proc/self/exe", argv);  // the file was replaced or removed since it started
  // The exec failed (no /proc): go on with the kernels and threads loaded.
  for (const char* name : {"OPENBLAS_CORETYPE", "QUANTLAB_SET_OPENBLAS_CORETYPE"})
    if (!core.empty()) ::unsetenv(name);
  for (const char* name : {"OPENBLAS_NUM_THREADS", "QUANTLAB_SET_OPENBLAS_THREADS"})
    if (threads) ::unsetenv(name);
}

std::string openblas_core_reason(const std::string& core_in_use) {
  const char* asked = std::getenv("OPENBLAS_CORETYPE");
  const bool by_quantlab = std::getenv("QUANTLAB_SET_OPENBLAS_CORETYPE") != nullptr;
  if (asked && ::strcasecmp(asked, core_in_use.c_str()) == 0)
    return by_quantlab ? "chosen by quantlab from the CPU's features"
                       : "OPENBLAS_CORETYPE=" + std::string(asked) + " given";
  if (asked)
    return "OpenBLAS's own choice: OPENBLAS_CORETYPE=" + std::string(asked) +
           " was set after OpenBLAS loaded, or names kernels it lacks";
  if (openblas_core_for_this_cpu().empty())
    return "OpenBLAS's own choice (this CPU has neither AVX-512 nor AVX2 with FMA)";
  return "OpenBLAS's own choice (OPENBLAS_CORETYPE unset)";
}

}  // namespace quantlab
