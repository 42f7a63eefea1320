# The one Go build environment of the install scripts that build Go tools (install.sh's
# nats-server, install-jaeger.sh, install-deploy-tools.sh, tools/vitess-testenv/install.sh).
# Sourced, not run: it defines go_env, which a script calls just before it builds, so that a
# script whose builds are all cached needs no Go at all. Uses the caller's `log` function.
#
# go_env [--keep-cgo] NEED WHAT: finds go (also in /usr/local/go/bin, where the Go tarball puts
# it), or exits with "go (NEED) is required to WHAT"; then exports
#   GOCACHE / GOMODCACHE   under $REPO/.cache (go-build, go-mod) unless already set
#   GOFLAGS                plus -modcacherw: the module cache stays deletable (CI cache pruning,
#                          rm -rf .cache); added once however often go_env runs
#   GOTOOLCHAIN=local      a newer local Go builds; never download a toolchain
#   CGO_ENABLED=0          static binaries that need no C toolchain; --keep-cgo leaves it as the
#                          caller has it (Go's default: on where a C compiler is found), for
#                          builds not verified without cgo
# and logs the toolchain it builds with.

GO_ENV_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

go_env() {
  local keep_cgo=0
  if [ "$1" = --keep-cgo ]; then
    keep_cgo=1
    shift
  fi
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; fi
  command -v go >/dev/null 2>&1 || { log "go ($1) is required to $2"; exit 1; }
  export GOCACHE="${GOCACHE:-$GO_ENV_REPO/.cache/go-build}"
  export GOMODCACHE="${GOMODCACHE:-$GO_ENV_REPO/.cache/go-mod}"
  case " ${GOFLAGS:-} " in
    *" -modcacherw "*) ;;
    *) export GOFLAGS="${GOFLAGS:+$GOFLAGS }-modcacherw" ;;
  esac
  export GOTOOLCHAIN=local
  if [ "$keep_cgo" = 0 ]; then export CGO_ENABLED=0; fi
  log "Go toolchain: $(go version) (GOCACHE=$GOCACHE GOMODCACHE=$GOMODCACHE GOFLAGS=$GOFLAGS CGO_ENABLED=${CGO_ENABLED:-go default})"
}
