#!/usr/bin/env bash
# The synthetic sources of paper 5's rate-distortion configs, each with a companion tensor of
# importance weights (importance/hessian/<name>, uniform on [0.1, 2]), in datasets/paper5.h5.
set -euo pipefail
cd "$(dirname "$0")/../.."
q=build/quantlab
out=datasets/paper5.h5
mkdir -p datasets
$q dataset make $out --name gaussian --distribution gaussian --n 100000 --seed 51 > /dev/null
$q dataset make $out --append --name laplace --distribution laplace --n 100000 --seed 52 --param scale=0.7071067811865476 > /dev/null
$q dataset make $out --append --name student_t --distribution student_t --n 100000 --seed 53 --param nu=3 > /dev/null
seed=61
for name in gaussian laplace student_t; do
  $q dataset make $out --append --name importance/hessian/$name --distribution uniform --n 100000 \
    --seed $seed --param low=0.1 --param high=2 > /dev/null
  seed=$((seed + 1))
done
echo "$out written"
