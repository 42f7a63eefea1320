#!/usr/bin/env bash
# Builds Jaeger v2 (the OpenTelemetry-collector based `cmd/jaeger`: OTLP in, query API out) into
# $REPO/.cache/bin/jaeger, for the tracing end-to-end test. Skipped when the pinned build is there.
#
# Jaeger's Go module keeps the v1 path: Jaeger v2.N.0 is module version v1.(63+N).0, so
# JAEGER_MODULE_VERSION v1.76.0 is Jaeger v2.13.0. Its go.mod carries a `replace` directive, which
# `go install pkg@version` refuses, so the module is downloaded and `go build` runs inside it.
#
# Environment:
#   GOCACHE / GOMODCACHE   default to $REPO/.cache/go-build and $REPO/.cache/go-mod (go-env.sh)
#   JAEGER_BIN_DIR         where the binary goes (default $REPO/.cache/bin)
set -euo pipefail

JAEGER_VERSION="v2.13.0"
JAEGER_MODULE_VERSION="v1.76.0"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="${JAEGER_BIN_DIR:-$REPO/.cache/bin}"
JAEGER_BIN="$BIN_DIR/jaeger"
STAMP="$BIN_DIR/.jaeger-version"

log() { printf '[testenv/install-jaeger] %s\n' "$*"; }
# shellcheck source=go-env.sh
source "$REPO/tools/testenv/go-env.sh"

if [ -x "$JAEGER_BIN" ] && [ "$(cat "$STAMP" 2>/dev/null || true)" = "$JAEGER_VERSION" ]; then
  log "jaeger $JAEGER_VERSION already installed ($JAEGER_BIN)"
  exit 0
fi

go_env '>= 1.25' 'build jaeger'
mkdir -p "$BIN_DIR"

log "building jaeger $JAEGER_VERSION (module $JAEGER_MODULE_VERSION)"
started=$(date +%s)
module_dir="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$module_dir" ] && [ -d "$module_dir" ] || { log "go mod download gave no module directory"; exit 1; }
# Inside the module its go.mod (with the replace) applies; -trimpath keeps the cache path out.
(cd "$module_dir" && go build -trimpath -o "$JAEGER_BIN.tmp" ./cmd/jaeger)
mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
echo "$JAEGER_VERSION" >"$STAMP"
log "installed jaeger $JAEGER_VERSION ($JAEGER_BIN) in $(($(date +%s) - started)) s"
