#!/usr/bin/env bash
# Installs what the multi-process Vitess cluster (startVitessCluster in tools/testenv) needs, on top
# of install.sh: the Vitess binaries vtgate, vttablet, vtctld (besides mysqlctl and vtctldclient)
# and etcd, the topology server, built from the Go module proxy into $REPO/.cache/vitess/.
# Idempotent: every step is skipped when its result is already in place.
#
# Builds run with GOMAXPROCS=1 and nice 19 unless GOMAXPROCS is set: the build shares the machine.
# Cold, on 2 shared cores: Vitess's three extra binaries ~2 min on top of install.sh's, etcd ~1 min
# (about 4 min with an empty module cache). GOCACHE / GOMODCACHE default to $REPO/.cache/.
set -euo pipefail

# etcd v3.5.24: the server/v3 module of v3.5.25 (the client version Vitess v0.22.4 requires) is
# answered 403 by the module proxy; v3.5.24 speaks the same v3 API.
ETCD_VERSION="v3.5.24"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ETCD_DIR="$REPO/.cache/vitess/etcd-$ETCD_VERSION"

log() { printf '[vitess-testenv/install-cluster] %s\n' "$*"; }

export GOMAXPROCS="${GOMAXPROCS:-1}"
VITESS_ALL_BINARIES=1 bash "$REPO/tools/vitess-testenv/install.sh"

if [ -x "$ETCD_DIR/etcd" ] && "$ETCD_DIR/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION#v}$"; then
  log "etcd $ETCD_VERSION already in $ETCD_DIR"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; else
    log "go not found (need Go >= 1.24)"; exit 1
  fi
fi
export GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-$REPO/.cache/go-build}"
export GOMODCACHE="${GOMODCACHE:-$REPO/.cache/go-mod}"
export GOFLAGS="${GOFLAGS:-} -modcacherw"
mkdir -p "$ETCD_DIR"
log "building etcd $ETCD_VERSION with $(go version | cut -d' ' -f3) into $ETCD_DIR (GOMAXPROCS=$GOMAXPROCS)"
start=$(date +%s)
# etcd's own go.mod files carry `replace` directives, which `go install pkg@version` refuses: the
# server package is built as a dependency of tools/vitess-testenv/etcd/go.mod (pinned, with go.sum).
(cd "$REPO/tools/vitess-testenv/etcd" && nice -n 19 go build -o "$ETCD_DIR/etcd" go.etcd.io/etcd/server/v3)
log "built in $(( $(date +%s) - start ))s: $("$ETCD_DIR/etcd" --version | head -1)"
