// The CPU's OpenBLAS kernels, asked before OpenBLAS loads: this module links quantlab's rule
// (experiments/openblas_kernels.cpp) and nothing that loads OpenBLAS, so the package can set
// OPENBLAS_CORETYPE before NumPy or quantlab's core bring OpenBLAS in.
#include <pybind11/pybind11.h>

#include "experiments/openblas_kernels.hpp"

PYBIND11_MODULE(_kernels, m) {
  m.doc() = "the OpenBLAS kernels quantlab chooses for this CPU (used by the quantlab package)";
  m.def("openblas_core_for_this_cpu", &quantlab::openblas_core_for_this_cpu);
}
