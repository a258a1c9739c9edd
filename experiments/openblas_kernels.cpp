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
  if (std::getenv("OPENBLAS_CORETYPE") || std::getenv("QUANTLAB_SET_OPENBLAS_CORETYPE")) return;
  const std::string core = openblas_core_for_this_cpu();
  if (core.empty()) return;
  ::setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
  ::setenv("QUANTLAB_SET_OPENBLAS_CORETYPE", "1", 1);  // and never twice, whatever happens
  ::execv("/proc/self/exe", argv);
  // The exec failed (no /proc): go on with the kernels loaded.
  ::unsetenv("OPENBLAS_CORETYPE");
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
