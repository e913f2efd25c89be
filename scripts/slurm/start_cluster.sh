#!/usr/bin/env bash
# Start a private single-node SLURM cluster on this machine (for tests).
#
#   scripts/slurm/start_cluster.sh        # install if needed, configure, start
#   scripts/slurm/stop_cluster.sh         # stop the daemons again
#
# What it does (idempotent; safe to run again while the cluster is up):
#   1. installs the Debian packages slurmctld slurmd slurm-client munge if
#      any of their programs are missing (apt-get, non-interactive; the
#      package lists are only refreshed when the first attempt fails);
#   2. creates a munge key if there is none, writes /etc/slurm/slurm.conf
#      (the SLURM executor plugin's job step drops SLURM_CONF, so the config
#      must live at the default path). No cgroup.conf is needed: with
#      proctrack/linuxproc + task/none slurmd never touches cgroups;
#   3. starts munged, slurmctld and slurmd directly as daemons (no systemd),
#      records their PIDs in $VF_SLURM_STATE_DIR (default
#      /tmp/viscous-forces-slurm) and waits until `sinfo` shows the node idle.
#
# Exit codes:
#   0  cluster is up (node idle)
#   1  something went wrong while starting (daemon logs are printed)
#   3  SLURM cannot be installed/run here; one line "SKIP: <reason>" on stderr
#
# Environment knobs:
#   VF_SLURM_STATE_DIR      state/spool/log directory   (/tmp/viscous-forces-slurm)
#   VF_SLURM_START_TIMEOUT  seconds to wait for the node (30)
#   VF_SLURM_PARTITION      partition name              (debug)
#   VF_SLURM_REAL_MEMORY_MB node RealMemory in MB       (MemTotal - 5 %)

set -uo pipefail

