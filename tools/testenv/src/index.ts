// @cdc/testenv: real, throw-away PostgreSQL and NATS JetStream servers on loopback for tests.
// Install the binaries first: bash tools/testenv/install.sh
import { createMariadb } from './mariadb';
import { createJaeger, type JaegerServer } from './jaeger';
import { createNats } from './nats';
import { createNatsCluster } from './nats-cluster';
import { createPostgres } from './postgres';
import { createStandby } from './postgres-standby';
import type {
  MariadbOptions,
  MariadbServer,
  NatsCluster,
  NatsClusterOptions,
  NatsOptions,
  NatsServer,
  PostgresOptions,
  PostgresServer,
  StandbyOptions,
} from './types';

export { TestEnvNotInstalledError, ServerStartError } from './errors';
export { findFreePort, until, type UntilOptions } from './net';
export { natsServerBinary } from './paths';
export { createTestCertificates, type CertificateOptions, type TestCertificates } from './certificates';
export { startVitess, type VitessCluster } from './vitess';
export {
  startVitessCluster,
  type VitessClusterOptions,
  type VitessRealCluster,
  type VitessTablet,
} from './vitess-cluster';
export type { MoveTablesSpec, ReshardSpec, VitessWorkflow, WorkflowStatus } from './vitess-workflow';
export { type JaegerServer, type JaegerTrace, type JaegerSpan } from './jaeger';
export type {
  MariadbOptions,
  MariadbServer,
  MariadbUserOptions,
  NatsCluster,
  NatsClusterOptions,
  NatsClusterServer,
  NatsOptions,
  NatsServer,
  PostgresOptions,
  PostgresServer,
  QueryResultRows,
  StandbyOptions,
} from './types';

/**
 * initdb a fresh cluster in its own directory and start it on a free port of 127.0.0.1
 * (trust auth, user `postgres`, logical decoding on unless `logical: false`).
 * The server is SIGKILLed when this node process exits; call destroy() to remove its files.
 */
export function startPostgres(options?: PostgresOptions): Promise<PostgresServer> {
  return createPostgres(options);
}

/**
 * A hot standby of `primary` (a server from startPostgres), same binaries, streaming through a
 * physical slot on the primary with hot_standby_feedback on. The primary is stopped for the
 * copy of its data directory (about a second) and started again. Promote it with
 * `SELECT pg_promote()`.
 */
export function startStandby(primary: PostgresServer, options?: StandbyOptions): Promise<PostgresServer> {
  return createStandby(primary, options);
}

/**
 * Start nats-server with JetStream (`-js -sd <dir> -a 127.0.0.1 -p <port>`) in its own directory.
 * The server is SIGKILLed when this node process exits; call destroy() to remove its files.
 */
export function startNats(options?: NatsOptions): Promise<NatsServer> {
  return createNats(options);
}

/**
 * Start a JetStream cluster of `size` (default 3) nats-servers on 127.0.0.1, each with its own
 * store directory, client/route/monitoring ports and routes to the others; resolves once every
 * server has joined the meta group. The servers are SIGKILLed when this node process exits.
 */
export function startNatsCluster(options?: NatsClusterOptions): Promise<NatsCluster> {
  return createNatsCluster(options);
}

/**
 * mariadb-install-db a fresh datadir and start mariadbd on a free port of 127.0.0.1 (root
 * without a password, TCP only, utf8mb4 with binary collation; as root it runs as the `mysql`
 * OS user). The server is SIGKILLed when this node process exits; call destroy() to remove its files.
 */
export function startMariadb(options?: MariadbOptions): Promise<MariadbServer> {
  return createMariadb(options);
}

/**
 * Start Jaeger v2 (built by tools/testenv/install-jaeger.sh) with OTLP gRPC/HTTP in, in-memory
 * storage and the query API, on free ports of 127.0.0.1. Killed when this node process exits.
 */
export function startJaeger(options?: { name?: string }): Promise<JaegerServer> {
  return createJaeger(options);
}
