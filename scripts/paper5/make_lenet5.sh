#!/usr/bin/env bash
# The networks of paper 5's Table 1 (LeNet rows), with pinned settings:
#   datasets/lenet5-mnist.h5   LeNet-5 (431,080 parameters) trained on MNIST
#   datasets/lenet5-pruned.h5  magnitude-pruned to 8.55 % of the kernels and retrained, with
#                              the loss Hessian's diagonal (1,000 samples) as importance/hessian/*
# Then: configs/paper5/lenet-table1.yaml and lenet-table1-ecsq.yaml, and scripts/paper5/table1.py.
# --holdout N: the same with N training images held out (seed 1) of every training, as
# datasets/lenet5-holdoutN-mnist.h5 and datasets/lenet5-holdoutN-pruned.h5 (docs/networks.md);
# --holdout N --seed S: its training started from seed S instead of 1, as
# datasets/lenet5-holdoutN-seedS-{mnist,pruned}.h5 (the same held-out images and pruning).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/openblas_core.sh
holdout=0 seed=1
[ "${1:-}" = --holdout ] && holdout=${2:?--holdout takes a number of images}
[ "${3:-}" = --seed ] && seed=${4:?--seed takes a number}
name=lenet5
[ "$holdout" != 0 ] && name=lenet5-holdout$holdout
[ "$holdout" != 0 ] && [ "$seed" != 1 ] && name=lenet5-holdout$holdout-seed$seed
bash scripts/networks/train_lenets.sh --lenet5 --holdout "$holdout" --seed "$seed"
if [ ! -f datasets/$name-pruned.h5 ]; then
  build/quantlab net prune datasets/$name-mnist.h5 --keep 0.0855 --epochs 15 --batch 64 --lr 0.005 --lr-decay 0.9 \
    --weight-decay 5e-4 --shift 2 --out datasets/$name-pruned.h5
  build/quantlab net importance datasets/$name-pruned.h5 --samples 1000
fi
