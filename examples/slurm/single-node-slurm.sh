#!/usr/bin/env bash
# single-node-slurm.sh: start a one-node Slurm cluster on this machine from
# Debian's packages (slurm-wlm, munge; no systemd needed), run a tiny campaign
# through it with `fedmoe-sweep --slurm`, collect it with `--collect`, and
# check that its campaign.csv equals the one of the same campaign run locally
# (ignoring the wall-time columns).
#
# usage (as root, after ./fedmoe build):
#   examples/slurm/single-node-slurm.sh [--no-install] [CAMPAIGN.json]
#
#   --no-install   do not apt-get install slurm-wlm and munge when they are
#                  missing: skip instead (what the CTest entry does)
#   CAMPAIGN.json  the campaign to run both ways (default: a tiny campaign of
#                  the test program fedmoe-fake-scenario, 8 runs)
#
# Everything Slurm needs (slurm.conf, state, spool, logs) goes into a fresh
# folder under ${TMPDIR:-/tmp}; /etc/slurm is not touched. The daemons this
# script starts (munged when none runs, slurmctld, slurmd) are stopped on exit,
# by their process ids.
#
# Environment: FEDMOE_BUILD_DIR (default: build), SLURM_PORT_BASE (slurmctld
# on it, slurmd on it + 1; default: the first free pair of 6817, 16817, ...),
# KEEP=1 keeps the work folder.
# Exit codes: 0 equal tables, 1 failure or different tables, 77 skipped (not
# root, or Slurm missing with --no-install).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${FEDMOE_BUILD_DIR:-$ROOT/build}"
BIN="$BUILD_DIR/bin"
PORT="${SLURM_PORT_BASE:-}"
SKIP=77
install=1
campaign=""
for a in "$@"; do
    case "$a" in
        --no-install) install=0 ;;
        -h|--help) sed -n '2,/^set -euo/{/^#/p}' "$0"; exit 0 ;;
        -*) echo "single-node-slurm: unknown option $a" >&2; exit 2 ;;
        *) campaign="$a" ;;
    esac
done

say() { echo "single-node-slurm: $*" >&2; }
start_time=$(date +%s)

if [ "$(id -u)" -ne 0 ]; then
    say "skipped: needs root (it starts slurmctld, slurmd and munged as root)"
    exit $SKIP
fi
[ -x "$BIN/fedmoe-sweep" ] || { say "no $BIN/fedmoe-sweep: run ./fedmoe build first (or set FEDMOE_BUILD_DIR)"; exit 1; }

have_slurm() {
    command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
        command -v sbatch >/dev/null && command -v munged >/dev/null
}
if ! have_slurm; then
    if [ "$install" = 0 ]; then
        say "skipped: slurm-wlm and munge are not installed (apt-get install slurm-wlm munge)"
        exit $SKIP
    fi
    say "installing slurm-wlm and munge (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >&2 || {
        apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends slurm-wlm munge >&2
    }
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/fedmoe-slurm.XXXXXX")"
started_pids=()
cleanup() {
    local pid pids=("${started_pids[@]:-}")
    for f in "$WORK/slurmd.pid" "$WORK/slurmctld.pid"; do
        [ -s "$f" ] && pids+=("$(cat "$f")")
    done
    for pid in "${pids[@]}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    # Wait until they are gone (or zombies) before removing their files.
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do
            [ -n "$pid" ] && [ -e "/proc/$pid" ] && ! grep -q '^[^)]*) Z' "/proc/$pid/stat" 2>/dev/null || break
            sleep 0.1
        done
    done
    if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK" 2>/dev/null || rm -rf "$WORK" || true; fi
}
trap cleanup EXIT
# A time limit (CTest's, timeout's) sends TERM: stop the daemons then too.
trap 'exit 1' INT TERM

# --- munge: the key, and a daemon unless one already answers ----------------
if [ ! -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    mkdir -p /etc/munge
    if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; fi
    chown munge:munge /etc/munge/munge.key 2>/dev/null || true
    chmod 400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge 2>/dev/null || true
    if id munge >/dev/null 2>&1; then
        runuser -u munge -- munged
    else
        munged --force
    fi
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n | unmunge >/dev/null || { say "munged does not answer"; exit 1; }
    [ -s /run/munge/munged.pid ] && started_pids+=("$(cat /run/munge/munged.pid)")
fi

# --- slurm.conf and the two daemons --------------------------------------------
# Ports: SLURM_PORT_BASE, or the first of 6817, 16817, 26817, ... whose pair
# nobody listens on (another Slurm, or this check running twice at once).
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -z "$PORT" ]; then
    for base in 6817 16817 26817 36817 46817; do
        if port_free "$base" && port_free $((base + 1)); then PORT=$base; break; fi
    done
    [ -n "$PORT" ] || { say "no free port pair for slurmctld and slurmd (tried 6817 ... 46817); set SLURM_PORT_BASE"; exit 1; }
