#!/usr/bin/env bash
# Stops what tools/vitess-testenv/start.sh started (and only that). Idempotent.
#   1. SIGTERM to vttestserver: it stops vtcombo and shuts MariaDB down through mysqlctl.
#   2. Anything left in its process group (start.sh runs it under setsid) gets SIGTERM, then SIGKILL.
#   3. Any process still using this environment's data directory (its MariaDB) is ended too.
# Keeps $DIR/cluster and the log for inspection (start.sh wipes them); VITESS_CLEAN=1 removes $DIR.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="${VITESS_TESTENV_DIR:-$REPO/.testenv/vitess}"

log() { printf '[vitess-testenv/stop] %s\n' "$*"; }

wait_gone() { # pid seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    # gone, or a zombie waiting to be reaped
    grep -qs '^State:[[:space:]]*[^Z]' "/proc/$1/status" || return 0
    sleep 0.1
  done
  return 1
}

# Alive = not gone, not a zombie, and really our vttestserver (guards against PID reuse).
vt_alive() { grep -q vttestserver "/proc/$1/cmdline" 2>/dev/null; }

group_alive() { [ -n "$(ps -o pid= -g "$1" 2>/dev/null)" ]; }

# PIDs whose command line mentions our cluster directory (unique to this environment).
pids_using_dir() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$(tr '\0' ' ' 2>/dev/null <"$p/cmdline")" || continue
    case "$cmd" in *"$DIR/cluster/"*) echo "${p#/proc/}" ;; esac
  done
}

VITESS_PID=""
if [ -f "$DIR/env" ]; then
  # shellcheck disable=SC1091
  . "$DIR/env"
fi

if [ -n "$VITESS_PID" ]; then
  if vt_alive "$VITESS_PID"; then
    log "stopping vttestserver (pid $VITESS_PID)"
    kill -TERM "$VITESS_PID" 2>/dev/null || true
    wait_gone "$VITESS_PID" 60 || log "vttestserver still running after 60s"
  fi
  if group_alive "$VITESS_PID"; then
    log "ending what is left of process group $VITESS_PID"
    kill -TERM -- "-$VITESS_PID" 2>/dev/null || true
    # MariaDB's clean shutdown can take a while on a busy machine: a minute before SIGKILL.
    for _ in $(seq 1 600); do group_alive "$VITESS_PID" || break; sleep 0.1; done
    if group_alive "$VITESS_PID"; then
      log "process group $VITESS_PID still running after 60s: SIGKILL"
      kill -KILL -- "-$VITESS_PID" 2>/dev/null || true
    fi
  fi
fi

left="$(pids_using_dir | tr '\n' ' ')"
if [ -n "${left// /}" ]; then
  log "ending leftover processes using $DIR/cluster: $left"
  # shellcheck disable=SC2086
  kill -TERM $left 2>/dev/null || true
  for p in $left; do wait_gone "$p" 60 || { log "pid $p still running after 60s: SIGKILL"; kill -KILL "$p" 2>/dev/null || true; }; done
fi

rm -f "$DIR/env"
if [ "${VITESS_CLEAN:-0}" = 1 ]; then
  rm -rf "$DIR"
  log "removed $DIR"
fi
log "stopped"
