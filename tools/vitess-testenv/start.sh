#!/usr/bin/env bash
# Starts a real Vitess cluster over MariaDB on loopback, for the VStream reader's tests:
#   vttestserver -> vtcombo (topo in memory + vtctld + vtgate + one vttablet per tablet, in one
#   process) + one MariaDB (mysqld managed by Vitess's mysqlctl, all shard databases in it).
# Default keyspaces: "unsharded" (shard 0) and "sharded" (shards -80 and 80-).
#
# Idempotent: when the cluster is already up and answering, it only prints its addresses.
# All state is under $REPO/.testenv/vitess (override: VITESS_TESTENV_DIR). stop.sh ends it.
# Prints shell-sourceable KEY=VALUE lines (also written to $DIR/env):
#   VITESS_GRPC_ADDR   vtgate gRPC (vtgateconn / VStream)
#   VITESS_MYSQL_ADDR  vtgate MySQL protocol (user root, no password)
#
# Environment:
#   VITESS_BASE_PORT      first of 4 consecutive ports: web, gRPC, MariaDB, vtgate MySQL
#                         (default: the first free block of PORT_BLOCKS_FROM..PORT_BLOCKS_TO
#                         below, in steps of 10)
#   VITESS_KEYSPACES      comma list (default unsharded,sharded)
#   VITESS_NUM_SHARDS     comma list, one per keyspace (default 1,2)
#   VITESS_SCHEMA_DIR     optional vttestserver --schema_dir (one subdir per keyspace with *.sql
#                         and optionally vschema.json)
#   VITESS_START_TIMEOUT  seconds to wait for vtgate (default 240)
#   VITESS_KEEP_DATA=1    keep the MariaDB data of the previous run (a restart: same GTIDs, tables
#                         and VSchema; use with the previous VITESS_BASE_PORT to keep the addresses)
#   extra arguments are passed to vttestserver
set -euo pipefail

VITESS_VERSION="v0.22.4"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN_DIR="$REPO/.cache/vitess/$VITESS_VERSION/bin"
DIR="${VITESS_TESTENV_DIR:-$REPO/.testenv/vitess}"
KEYSPACES="${VITESS_KEYSPACES:-unsharded,sharded}"
NUM_SHARDS="${VITESS_NUM_SHARDS:-1,2}"
TIMEOUT="${VITESS_START_TIMEOUT:-240}"
# Where the port blocks are looked for: below Linux's ephemeral range (32768-60999 by default,
# /proc/sys/net/ipv4/ip_local_port_range), so no client connection of the machine can hold one
# of them, and clear of the common services' ports (etcd 2379, MySQL 3306, NATS 4222,
# Postgres 5432, Vitess's own defaults 15000-15999, MongoDB 27017, Kubernetes NodePorts
# 30000-32767). Up to 100 environments (one per repo dir) side by side.
PORT_BLOCKS_FROM=23570
PORT_BLOCKS_TO=24570

log() { printf '[vitess-testenv/start] %s\n' "$*" >&2; }

for b in vttestserver vtcombo mysqlctl; do
  [ -x "$BIN_DIR/$b" ] || { log "missing $BIN_DIR/$b: run tools/vitess-testenv/install.sh"; exit 1; }
done
command -v mariadb >/dev/null 2>&1 || { log "missing mariadb client: run tools/vitess-testenv/install.sh"; exit 1; }

# Alive = not gone, not a zombie, and really our vttestserver (guards against PID reuse).
vt_alive() { grep -q vttestserver "/proc/$1/cmdline" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Taken = a TCP socket has it as its local port in any state but TIME_WAIT (06): not only a
# listener (which port_open sees) but also a client connection bound to it (a port of the
# ephemeral range, if a machine's range reaches down to the blocks), which makes vtcombo's bind
# fail with "address already in use". TIME_WAIT does not block a bind with SO_REUSEADDR (Go's
# listeners set it).
port_taken() {
  local hex
  hex="$(printf '%04X' "$1")"
  awk -v suffix=":$hex" 'FNR > 1 && $4 != "06" && substr($2, length($2) - 4) == suffix { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null || port_open "$1"
}

total_shards() {
  local n=0 s
  IFS=, read -r -a arr <<<"$NUM_SHARDS"
  for s in "${arr[@]}"; do n=$((n + s)); done
  echo "$n"
}

# Ready = every shard has a SERVING PRIMARY as seen by vtgate, and the gRPC port accepts.
ready() {
  local mysql_port="$1" grpc_port="$2" want have
  want="$(total_shards)"
  have="$(mariadb -h127.0.0.1 -P"$mysql_port" -uroot --connect-timeout=2 -N -e 'show vitess_tablets' 2>/dev/null |
    awk -F'\t' '$4 == "PRIMARY" && $5 == "SERVING"' | wc -l)" || return 1
  [ "$have" -ge "$want" ] && port_open "$grpc_port"
}

