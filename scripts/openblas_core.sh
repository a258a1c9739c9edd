# Sourced by the scripts that build, test and train. OpenBLAS picks its GEMM kernels from the
# CPU model at load time, and a release that does not know a newer CPU falls back to its
# generic SSE3 kernels (Debian 12's 0.3.21 does so on recent Xeons: network training 2–5×
# slower). Choosing the kernels from the CPU's features instead keeps them fast, and the same
# on every machine with those features, so a pinned training gives the same weights there.
# An OPENBLAS_CORETYPE already set is left alone.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
  cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
  has() { for f in "$@"; do [[ $cpu_flags == *" $f "* ]] || return 1; done; }
  if has avx512f avx512cd avx512bw avx512dq avx512vl; then
    export OPENBLAS_CORETYPE=SkylakeX
  elif has avx2 fma; then
    export OPENBLAS_CORETYPE=Haswell
  fi
  unset -f has
  unset cpu_flags
fi
