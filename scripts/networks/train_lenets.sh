#!/usr/bin/env bash
# Trains the two reference networks of papers 4 and 5 on MNIST with pinned settings (one
# OpenBLAS thread: the weights are the same bits on every run) and saves them as dataset files:
#   datasets/lenet300-mnist.h5  LeNet-300-100, 20 epochs (about 1 min on one core)
#   datasets/lenet5-mnist.h5    paper 5's LeNet-5, 40 epochs with weight decay and ±2-pixel shifts
#                               (add --lenet5; about 15 min on one core): 99.36 %
# --lenet5 --holdout N trains the same LeNet-5 with N training images held out (seed 1),
# as datasets/lenet5-holdoutN-mnist.h5 (docs/networks.md, "Held-out images"); a further
# --seed S (default 1) starts its training from seed S, as datasets/lenet5-holdoutN-seedS-mnist.h5
# when S is not 1 (the same held-out images).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/openblas_core.sh
quantlab=build/quantlab
[ -x "$quantlab" ] || { echo "build first: meson setup build --buildtype=release && ninja -C build" >&2; exit 2; }
$quantlab dataset import mnist >/dev/null
[ -f datasets/lenet300-mnist.h5 ] ||
  $quantlab net train --model lenet300 --out datasets/lenet300-mnist.h5 --epochs 20 --batch 128 --lr 0.05 --lr-decay 0.95 --seed 1
holdout=0 seed=1
[ "${2:-}" = --holdout ] && holdout=${3:?--holdout takes a number of images}
[ "${4:-}" = --seed ] && seed=${5:?--seed takes a number}
lenet5=datasets/lenet5-mnist.h5
[ "$holdout" != 0 ] && lenet5=datasets/lenet5-holdout$holdout-mnist.h5
[ "$holdout" != 0 ] && [ "$seed" != 1 ] && lenet5=datasets/lenet5-holdout$holdout-seed$seed-mnist.h5
if [ "${1:-}" = --lenet5 ] && [ ! -f "$lenet5" ]; then
  $quantlab net train --model lenet5 --out "$lenet5" --epochs 40 --batch 64 --lr 0.01 --lr-decay 0.93 \
    --weight-decay 5e-4 --shift 2 --seed "$seed" --holdout "$holdout" --holdout-seed 1
fi
