#!/usr/bin/env bash
# A real single-node Slurm cluster on localhost (munge, slurmctld, slurmd started here, no
# systemd) runs a small sweep as job arrays plus a merge job through scripts/slurm/submit;
# the merged result must equal an unsharded run bit for bit, and a resubmission must find
# nothing to run. MaxArraySize is set to 3 so that the 4 shards need two chunked arrays.
# Needs root and Slurm (scripts/install.sh --cluster); without Slurm it is skipped, except in CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
quantlab=${QUANTLAB_BIN:?QUANTLAB_BIN must name the quantlab executable}

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || [ "$(id -u)" -ne 0 ]; then
  if [ -n "${CI:-}" ]; then echo "the cluster test needs root and Slurm (scripts/install.sh --cluster)"; exit 1; fi
  echo "cluster test skipped: it needs root and Slurm (scripts/install.sh --cluster)"
  exit 77
fi

scratch=$(mktemp -d /tmp/quantlab-slurm-XXXXXX)
started_munge=""
cleanup() {
  for pidfile in "$scratch/slurmd.pid" "$scratch/slurmctld.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  [ -n "$started_munge" ] && [ -f /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  sleep 1
  rm -rf "$scratch"
}
trap cleanup EXIT

# munge: reuse a running daemon, else start one (with a key, and its socket directory).
if ! (munge -n | unmunge) >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || runuser -u munge -- mungekey --create >/dev/null
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 0755 /run/munge
  runuser -u munge -- munged
  started_munge=1
  timeout 10 bash -c 'until (munge -n | unmunge) >/dev/null 2>&1; do sleep 0.2; done'
fi

cat > "$scratch/slurm.conf" <<CONF
ClusterName=qlab
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MaxArraySize=3
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd.pid
SlurmctldLogFile=$scratch/slurmctld.log
SlurmdLogFile=$scratch/slurmd.log
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$scratch/state" "$scratch/spool"
export SLURM_CONF=$scratch/slurm.conf
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
if ! timeout 30 bash -c 'until [ "$(sinfo -h -o %T 2>/dev/null)" = idle ]; do sleep 0.5; done'; then
  echo "the Slurm node did not become idle"; tail -5 "$scratch/slurmctld.log" "$scratch/slurmd.log"; exit 1
fi

cd "$scratch"
cat > sweep.yaml <<YAML
name: cluster
datasets:
  - {name: g, synthetic: {distribution: gaussian, n: 5000, seed: 1}}
  - {name: t, synthetic: {distribution: student_t, n: 5000, seed: 2, nu: 3}}
algorithms: [uniform, kmeans, optimal]
bits: [1, 2, 3]
seeds: [0, 1]
YAML
"$quantlab" run sweep.yaml --out unsharded >/dev/null
"$quantlab" merge sweep.yaml --out unsharded >/dev/null

QUANTLAB=$quantlab "$root/scripts/slurm/submit" sweep.yaml --shards 4 --throttle 2 --out results | tee submit.txt
merge_job=$(sed -n 's/.*merge job //p' submit.txt)
grep -q "submitted array job(s) [0-9]* [0-9]* for 4 shards" submit.txt || { echo "expected two chunked arrays"; exit 1; }
if ! timeout 180 bash -c "while [ -n \"\$(squeue -h -j $merge_job 2>/dev/null)\" ]; do sleep 1; done"; then
  echo "the merge job did not finish"; squeue; exit 1
fi
"$quantlab" check results/cluster.h5 --against unsharded/cluster.h5 --rtol 0 --atol 0
QUANTLAB=$quantlab "$root/scripts/slurm/submit" sweep.yaml --shards 4 --out results | grep -q "nothing to run" ||
  { echo "a resubmission found work left"; exit 1; }
echo "cluster test passed: 4 shards in 2 arrays and a merge job, results equal to an unsharded run"