print_env() { cat "$DIR/env"; }

# ---------------------------------------------------------- already running?
if [ -f "$DIR/env" ]; then
  # shellcheck disable=SC1091
  . "$DIR/env"
  if [ -n "${VITESS_PID:-}" ] && vt_alive "$VITESS_PID" &&
    ready "$VITESS_MYSQL_PORT" "$VITESS_GRPC_PORT"; then
    log "already running (pid $VITESS_PID)"
    print_env
    exit 0
  fi
  log "stale state in $DIR: cleaning up first"
  VITESS_TESTENV_DIR="$DIR" bash "$(dirname "${BASH_SOURCE[0]}")/stop.sh" >&2 || true
fi

# ------------------------------------------------------------------- ports
if [ -n "${VITESS_BASE_PORT:-}" ]; then
  BASE="$VITESS_BASE_PORT"
  for p in 0 1 2 3; do
    # A restart on the same ports (VITESS_KEEP_DATA): the old server's accepted connections may
    # linger (FIN_WAIT) on them, which its successor's SO_REUSEADDR bind does not mind; a listener does.
    if port_open $((BASE + p)); then log "port $((BASE + p)) is in use"; exit 1; fi
  done
else
  BASE=""
  if read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null &&
    [ "$low" -lt "$PORT_BLOCKS_TO" ] && [ "$high" -ge "$PORT_BLOCKS_FROM" ]; then
    log "this machine's ephemeral port range ($low-$high) overlaps $PORT_BLOCKS_FROM-$PORT_BLOCKS_TO: a client connection may take a port between the check and vtcombo's bind"
  fi
  for ((b = PORT_BLOCKS_FROM; b < PORT_BLOCKS_TO; b += 10)); do
    if ! port_taken "$b" && ! port_taken $((b + 1)) && ! port_taken $((b + 2)) && ! port_taken $((b + 3)); then
      BASE="$b"; break
    fi
  done
  [ -n "$BASE" ] || { log "no free port block found in $PORT_BLOCKS_FROM-$PORT_BLOCKS_TO"; exit 1; }
fi
WEB_PORT="$BASE"; GRPC_PORT=$((BASE + 1)); MARIADB_PORT=$((BASE + 2)); MYSQL_PORT=$((BASE + 3))

# ------------------------------------------------------------- directories
if [ "${VITESS_KEEP_DATA:-0}" = 1 ] && [ -d "$DIR/cluster/vt_0000000001" ]; then
  log "keeping the data of the previous run (restart)"
  rm -rf "$DIR/vtroot"
else
  rm -rf "$DIR/cluster" "$DIR/vtroot"
fi
mkdir -p "$DIR/cluster/logs" "$DIR/vtroot/config/mycnf"
ln -sfn "$BIN_DIR" "$DIR/vtroot/bin"

# vttestserver reads $VTROOT/config/mycnf/test-suite.cnf and $VTROOT/config/init_db.sql. Vitess's own
# init_db.sql starts with `@@global.super_read_only`, which MariaDB does not have, so we give
# mysqlctl our own MariaDB-compatible user setup (same user names Vitess expects).
# Durable commits (sync_binlog = 1, innodb_flush_log_at_trx_commit = 1, as Vitess's mariadb10.cnf
# and production servers have them), not Vitess's test-suite.cnf's 0s: tests restart this server
# with its data (VITESS_KEEP_DATA), and a reader resumes from a GTID it saw; a server that loses
# its last commits in a stop that is not clean answers error 1236 for that GTID. Costs about
# 0.3 ms per commit here (3,000 single-row inserts through vtgate: 1.0 s -> 2.0 s).
cat >"$DIR/vtroot/config/mycnf/test-suite.cnf" <<'EOF'
innodb_buffer_pool_size = 64M
innodb_flush_log_at_trx_commit = 1
innodb_log_buffer_size = 1M
key_buffer_size = 2M
sync_binlog = 1
innodb_doublewrite = 0
slave_net_timeout = 4
EOF
# Appended last to the generated my.cnf (after Vitess's mariadb10.cnf, which already sets
# log-bin, binlog_format=ROW, gtid_strict_mode, server-id per tablet uid).
# Vitess's default.cnf sets character_set_server = utf8 (3 bytes): 4-byte characters (emoji) were
# refused with "Incorrect string value". utf8mb4 here, and --charset utf8mb4_general_ci for the
# tablets below (their default "utf8mb4" asks for a MySQL 8 collation MariaDB does not know).
cat >"$DIR/vtroot/config/mariadb-extra.cnf" <<'EOF'
bind-address = 127.0.0.1
character_set_server = utf8mb4
collation_server = utf8mb4_general_ci
binlog_format = ROW
binlog_row_image = FULL
log_slave_updates = ON
EOF
cat >"$DIR/vtroot/config/init_db.sql" <<'EOF'
SET sql_log_bin = 0;
DROP USER IF EXISTS ''@'%', ''@'localhost', 'root'@'%';
DROP DATABASE IF EXISTS test;
CREATE USER 'vt_dba'@'localhost';
GRANT ALL ON *.* TO 'vt_dba'@'localhost' WITH GRANT OPTION;
GRANT PROXY ON ''@'' TO 'vt_dba'@'localhost' WITH GRANT OPTION;
CREATE USER 'vt_app'@'localhost';
GRANT ALL ON *.* TO 'vt_app'@'localhost';
CREATE USER 'vt_appdebug'@'localhost';
GRANT SELECT, SHOW DATABASES, PROCESS ON *.* TO 'vt_appdebug'@'localhost';
CREATE USER 'vt_allprivs'@'localhost';
GRANT ALL ON *.* TO 'vt_allprivs'@'localhost';
CREATE USER 'vt_repl'@'%';
GRANT REPLICATION SLAVE ON *.* TO 'vt_repl'@'%';
CREATE USER 'vt_filtered'@'localhost';
GRANT ALL ON *.* TO 'vt_filtered'@'localhost';
CREATE USER 'vt_monitoring'@'localhost';
GRANT SELECT, PROCESS, SUPER, REPLICATION CLIENT, RELOAD ON *.* TO 'vt_monitoring'@'localhost';
FLUSH PRIVILEGES;
EOF

