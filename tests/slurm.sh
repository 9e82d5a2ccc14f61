#!/usr/bin/env bash
# Runs README's Slurm job array for real: installs Debian's slurm-wlm and munge when missing
# (as root, with apt-get), starts munged and a one-node cluster (slurmctld + slurmd, config in
# a temporary folder), submits README's array script with 4 shards through `sbatch --wait`,
# merges the shards with `claimscan merge` and checks the result equals one run over the same
# corpus, byte for byte. Skips, saying why, only where the services cannot be installed or
# started. Called by scripts/test.sh; needs target/release/claimscan.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/target/release/claimscan"
SHARDS=4

skip() {
  echo "slurm test: SKIPPED ($*)"
  exit 0
}

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    skip "slurm-wlm/munge missing and no root apt-get to install them"
  fi
  echo "slurm test: installing slurm-wlm and munge with apt-get"
  if ! { timeout 240 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 480 \
      apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/tmp/claimscan-slurm-apt.log 2>&1; then
    skip "apt-get could not install slurm-wlm and munge (log: /tmp/claimscan-slurm-apt.log)"
  fi
fi
[ -x "$BIN" ] || { echo "slurm test: FAILED ($BIN not built)"; exit 1; }

WORK="$(mktemp -d /tmp/claimscan-slurm.XXXXXX)"
MUNGE_STARTED=""
cleanup() {
  SLURM_CONF="$WORK/slurm.conf" scontrol shutdown >/dev/null 2>&1 || true
  sleep 1
  for pidfile in "$WORK/slurmctld.pid" "$WORK/slurmd.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  [ -n "$MUNGE_STARTED" ] && pkill -x munged 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# munge: the key the package created (or a new one), the daemon as the munge user.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || { mungekey --create >/dev/null 2>&1 || dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null; }
  chown munge:munge /etc/munge/munge.key 2>/dev/null; chmod 400 /etc/munge/munge.key 2>/dev/null
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null
  if runuser -u munge -- /usr/sbin/munged >/dev/null 2>&1 || /usr/sbin/munged --force >/dev/null 2>&1; then
    MUNGE_STARTED=1
  fi
  sleep 1
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || skip "munged could not start"
fi

HOST="$(hostname)"
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
mkdir -p "$WORK/state" "$WORK/spool" "$WORK/log" "$WORK/runs"
cat >"$WORK/slurm.conf" <<EOF
ClusterName=claimscan-test
SlurmctldHost=$HOST
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldPort=16817
SlurmdPort=16818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
NodeName=$HOST CPUs=$(nproc) RealMemory=$MEM State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$WORK/slurm.conf"
slurmctld >"$WORK/log/start.log" 2>&1 || skip "slurmctld could not start ($(tail -1 "$WORK/log/start.log"))"
slurmd >>"$WORK/log/start.log" 2>&1 || skip "slurmd could not start ($(tail -1 "$WORK/log/start.log"))"
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o %T 2>/dev/null | grep -q idle || skip "the node never became idle ($(tail -2 "$WORK/log/slurmctld.log" | tr '\n' ' '))"

# The corpus: the sample article and a few small documents.
CORPUS="$WORK/corpus"
mkdir -p "$CORPUS"
cp "$ROOT/../shared/data/corpus/russia-iran-treaty.txt" "$CORPUS/"
for i in 1 2 3 4 5 6 7; do
  printf 'Harbour bulletin %s\nThe council approved %s new berths on May %s, 2025. Officials said the work could start next year. "It is a good day," Mayor Ines Duarte said.\n' "$i" "$((i + 2))" "$i" >"$CORPUS/doc$i.txt"
done

# README's job script, taken from README.md, with 4 shards, this corpus and folder, and a
# memory request that fits this node.
awk '/^#SBATCH --array=1-16/ {on=1} on && /^# afterwards/ {exit} on' "$ROOT/README.md" >"$WORK/body.sh"
[ -s "$WORK/body.sh" ] || { echo "slurm test: FAILED (no job script found in README.md)"; exit 1; }
{
  echo '#!/bin/bash'
  sed -e "s/--array=1-16/--array=1-$SHARDS/" -e 's/--cpus-per-task=2/--cpus-per-task=1/' \
      -e 's/--mem=4G/--mem=2G/' \
      -e "s|^SHARDS=16 CORPUS=/data/corpus RUNS=runs|SHARDS=$SHARDS CORPUS=$CORPUS RUNS=$WORK/runs|" \
      -e "s|^claimscan |$BIN |" "$WORK/body.sh"
} >"$WORK/job.sh"
grep -q "SHARDS=$SHARDS CORPUS=$CORPUS" "$WORK/job.sh" || { echo "slurm test: FAILED (README's script changed shape)"; cat "$WORK/job.sh"; exit 1; }
echo "slurm test: submitting README's array ($SHARDS shards) with sbatch --wait"
cd "$WORK"
if ! timeout 600 sbatch --wait --output="$WORK/log/task-%a.out" "$WORK/job.sh"; then
  echo "slurm test: FAILED (sbatch --wait)"; tail -5 "$WORK"/log/task-*.out "$WORK/log/slurmctld.log"; exit 1
fi
"$BIN" merge -o "$WORK/merged" "$WORK"/runs/shard-* || { echo "slurm test: FAILED (merge)"; exit 1; }
"$BIN" annotate --quiet -o "$WORK/single" "$CORPUS" || { echo "slurm test: FAILED (single run)"; exit 1; }
for f in sentences.csv entities.csv documents.csv; do
  if ! cmp -s "$WORK/merged/$f" "$WORK/single/$f"; then
    echo "slurm test: FAILED ($f of the merged array differs from one run)"; exit 1
  fi
done
docs=$(($(wc -l <"$WORK/single/documents.csv") - 1))
shards_used=$(ls -d "$WORK"/runs/shard-* | wc -l)
echo "slurm test: 1 passed, 0 failed ($shards_used array tasks, $docs documents, merged output identical to one run)"
