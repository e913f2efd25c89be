#!/usr/bin/env bash
# Stop the private SLURM test cluster started by scripts/slurm/start_cluster.sh.
#
# Stops slurmd, slurmctld and munged by the PIDs recorded in
# $VF_SLURM_STATE_DIR (default /tmp/viscous-forces-slurm): SIGTERM, wait,
# then SIGKILL. Jobs still known to the private cluster are cancelled first.
# Daemons not started by start_cluster.sh are left alone, the installed
# packages and the configuration are kept. Never fails because a daemon is
# already gone; always exits 0 unless a daemon survives SIGKILL.
#
# Environment knobs:
#   VF_SLURM_STATE_DIR   state directory (/tmp/viscous-forces-slurm)
#   VF_SLURM_KEEP_MUNGE  if 1, leave munged running (used by start_cluster.sh)

set -uo pipefail

STATE_DIR="${VF_SLURM_STATE_DIR:-/tmp/viscous-forces-slurm}"
export PATH="$PATH:/usr/sbin:/sbin"

log() { echo "[stop_cluster] $*" >&2; }

if [ ! -d "$STATE_DIR" ]; then
    log "no state directory $STATE_DIR: nothing to stop"
    exit 0
fi

if [ "${VF_SLURM_LOCK_HELD:-0}" != 1 ]; then
    exec 9>"$STATE_DIR/.lock"
    flock -w 120 9 || log "could not get the lock $STATE_DIR/.lock within 120 s; stopping anyway"
fi

# recorded_pid NAME: print the PID recorded for NAME if that process is alive
# and really is NAME (guards against PID reuse).
recorded_pid() {
    local name="$1" pid
    pid="$(cat "$STATE_DIR/$name.pid" 2>/dev/null)" || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 1
    echo "$pid"
}

stop_daemon() {
    local name="$1" pid i
    if ! pid="$(recorded_pid "$name")"; then
        log "$name: not running (or not started by start_cluster.sh)"
        rm -f "$STATE_DIR/$name.pid"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 100); do      # up to 10 s
        [ -d "/proc/$pid" ] || break
        # a zombie counts as gone
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
        sleep 0.1
    done
    if [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
        log "$name (PID $pid) ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        for i in $(seq 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    fi
    if [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
        log "$name (PID $pid) is still alive after SIGKILL"
        return 1
    fi
    log "$name (PID $pid) stopped"
    rm -f "$STATE_DIR/$name.pid"
    return 0
}

# Cancel whatever is still queued/running in the private cluster so that no
# job steps outlive slurmd.
if recorded_pid slurmctld >/dev/null && command -v squeue >/dev/null 2>&1; then
    jobs="$(timeout 5 squeue -h -t PENDING,RUNNING,SUSPENDED,CONFIGURING -o '%i' 2>/dev/null | tr '\n' ' ')"
    if [ -n "${jobs// /}" ]; then
        log "cancelling jobs still in the queue: $jobs"
        # shellcheck disable=SC2086
        timeout 10 scancel $jobs >/dev/null 2>&1 || true
        for _ in $(seq 50); do
            left="$(timeout 5 squeue -h -t RUNNING,COMPLETING,CONFIGURING -o '%i' 2>/dev/null)"
            [ -z "$left" ] && break
            sleep 0.2
        done
    fi
fi

rc=0
stop_daemon slurmd || rc=1
stop_daemon slurmctld || rc=1
if [ "${VF_SLURM_KEEP_MUNGE:-0}" != 1 ]; then
    stop_daemon munged || rc=1
fi
# Take our slurm.conf out of /etc/slurm while the cluster is down: with a config but no
# controller, every `scontrol` call (and the Snakemake SLURM plugin runs `scontrol show config`
# whenever snakemake starts, even for local runs) waits ~10 s for the dead controller; without a
# config it fails at once. start_cluster.sh writes the config again.
CONF=/etc/slurm/slurm.conf
if [ "$rc" = 0 ] && [ -f "$CONF" ] && grep -qF "# managed by viscous-forces scripts/slurm/start_cluster.sh" "$CONF"; then
    mkdir -p "$STATE_DIR" && mv -f "$CONF" "$STATE_DIR/slurm.conf.stopped" && log "moved $CONF to $STATE_DIR/slurm.conf.stopped"
fi
exit "$rc"