STATE_DIR="${VF_SLURM_STATE_DIR:-/tmp/viscous-forces-slurm}"
TIMEOUT="${VF_SLURM_START_TIMEOUT:-30}"
PARTITION="${VF_SLURM_PARTITION:-debug}"
CONF_DIR=/etc/slurm
CONF="$CONF_DIR/slurm.conf"
MARKER="# managed by viscous-forces scripts/slurm/start_cluster.sh"
PACKAGES=(slurmctld slurmd slurm-client munge)
NEEDED_PROGRAMS=(munged munge unmunge slurmctld slurmd sinfo squeue sbatch srun scontrol)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "[start_cluster] $*" >&2; }
skip() { echo "SKIP: $*" >&2; exit 3; }
die() { echo "ERROR: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

T0="$(now)"

# --------------------------------------------------------------------------
# 0. preconditions
# --------------------------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "start_cluster.sh must run as root to install and run SLURM daemons (uid $(id -u))"

missing_programs() {
    local p out=()
    for p in "${NEEDED_PROGRAMS[@]}"; do
        command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || out+=("$p")
    done
    echo "${out[*]}"
}
export PATH="$PATH:/usr/sbin:/sbin"

mkdir -p "$STATE_DIR" || die "cannot create state directory $STATE_DIR"
# Serialise concurrent start/stop calls (e.g. several pytest sessions).
# (fd 9 is closed for the daemons started below, or they would hold the lock)
exec 9>"$STATE_DIR/.lock"
flock -w 600 9 || die "could not get the lock $STATE_DIR/.lock within 600 s"

# --------------------------------------------------------------------------
# 1. install packages if needed
# --------------------------------------------------------------------------
install_packages() {
    command -v apt-get >/dev/null 2>&1 || skip "SLURM is not installed and apt-get is not available (missing: $(missing_programs))"
    local apt=(apt-get -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
    local policy_created=0
    # Keep the packages' maintainer scripts from starting daemons themselves
    # (we start them below and need to know their PIDs).
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_created=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    local t_inst rc
    t_inst="$(now)"
    log "installing ${PACKAGES[*]} (apt-get) ..."
    local out="$STATE_DIR/apt-install.log"
    : >"$out"
    rc=1
    if ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
        "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >>"$out" 2>&1 && rc=0
    fi
    if [ "$rc" -ne 0 ]; then
        log "apt-get install failed or no package lists; running apt-get update and retrying"
        "${apt[@]}" update >>"$out" 2>&1 || log "apt-get update failed (continuing)"
        "${apt[@]}" install -y --no-install-recommends "${PACKAGES[@]}" >>"$out" 2>&1 && rc=0
    fi
    [ "$policy_created" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    if [ "$rc" -ne 0 ]; then
        tail -n 20 "$out" >&2
        skip "apt-get install ${PACKAGES[*]} failed (see $out)"
    fi
    log "installed in $(elapsed "$t_inst") s"
}

if [ -n "$(missing_programs)" ]; then
    install_packages
    [ -z "$(missing_programs)" ] || skip "SLURM programs still missing after install: $(missing_programs)"
fi

# --------------------------------------------------------------------------
# helpers for daemons
# --------------------------------------------------------------------------
# pid_alive NAME: true if $STATE_DIR/NAME.pid holds the PID of a live NAME.
pid_alive() {
    local name="$1" pid
    pid="$(cat "$STATE_DIR/$name.pid" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ -r "/proc/$pid/comm" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
    # an exited daemon may linger as a zombie until init reaps it
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]
}

# live_pids NAME: PIDs of all running (non-zombie) processes called NAME
live_pids() {
    ps -C "$1" -o pid=,stat= 2>/dev/null | awk '$2 !~ /^Z/ { printf "%s ", $1 }'
}

node_state() {
    timeout 10 sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n 1
}

show_logs() {
    local f
    for f in "$STATE_DIR/log/slurmctld.log" "$STATE_DIR/log/slurmd.log" "$STATE_DIR/log/munged.log" \
             "$STATE_DIR/log/slurmctld.stdout" "$STATE_DIR/log/slurmd.stdout"; do
        [ -s "$f" ] || continue
        echo "----- last lines of $f -----" >&2
        tail -n 25 "$f" >&2
    done
    echo "----- sinfo -R -----" >&2
    timeout 10 sinfo -R >&2 2>&1 || true
}

# --------------------------------------------------------------------------
# 2. configuration
# --------------------------------------------------------------------------
NODE="$(hostname -s 2>/dev/null || hostname)"
[ -n "$NODE" ] || NODE=localhost
NCPUS="$(nproc --all 2>/dev/null || echo 1)"  # --all: OMP_NUM_THREADS in the environment must not shrink the node
MEM_TOTAL_MB="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 }' /proc/meminfo)"
# leave a margin (5 %, at least 256 MB) so slurmd never reports less than configured
MARGIN_MB=$(( MEM_TOTAL_MB / 20 )); [ "$MARGIN_MB" -lt 256 ] && MARGIN_MB=256
REAL_MEM_MB=$(( MEM_TOTAL_MB - MARGIN_MB )); [ "$REAL_MEM_MB" -lt 100 ] && REAL_MEM_MB=100
REAL_MEM_MB="${VF_SLURM_REAL_MEMORY_MB:-$REAL_MEM_MB}"

mkdir -p "$CONF_DIR" "$STATE_DIR/ctld" "$STATE_DIR/d" "$STATE_DIR/log" || die "cannot create directories"
chmod 755 "$STATE_DIR" "$STATE_DIR/ctld" "$STATE_DIR/d" "$STATE_DIR/log"

NEW_CONF="$(cat <<EOF
$MARKER
# Private single-node test cluster (no accounting, no cgroups, root daemons).
ClusterName=viscous-forces
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# start newly submitted batch jobs at once (default: up to 3 s delay)
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# keep finished jobs visible to squeue (the snakemake plugin polls squeue)
MinJobAge=300
InactiveLimit=0
KillWait=5
Waittime=0
SlurmctldTimeout=30
SlurmdTimeout=60
SlurmctldPidFile=$STATE_DIR/slurmctld.pid
SlurmdPidFile=$STATE_DIR/slurmd.pid
StateSaveLocation=$STATE_DIR/ctld
SlurmdSpoolDir=$STATE_DIR/d
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$NCPUS RealMemory=$REAL_MEM_MB State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
)"

conf_changed=0
write_if_changed() {  # write_if_changed FILE CONTENT
    local file="$1" content="$2"
    if [ -f "$file" ] && [ "$(cat "$file")" = "$content" ]; then
        return 0
    fi
    if [ -f "$file" ] && ! grep -qF "$MARKER" "$file"; then
        local bak
        bak="$file.orig.$(date +%Y%m%d%H%M%S)"
        cp -p "$file" "$bak" && log "existing $file saved as $bak"
    fi
    printf '%s\n' "$content" >"$file.tmp.$$" && mv -f "$file.tmp.$$" "$file" || die "cannot write $file"
    chmod 644 "$file"
    conf_changed=1
}
write_if_changed "$CONF" "$NEW_CONF"

# --------------------------------------------------------------------------
# 3. already running?
# --------------------------------------------------------------------------
if [ "$conf_changed" -eq 0 ] && pid_alive slurmctld && pid_alive slurmd; then
    state="$(node_state)"
    case "$state" in
        idle|mixed|allocated|completing)   # no flag like '*' (not responding)
            log "cluster already running (node $NODE: $state); nothing to do"
            exit 0 ;;
    esac
fi
# Anything half-running from an earlier start is stopped first (munged is
# kept if it is healthy).
if pid_alive slurmctld || pid_alive slurmd; then
    log "restarting: stopping the previous slurmctld/slurmd"
    VF_SLURM_KEEP_MUNGE=1 VF_SLURM_LOCK_HELD=1 "$HERE/stop_cluster.sh" >&2 || true
fi
for d in slurmctld slurmd; do
    other="$(live_pids "$d")"
    [ -z "$other" ] || die "a $d not started by this script is already running (PID $other); stop it first (kill $other)"
done

