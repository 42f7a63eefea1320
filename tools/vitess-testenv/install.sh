#!/usr/bin/env bash
# Installs what tools/vitess-testenv/start.sh needs:
#   - MariaDB 10.11 binaries from Debian (mariadb-server, mariadb-client), through
#     tools/testenv/install.sh mariadb. The package's own system service is never left running:
#     it is kept from starting during the install and stopped/disabled if it runs anyway.
#   - Vitess binaries built with `go install vitess.io/vitess/go/cmd/...@$VITESS_VERSION` from the
#     Go module proxy into $REPO/.cache/vitess/$VITESS_VERSION/bin: vttestserver and vtcombo for
#     start.sh; vtgate, vttablet, vtctld, mysqlctl and vtctldclient for the multi-process cluster
#     (startVitessCluster in tools/testenv).
#   - etcd (the multi-process cluster's topology server), built from the module proxy through
#     tools/vitess-testenv/etcd/go.mod into $REPO/.cache/vitess/etcd-$ETCD_VERSION.
# Idempotent: every step is skipped when its result is already in place.
# `install.sh testserver` builds only vttestserver, vtcombo and mysqlctl (what start.sh runs).
#
# Environment:
#   GOCACHE / GOMODCACHE    default to $REPO/.cache/go-build and $REPO/.cache/go-mod (go-env.sh)
#   GOMAXPROCS              passed through (set GOMAXPROCS=1 on a busy machine)
set -euo pipefail

# v0.22.4 is the newest Vitess that `go install …@version` can build: v0.23.x and v0.24.x carry an
# `exclude` directive in go.mod, which `go install pkg@version` refuses. See README.md.
VITESS_VERSION="v0.22.4"
# etcd v3.5.24: the module proxy answers 403 for the server/v3 module of v3.5.25 (the client
# version Vitess v0.22.4 requires); v3.5.24 speaks the same v3 API.
ETCD_VERSION="v3.5.24"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="$REPO/.cache/vitess/$VITESS_VERSION/bin"

log() { printf '[vitess-testenv/install] %s\n' "$*"; }
# shellcheck source=../testenv/go-env.sh
source "$REPO/tools/testenv/go-env.sh"

# ------------------------------------------------------------------- MariaDB
# tools/testenv/install.sh's MariaDB step (the one place for it): the binaries, the Debian service
# kept from running, and the 'mysql' OS user (mysqlctl, used by vttestserver, refuses to run as
# root; start.sh then runs the cluster as that user).
bash "$REPO/tools/testenv/install.sh" mariadb

# -------------------------------------------------------------------- Vitess
BINARIES=(vttestserver vtcombo mysqlctl vtctldclient vtgate vttablet vtctld)
ETCD_DIR="$REPO/.cache/vitess/etcd-$ETCD_VERSION"
have_etcd() { [ -x "$ETCD_DIR/etcd" ] && "$ETCD_DIR/etcd" --version 2>/dev/null | grep -q "etcd Version: ${ETCD_VERSION#v}$"; }
# `install.sh testserver`: only what start.sh runs (the demo), not the multi-process cluster's
# binaries nor etcd.
if [ "${1:-}" = testserver ]; then
  BINARIES=(vttestserver vtcombo mysqlctl)
  have_etcd() { return 0; }
fi
# Go module v0.MAJOR.PATCH is Vitess release MAJOR.0.PATCH: `vtcombo --version` prints "Version: 22.0.4 ".
IFS=. read -r _ vmajor vpatch <<<"$VITESS_VERSION"
want="$vmajor.0.$vpatch"
missing=()
for b in "${BINARIES[@]}"; do
  if [ ! -x "$BIN_DIR/$b" ] || ! "$BIN_DIR/$b" --version 2>/dev/null | grep -q "Version: $want "; then
    missing+=("$b")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  log "Vitess $VITESS_VERSION binaries already in $BIN_DIR: ${BINARIES[*]}"
fi
if [ "${#missing[@]}" -eq 0 ] && have_etcd; then
  log "etcd $ETCD_VERSION already in $ETCD_DIR"
  exit 0
fi

# --keep-cgo, the one exception to go-env.sh's CGO_ENABLED=0: Vitess and etcd are built as they
# always were, with Go's default (cgo on where a C compiler is found; the cached binaries say
# CGO_ENABLED=1). Building them without cgo has not been verified (a Vitess build takes long), and
# would change the binaries every Vitess test runs.
go_env --keep-cgo '>= 1.24.13' 'build Vitess and etcd'

# ---------------------------------------------------------------------- etcd
if ! have_etcd; then
  mkdir -p "$ETCD_DIR"
  log "building etcd $ETCD_VERSION into $ETCD_DIR"
  start=$(date +%s)
  # etcd's own go.mod files carry `replace` directives, which `go install pkg@version` refuses: the
  # server package is built as a dependency of tools/vitess-testenv/etcd/go.mod (pinned, with go.sum).
  (cd "$REPO/tools/vitess-testenv/etcd" && nice -n 19 go build -o "$ETCD_DIR/etcd" go.etcd.io/etcd/server/v3)
  log "built in $(($(date +%s) - start))s: $("$ETCD_DIR/etcd" --version | head -1)"
fi
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi

export GOBIN="$BIN_DIR"
mkdir -p "$GOBIN"
log "building Vitess $VITESS_VERSION (${missing[*]}) into $GOBIN"

# The module proxy answers 403 for vitess.io/vitess/@v/list, which `go install pkg@version`
# reads to check for deprecation. After `go mod download`, the module cache's download dir holds
# a `list` file, so put it first in the proxy chain (it 404s for anything it lacks).
orig_proxy="$(go env GOPROXY)"
nice -n 19 go mod download "vitess.io/vitess@$VITESS_VERSION"
export GOPROXY="file://$GOMODCACHE/cache/download,$orig_proxy"

pkgs=()
for b in "${missing[@]}"; do pkgs+=("vitess.io/vitess/go/cmd/$b@$VITESS_VERSION"); done
start=$(date +%s)
# -tags goexperiment.swissmap: Vitess 22's go/hack/ensure_swiss_map.go refuses to compile unless
# that tag is set; Go >= 1.26 removed the experiment (Swiss maps are always on) so the tag is no
# longer set automatically. Setting it is what the guard wants, and harmless on Go 1.24/1.25.
nice -n 19 go install -tags goexperiment.swissmap "${pkgs[@]}"
log "built in $(( $(date +%s) - start ))s: $("$BIN_DIR/vtcombo" --version 2>/dev/null || true)"
