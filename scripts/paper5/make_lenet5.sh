#!/usr/bin/env bash
# The networks of paper 5's Table 1 (LeNet rows), with pinned settings:
#   datasets/lenet5-mnist.h5   LeNet-5 (431,080 parameters) trained on MNIST
#   datasets/lenet5-pruned.h5  magnitude-pruned to 8.55 % of the kernels and retrained, with
#                              the loss Hessian's diagonal (1,000 samples) as importance/hessian/*
# Then: configs/paper5/lenet-table1.yaml and lenet-table1-ecsq.yaml, and scripts/paper5/table1.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/openblas_core.sh
bash scripts/networks/train_lenets.sh --lenet5
if [ ! -f datasets/lenet5-pruned.h5 ]; then
  build/quantlab net prune datasets/lenet5-mnist.h5 --keep 0.0855 --epochs 15 --batch 64 --lr 0.005 --lr-decay 0.9 \
    --weight-decay 5e-4 --shift 2 --out datasets/lenet5-pruned.h5
  build/quantlab net importance datasets/lenet5-pruned.h5 --samples 1000
fi
