#!/usr/bin/env bash
# `npm run demo`: installs and starts what the demo runs (a source and a destination Postgres and
# NATS; with Vitess built, also a 2-shard Vitess keyspace over MariaDB), replicates a generated
# workload with live progress, and checks that both sides match.
#
# Flags (after `npm run demo --`): --rows N, --keep (leave the stack running), --vitess (build
# Vitess first if needed, and run its leg), --no-vitess (skip that leg even when Vitess is built),
# --nats-cluster (JetStream on a 3-server NATS cluster with nats.replicas 3 instead of one server).
#
# Only what the demo uses is installed and built: PostgreSQL, nats-server and the cdc bundle
# (not MariaDB, Jaeger, helm or the manifest validator, which `npm test` installs). Each setup
# step's output goes to .testenv/demo/setup.log; a failed step prints one line: which step, why,
# and what to do.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
export NX_DAEMON="${NX_DAEMON:-false}" NX_NO_CLOUD=true
LOG_DIR="$REPO/.testenv/demo"
LOG="$LOG_DIR/setup.log"
mkdir -p "$LOG_DIR"
: >"$LOG"

# step NAME FIX COMMAND...: runs COMMAND with its output in the log; on failure prints one line
# with the step, the last line the command printed (install.sh's lines say what is missing) and FIX.
step() {
  local name="$1" fix="$2"
  shift 2
  local started=$SECONDS
  printf '▶ %s' "$name"
  if "$@" >>"$LOG" 2>&1; then
    printf ' (%ds)\n' $((SECONDS - started))
    return 0
  fi
  local last
  last="$(grep -v '^\s*$' "$LOG" | tail -n 1 | sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g')"
  printf '\n✘ demo step "%s" failed: %s; %s (full log: %s)\n' "$name" "$last" "$fix" "$LOG" >&2
  exit 1
}

vitess=auto
for arg in "$@"; do
  case "$arg" in
    --vitess) vitess=yes ;;
    --no-vitess) vitess=no ;;
  esac
done
VITESS_BIN="$REPO/.cache/vitess/v0.22.4/bin"
if [ "$vitess" = auto ]; then
  if [ -x "$VITESS_BIN/vttestserver" ] && [ -x "$VITESS_BIN/vtcombo" ] && [ -x "$VITESS_BIN/mysqlctl" ]; then
    vitess=yes
  else
    vitess=not-built
  fi
fi

step "installing PostgreSQL and nats-server (the first time: nats-server is built with Go, ~1-2 min)" \
  "PostgreSQL comes from apt-get (root or sudo), nats-server needs Go >= 1.25 on PATH" \
  bash tools/testenv/install.sh postgres nats
if [ "$vitess" = yes ]; then
  step "installing MariaDB and Vitess (the first time, Vitess is built from source: several minutes)" \
    "MariaDB comes from apt-get (root or sudo), Vitess needs Go >= 1.24.13; or run without --vitess" \
    bash tools/vitess-testenv/install.sh testserver
fi
step "building dist/cdc.cjs" "run npx nx run cli:bundle to see the error" npx nx run cli:bundle --outputStyle=static

args=()
for arg in "$@"; do [ "$arg" = --vitess ] || args+=("$arg"); done
[ "$vitess" = yes ] || args+=(--no-vitess)
[ "$vitess" = not-built ] && args+=(--vitess-not-built)
exec node --import tsx tools/demo/src/demo.ts "${args[@]}"