fi
NODE="$(hostname -s)"
mkdir -p "$WORK/state" "$WORK/spool"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=fedmoe
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MaxArraySize=10001
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
# slurmd initialises a cgroup plugin even with proctrack/linuxproc and task/none,
# and by default (CgroupPlugin=autodetect) fails where no cgroup filesystem is
# mounted at /sys/fs/cgroup (a container, a chroot). Without one, Slurm 23.02 and
# later take CgroupPlugin=disabled; 22.05 (Debian 12) has no such value, but its
# cgroup/v1 plugin, named explicitly, loads without a mount and is never asked
# for a hierarchy by the plugins above.
cgroup_mounted() { grep -qE ' /sys/fs/cgroup[^ ]* .* - cgroup2? ' /proc/self/mountinfo 2>/dev/null; }
if ! cgroup_mounted; then
    slurm_version="$(slurmd -V 2>/dev/null | awk '{ print $2 }')"
    if [ "$(printf '%s\n%s\n' 23.02 "${slurm_version:-0}" | sort -V | head -1)" = 23.02 ]; then
        echo "CgroupPlugin=disabled" > "$WORK/cgroup.conf"
    else
        echo "CgroupPlugin=cgroup/v1" > "$WORK/cgroup.conf"
    fi
    say "no cgroup filesystem at /sys/fs/cgroup: Slurm ${slurm_version:-?} runs with $(cat "$WORK/cgroup.conf")"
fi
export SLURM_CONF="$WORK/slurm.conf"
slurmctld -f "$SLURM_CONF" -i || { say "slurmctld did not start:"; cat "$WORK/slurmctld.log" >&2; exit 1; }
slurmd -f "$SLURM_CONF" -N "$NODE" || { say "slurmd did not start:"; cat "$WORK/slurmd.log" >&2; exit 1; }
daemon_died() { [ -s "$1" ] && ! kill -0 "$(cat "$1")" 2>/dev/null; }
state=""
for _ in $(seq 100); do
    state="$(timeout 5 sinfo -h -n "$NODE" -o %t 2>/dev/null || true)"
    [ "$state" = idle ] && break
    # A daemon that died (a port taken, a bad configuration) will not come back.
    if daemon_died "$WORK/slurmctld.pid" || daemon_died "$WORK/slurmd.pid"; then
        state="down (a daemon exited)"
        break
    fi
    sleep 0.3
done
[ "$state" = idle ] || { say "node $NODE is '$state', not idle:"; tail -n 20 "$WORK/slurmctld.log" "$WORK/slurmd.log" >&2; exit 1; }
say "Slurm up: node $NODE, $(nproc) CPUs ($(( $(date +%s) - start_time )) s)"

# --- the campaign, locally and through Slurm -----------------------------------
if [ -z "$campaign" ]; then
    [ -x "$BIN/fedmoe-fake-scenario" ] || { say "no $BIN/fedmoe-fake-scenario (build the target fedmoe-fake-scenario) and no campaign given"; exit 1; }
    campaign="$WORK/tiny.json"
    cat > "$campaign" <<JSON
{ "program": "$BIN/fedmoe-fake-scenario",
  "fixed": { "rounds": 3 },
  "sweep": { "policy": ["greedy", "random"], "distanceMax": [10, 30] },
  "seeds": 2 }
JSON
fi
"$BIN/fedmoe-sweep" "$campaign" --out "$WORK/local" --no-plots
jobid="$("$BIN/fedmoe-sweep" "$campaign" --out "$WORK/slurm" --slurm)"
say "submitted array job $jobid; waiting for it"
for _ in $(seq 3000); do
    [ -z "$(squeue -h -j "$jobid" 2>/dev/null)" ] && break
    sleep 0.2
done
[ -z "$(squeue -h -j "$jobid" 2>/dev/null)" ] || { say "job $jobid still queued after 10 minutes"; squeue >&2; exit 1; }
"$BIN/fedmoe-sweep" "$campaign" --out "$WORK/slurm" --collect --no-plots || true

# Compare the tables without the wall-time columns (their names contain "wall").
strip_wall() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) keep[i] = ($i !~ /wall/) }
             { line = ""; for (i = 1; i <= NF; i++) if (keep[i]) line = line (line == "" ? "" : ",") $i; print line }' "$1"
}
if diff <(strip_wall "$WORK/local/campaign.csv") <(strip_wall "$WORK/slurm/campaign.csv") >&2; then
    rows=$(($(wc -l < "$WORK/slurm/campaign.csv") - 1))
    say "PASS: campaign.csv through Slurm equals the local one ($rows runs; wall-time columns ignored; $(( $(date +%s) - start_time )) s in all)"
    exit 0
fi
say "FAIL: campaign.csv through Slurm differs from the local one (above); task logs: $WORK/slurm/slurm/logs"
KEEP=1
exit 1
