#!/usr/bin/env bash
# Builds the tools the deploy checks (`npx nx run deploy:test`) need, into $REPO/.cache/bin:
#   - helm (go install helm.sh/helm/v3/cmd/helm, pinned below): `helm lint` and `helm template`
#   - k8s-validate (tools/k8s-validate): strict offline decoding of rendered manifests and of the
#     compose file (see tools/k8s-validate/README.md)
# Each is skipped when the same build is already there (a stamp holds helm's version, and a hash
# of the validator's sources). Nothing here needs a Docker engine or a Kubernetes cluster.
#
# Environment:
#   GOCACHE / GOMODCACHE   default to $REPO/.cache/go-build and $REPO/.cache/go-mod (go-env.sh)
#   DEPLOY_TOOLS_BIN_DIR   where the binaries go (default $REPO/.cache/bin)
set -euo pipefail

HELM_VERSION="v3.22.0"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="${DEPLOY_TOOLS_BIN_DIR:-$REPO/.cache/bin}"
VALIDATOR_SRC="$REPO/tools/k8s-validate"

log() { printf '[testenv/install-deploy-tools] %s\n' "$*"; }

# shellcheck source=go-env.sh
source "$REPO/tools/testenv/go-env.sh"
go_deploy_env() {
  go_env '>= 1.26' 'build helm and k8s-validate'
  mkdir -p "$BIN_DIR"
}

# ---------------------------------------------------------------- helm
HELM_BIN="$BIN_DIR/helm"
HELM_STAMP="$BIN_DIR/.helm-version"
if [ -x "$HELM_BIN" ] && [ "$(cat "$HELM_STAMP" 2>/dev/null || true)" = "$HELM_VERSION" ]; then
  log "helm $HELM_VERSION already installed ($HELM_BIN)"
else
  go_deploy_env
  log "building helm $HELM_VERSION"
  started=$(date +%s)
  # nice: the machines running this are small and shared.
  GOBIN="$BIN_DIR" nice -n 19 go install -trimpath "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "$HELM_VERSION" >"$HELM_STAMP"
  log "installed helm $HELM_VERSION ($HELM_BIN) in $(($(date +%s) - started)) s"
fi

# ---------------------------------------------------------------- k8s-validate
VALIDATOR_BIN="$BIN_DIR/k8s-validate"
VALIDATOR_STAMP="$BIN_DIR/.k8s-validate-sources"
sources_hash="$(cd "$VALIDATOR_SRC" && cat go.mod go.sum $(ls ./*.go | sort) | sha256sum | cut -d' ' -f1)"
if [ -x "$VALIDATOR_BIN" ] && [ "$(cat "$VALIDATOR_STAMP" 2>/dev/null || true)" = "$sources_hash" ]; then
  log "k8s-validate already built from these sources ($VALIDATOR_BIN)"
else
  go_deploy_env
  log "building k8s-validate"
  started=$(date +%s)
  (cd "$VALIDATOR_SRC" && nice -n 19 go build -trimpath -o "$VALIDATOR_BIN.tmp" .)
  mv "$VALIDATOR_BIN.tmp" "$VALIDATOR_BIN"
  echo "$sources_hash" >"$VALIDATOR_STAMP"
  log "built k8s-validate ($VALIDATOR_BIN) in $(($(date +%s) - started)) s"
fi
