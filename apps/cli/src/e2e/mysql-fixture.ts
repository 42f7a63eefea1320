import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import {
  startMariadb,
  startNats,
  startPostgres,
  type MariadbOptions,
  type MariadbServer,
  type NatsServer,
  type PostgresServer,
} from '@cdc/testenv';
import { waitFor, type ServiceKind, type ServiceProcess } from './pipeline-fixture';

// The Postgres → MariaDB variant of pipeline-fixture.ts: same services, same config shape,
// a real MariaDB as the destination (every table lands in its database "replica").
const REPO = resolve(__dirname, '../../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
const SOURCE_OPTIONS =
  '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres';

export interface MysqlPipelineFixture {
  readonly source: PostgresServer;
  readonly destination: MariadbServer;
  readonly nats: NatsServer;
  readonly configFile: string;
  start(kind: ServiceKind): ServiceProcess;
  stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null>;
  sourceQuery(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  destinationQuery(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  destroy(): Promise<void>;
}

export async function startMysqlPipelineFixture(options: {
  tables: readonly string[];
  partitions?: number;
  destinationExtra?: string;
  /** Extra YAML for the source entry (indented by the caller). */
  sourceExtra?: string;
  /** How the destination MariaDB runs (TLS, extra arguments). */
  mariadb?: Omit<MariadbOptions, 'name'>;
  /** The URL the services use for database "replica" (default root's); the test's own client stays root. */
  serviceUrl?: (destination: MariadbServer) => Promise<string>;
}): Promise<MysqlPipelineFixture> {
  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'e2e-my-source' }),
    startMariadb({ name: 'e2e-my-dest', ...options.mariadb }),
    startNats({ name: 'e2e-my-nats' }),
  ]);
  const sourceUrl = await source.createDatabase('shop');
  const destinationUrl = await destination.createDatabase('replica');
  const serviceUrl = options.serviceUrl ? await options.serviceUrl(destination) : destinationUrl;
  const dir = mkdtempSync(join(tmpdir(), 'cdc-e2e-mysql-'));
  const configFile = join(dir, 'cdc.yaml');
  writeFileSync(
    configFile,
    `nats:
  url: ${nats.url}
sources:
  - name: shop
    type: postgres
    url: ${sourceUrl}
    tables: ${JSON.stringify(options.tables)}
    partitions: ${options.partitions ?? 4}
    status_interval_ms: 200
    publish:
      watermark_interval_ms: 200
${options.sourceExtra ?? ''}
destinations:
  - name: replica
    type: mysql
    url: ${serviceUrl}
    sources: [shop]
    create_tables: true
    schema: replica
    batch:
      max_wait_ms: 20
${options.destinationExtra ?? ''}
coordinator:
  interval_ms: 200
`,
  );
  const services = new Set<ServiceProcess>();
  const sourceClient = new Client({ connectionString: sourceUrl, options: SOURCE_OPTIONS });
  await sourceClient.connect();
  const destinationClient = await mysql.createConnection({
    uri: destinationUrl,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: 'Z',
  });
  let counter = 0;
  return {
    source,
    destination,
    nats,
    configFile,
    start(kind) {
      counter += 1;
      const logFile = join(dir, `${kind}-${counter}.log`);
      const out = createWriteStream(logFile);
      const args = [BUNDLE, kind, '--config', configFile];
      if (kind === 'reader') args.push('--source', 'shop');
      if (kind === 'applier') args.push('--destination', 'replica');
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CDC_LOG_LEVEL: 'info' },
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
      const service: ServiceProcess = { kind, child, logFile, exited, log: () => readFileSync(logFile, 'utf8') };
      services.add(service);
      void exited.then(() => services.delete(service));
      return service;
    },
    async stop(service, signal) {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
      return service.exited;
    },
    async sourceQuery(sql, params) {
      return (await sourceClient.query(sql, params)).rows;
    },
    async destinationQuery(sql, params) {
      const [rows] = await destinationClient.query(sql, params);
      return rows as Record<string, unknown>[];
    },
    async destroy() {
      for (const service of services) service.child.kill('SIGKILL');
      await Promise.all([...services].map((s) => s.exited));
      await sourceClient.end().catch(() => undefined);
      await destinationClient.end().catch(() => undefined);
      await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
    },
  };
}

/** One column compared across engines: an expression per side that prints the same text. */
export interface ComparedColumn {
  readonly pg: string;
  readonly my: string;
  /** Compare as numbers with this relative tolerance (single-precision floats). */
  readonly tolerance?: number;
}

/** The rows of a table on both sides, as comparable text, ordered by the first column. */
export async function tableRows(
  fixture: MysqlPipelineFixture,
  table: string,
  columns: readonly ComparedColumn[],
): Promise<{ source: string[][]; destination: string[][] }> {
  const [source, destination] = await Promise.all([
    fixture.sourceQuery(
      `SELECT ${columns.map((c, i) => `(${c.pg})::text AS c${i}`).join(', ')} FROM ${table} ORDER BY 1`,
    ),
    fixture.destinationQuery(
      `SELECT ${columns.map((c, i) => `CAST(${c.my} AS CHAR) AS c${i}`).join(', ')} FROM \`replica\`.\`${table}\` ORDER BY 1`,
    ),
  ]);
  const text = (rows: Record<string, unknown>[]) =>
    rows.map((row) =>
      columns.map((c, i) => {
        const value = row[`c${i}`];
        if (value === null || value === undefined) return 'NULL';
        if (c.tolerance !== undefined) return Number(value).toPrecision(6);
        return String(value);
      }),
    );
  const sorted = (rows: string[][]) => rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  return { source: sorted(text(source)), destination: sorted(text(destination)) };
}

/** Waits until the table has the same rows on both sides; reports the first differing row. */
export async function waitForEqualRows(
  fixture: MysqlPipelineFixture,
  table: string,
  columns: readonly ComparedColumn[],
  timeoutMs = 120_000,
): Promise<void> {
  let difference = '';
  await waitFor(
    `${table} at the destination to equal the source`,
    async () => {
      const { source, destination } = await tableRows(fixture, table, columns);
      const a = source.map((row) => JSON.stringify(row));
      const b = destination.map((row) => JSON.stringify(row));
      const index = a.findIndex((row, i) => row !== b[i]);
      if (index < 0 && a.length === b.length) return true;
      difference = `${a.length} vs ${b.length} rows; first difference: source ${a[index] ?? '-'} destination ${b[index] ?? '-'}`;
      return false;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${difference})`);
  });
}