# --------------------------------------------------------------------------
# 4. munge
# --------------------------------------------------------------------------
T_START="$(now)"
id munge >/dev/null 2>&1 || skip "user 'munge' does not exist although munge is installed"
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
chown munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
KEY=/etc/munge/munge.key
if [ ! -s "$KEY" ]; then
    log "creating munge key $KEY"
    if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile="$KEY" --force >/dev/null 2>&1 || dd if=/dev/urandom of="$KEY" bs=1 count=1024 status=none
    else
        dd if=/dev/urandom of="$KEY" bs=1 count=1024 status=none
    fi
fi
chown munge:munge "$KEY"
chmod 0400 "$KEY"

munge_works() { timeout 5 munge -n 2>/dev/null | timeout 5 unmunge >/dev/null 2>&1; }

if pid_alive munged && munge_works; then
    log "munged already running (PID $(cat "$STATE_DIR/munged.pid"))"
elif munge_works; then
    log "using a munged that was not started by this script (left alone by stop_cluster.sh)"
    rm -f "$STATE_DIR/munged.pid"
else
    # a stale munged of ours that does not answer: replace it
    pid_alive munged && kill "$(cat "$STATE_DIR/munged.pid")" 2>/dev/null && sleep 0.5
    rm -f "$STATE_DIR/munged.pid"
    other="$(live_pids munged)"
    [ -z "$other" ] || die "a munged not started by this script is running (PID $other) but does not work; stop it first"
    rm -f /run/munge/munged.pid
    runuser -u munge -- munged --force --log-file=/var/log/munge/munged.log \
        </dev/null >"$STATE_DIR/log/munged.stdout" 2>&1 9>&- \
        || { cat "$STATE_DIR/log/munged.stdout" >&2; tail -n 20 /var/log/munge/munged.log >&2 2>/dev/null; die "munged failed to start"; }
    for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && munge_works && break; sleep 0.1; done
    [ -s /run/munge/munged.pid ] || die "munged did not write /run/munge/munged.pid"
    cp /run/munge/munged.pid "$STATE_DIR/munged.pid"
    munge_works || { tail -n 20 /var/log/munge/munged.log >&2; die "munged is running but munge -n | unmunge fails"; }
    log "munged started (PID $(cat "$STATE_DIR/munged.pid"))"
fi
ln -sf /var/log/munge/munged.log "$STATE_DIR/log/munged.log" 2>/dev/null || true

# --------------------------------------------------------------------------
# 5. slurmctld and slurmd (they daemonise themselves and write the PID files
#    configured above into $STATE_DIR)
# --------------------------------------------------------------------------
rm -f "$STATE_DIR/slurmctld.pid" "$STATE_DIR/slurmd.pid"
slurmctld -f "$CONF" </dev/null >"$STATE_DIR/log/slurmctld.stdout" 2>&1 9>&- \
    || { show_logs; die "slurmctld failed to start"; }
for _ in $(seq 50); do pid_alive slurmctld && break; sleep 0.1; done
pid_alive slurmctld || { show_logs; die "slurmctld is not running (no live PID in $STATE_DIR/slurmctld.pid)"; }

slurmd -f "$CONF" -N "$NODE" </dev/null >"$STATE_DIR/log/slurmd.stdout" 2>&1 9>&- \
    || { show_logs; die "slurmd failed to start"; }
for _ in $(seq 50); do pid_alive slurmd && break; sleep 0.1; done
pid_alive slurmd || { show_logs; die "slurmd is not running (no live PID in $STATE_DIR/slurmd.pid)"; }

# --------------------------------------------------------------------------
# 6. wait for the node
# --------------------------------------------------------------------------
deadline=$(( $(date +%s) + TIMEOUT ))
state=""
while :; do
    state="$(node_state)"
    case "$state" in
        # exact states only: 'idle*' means slurmd has not (re)registered yet
        idle|mixed|allocated) break ;;
        down*|drain*|fail*)
            # a node left DOWN by an earlier incarnation: bring it back
            timeout 10 scontrol update nodename="$NODE" state=resume >/dev/null 2>&1 || true ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then
        show_logs
        die "node $NODE not idle after ${TIMEOUT} s (state: '${state:-unknown}')"
    fi
    pid_alive slurmctld || { show_logs; die "slurmctld died while waiting for the node"; }
    pid_alive slurmd || { show_logs; die "slurmd died while waiting for the node"; }
    sleep 0.2
done

log "cluster up in $(elapsed "$T_START") s (total $(elapsed "$T0") s): node $NODE $state," \
    "partition $PARTITION, CPUs=$NCPUS RealMemory=${REAL_MEM_MB}M," \
    "PIDs munged=$(cat "$STATE_DIR/munged.pid" 2>/dev/null || echo external)" \
    "slurmctld=$(cat "$STATE_DIR/slurmctld.pid") slurmd=$(cat "$STATE_DIR/slurmd.pid")," \
    "logs in $STATE_DIR/log"
exit 0
