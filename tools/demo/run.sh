#!/usr/bin/env bash
# `npm run demo`: installs and starts a local stack (source Postgres, destination Postgres, NATS, and
# a 2-shard Vitess keyspace over MariaDB),
# replicates a generated workload with live progress, and checks that both sides match.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
bash tools/testenv/install.sh
npx nx run cli:build --outputStyle=static
exec node --import tsx tools/demo/src/demo.ts "$@"
