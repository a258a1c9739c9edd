#!/usr/bin/env bash
# Trains the two reference networks of papers 4 and 5 on MNIST with pinned settings (one
# OpenBLAS thread: the weights are the same bits on every run) and saves them as dataset files:
#   datasets/lenet300-mnist.h5  LeNet-300-100, 20 epochs (about 1 min on one core)
#   datasets/lenet5-mnist.h5    paper 5's LeNet-5, 40 epochs with weight decay and ±2-pixel shifts
#                               (add --lenet5; about 15 min on one core): 99.36 %
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/openblas_core.sh
quantlab=build/quantlab
[ -x "$quantlab" ] || { echo "build first: meson setup build --buildtype=release && ninja -C build" >&2; exit 2; }
$quantlab dataset import mnist >/dev/null
[ -f datasets/lenet300-mnist.h5 ] ||
  $quantlab net train --model lenet300 --out datasets/lenet300-mnist.h5 --epochs 20 --batch 128 --lr 0.05 --lr-decay 0.95 --seed 1
if [ "${1:-}" = --lenet5 ] && [ ! -f datasets/lenet5-mnist.h5 ]; then
  $quantlab net train --model lenet5 --out datasets/lenet5-mnist.h5 --epochs 40 --batch 64 --lr 0.01 --lr-decay 0.93 \
    --weight-decay 5e-4 --shift 2 --seed 1
fi
