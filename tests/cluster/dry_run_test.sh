#!/usr/bin/env bash
# scripts/slurm/submit --dry-run where no Slurm controller answers (a laptop, or CI outside
# the cluster test): it writes the batch scripts and prints the sbatch lines, exit status 0.
# The overrides reach every quantlab command of the jobs, --setup runs first in each job, and
# the merge job gets --merge-options, not the arrays' sizes.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
quantlab=${QUANTLAB_BIN:?QUANTLAB_BIN must name the quantlab executable}
scratch=$(mktemp -d /tmp/quantlab-dry-run-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
cat > s.yaml <<YAML
name: s
datasets:
  - {name: g, synthetic: {distribution: gaussian, n: 300, seed: 1}}
algorithms: [uniform, optimal]
bits: [1]
YAML
fail() { echo "dry-run test: $*"; exit 1; }
unset SLURM_CONF  # no controller to ask (a Slurm installed here has no slurm.conf of its own)
QUANTLAB=$quantlab "$root/scripts/slurm/submit" s.yaml bits=1,2 "description=a b" --shards 2 \
  --dry-run --setup 'echo set up' --merge-options '--time=0:10:00' --partition=debug --cpus-per-task=8 \
  > out.txt 2> err.txt || fail "exit status $? ($(cat err.txt))"
grep -q "^2 of 2 shards have work" out.txt || fail "the status of 4 runs in 2 shards: $(cat out.txt)"
grep -q -- "^sbatch --array=0,1 --export=ALL,QUANTLAB_SHARDS=2,QUANTLAB_SHARD_OFFSET=0 --partition=debug --cpus-per-task=8 .*/array.sh$" err.txt ||
  fail "the array's sbatch line: $(cat err.txt)"
grep -q -- "^sbatch --dependency=afterany:dry-run --time=0:10:00 .*/merge.sh$" err.txt ||
  fail "the merge job's sbatch line: $(cat err.txt)"
jobs=results/s/slurm
grep -q "^echo set up$" "$jobs/array.sh" && grep -q "^echo set up$" "$jobs/merge.sh" || fail "--setup"
grep -qF 's.yaml" bits=1\,2 description=a\ b --out' "$jobs/array.sh" || fail "overrides: $(cat "$jobs/array.sh")"
grep -qF 's.yaml" bits=1\,2 description=a\ b --out' "$jobs/merge.sh" || fail "overrides in the merge"
# The job script runs what submit planned: its shard 0 of 2, with the overrides.
QUANTLAB_SHARDS=2 QUANTLAB_SHARD_OFFSET=0 SLURM_ARRAY_TASK_ID=0 bash "$jobs/array.sh" > shard.txt 2>&1 ||
  fail "the array script: $(cat shard.txt)"
grep -q "s shard 0/2: 2 runs: 2 done" shard.txt || fail "shard 0: $(cat shard.txt)"
"$root/scripts/slurm/submit" --help | grep -q -- "--merge-options OPTS" || fail "--help"
echo "dry-run test passed"