# mysqlctl refuses to run as root ("mysqlctl cannot be run as root"): as root, run the whole
# cluster as the unprivileged 'mysql' user created by the Debian package.
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  id -u mysql >/dev/null 2>&1 || { log "user mysql missing: run tools/vitess-testenv/install.sh"; exit 1; }
  chown -R mysql:mysql "$DIR/cluster"
  RUN_AS=(setpriv --reuid=mysql --regid=mysql --init-groups)
fi

args=(
  --port "$BASE"
  --keyspaces "$KEYSPACES" --num_shards "$NUM_SHARDS"
  --replica_count 2 --rdonly_count 1
  --mysql_bind_host 127.0.0.1 --vtcombo-bind-host 127.0.0.1 --grpc_bind_address 127.0.0.1
  --tablet_hostname 127.0.0.1
  --charset utf8mb4_general_ci
  --vschema_ddl_authorized_users %
  --extra_my_cnf "$DIR/vtroot/config/mariadb-extra.cnf"
  --data_dir "$DIR/cluster"
  --persistent_mode
  --alsologtostderr
)
if [ -n "${VITESS_SCHEMA_DIR:-}" ]; then args+=(--schema_dir "$VITESS_SCHEMA_DIR"); fi
args+=("$@")

log "starting Vitess $VITESS_VERSION (keyspaces $KEYSPACES, shards $NUM_SHARDS) on 127.0.0.1:$BASE-$MYSQL_PORT"
# setsid: own process group, so stop.sh can end exactly what was started here.
cd "$DIR" # binaries look for an optional ./vtconfig file in their working directory
setsid "${RUN_AS[@]}" env VTROOT="$DIR/vtroot" VTDATAROOT="$DIR/cluster" VT_MYSQL_ROOT=/usr HOME="$DIR/cluster" \
  nice -n 19 "$BIN_DIR/vttestserver" "${args[@]}" >"$DIR/vttestserver.log" 2>&1 </dev/null &
PID=$!

cat >"$DIR/env" <<EOF
VITESS_VERSION=$VITESS_VERSION
VITESS_PID=$PID
VITESS_KEYSPACES=$KEYSPACES
VITESS_NUM_SHARDS=$NUM_SHARDS
VITESS_GRPC_PORT=$GRPC_PORT
VITESS_GRPC_ADDR=127.0.0.1:$GRPC_PORT
VITESS_MYSQL_PORT=$MYSQL_PORT
VITESS_MYSQL_ADDR=127.0.0.1:$MYSQL_PORT
VITESS_WEB_PORT=$WEB_PORT
VITESS_MARIADB_PORT=$MARIADB_PORT
VITESS_MARIADB_SOCKET=$DIR/cluster/vt_0000000001/mysql.sock
VITESS_LOG=$DIR/vttestserver.log
EOF

deadline=$(($(date +%s) + TIMEOUT))
until ready "$MYSQL_PORT" "$GRPC_PORT"; do
  if ! vt_alive "$PID"; then
    log "vttestserver exited; last log lines:"
    grep -a -E '^[EF][0-9]{4}' "$DIR/vttestserver.log" | tail -n 20 >&2 || tail -n 20 "$DIR/vttestserver.log" >&2
    exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    log "vtgate not ready after ${TIMEOUT}s (log: $DIR/vttestserver.log)"
    exit 1
  fi
  sleep 1
done
log "ready: vtgate gRPC 127.0.0.1:$GRPC_PORT, vtgate MySQL 127.0.0.1:$MYSQL_PORT"
print_env
