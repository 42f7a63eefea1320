import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  startNats,
  startNatsCluster,
  startPostgres,
  startStandby,
  until,
  type NatsCluster,
  type NatsServer,
  type PostgresServer,
  type StandbyOptions,
} from '@cdc/testenv';

const REPO = resolve(__dirname, '../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
/** Both sides print values the same way, so row texts can be compared. */
export const COMPARE_OPTIONS =
  '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres';

export type ServiceKind = 'reader' | 'applier' | 'coordinator';

export interface ServiceProcess {
  readonly kind: ServiceKind;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  log(): string;
}

export interface PipelineFixture {
  readonly source: PostgresServer;
  /** With `sourceStandby`: the source's hot standby, listed in the source's failover_urls; with `readFromStandby`: the one the reader reads. */
  readonly standby?: PostgresServer;
  readonly destination: PostgresServer;
  /** The NATS server; with `cluster`, the cluster's first server. */
  readonly nats: NatsServer;
  /** The NATS cluster, when the fixture was started with `cluster`. */
  readonly natsCluster?: NatsCluster;
  readonly sourceUrl: string;
  readonly destinationUrl: string;
  readonly configFile: string;
  readonly dir: string;
  /** `env` is added to this process's environment (e.g. OTEL_* for one service). */
  start(kind: ServiceKind, env?: NodeJS.ProcessEnv): ServiceProcess;
  /** SIGKILL (a crash) or SIGTERM (clean stop), then wait for the exit. */
  stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null>;
  sourceQuery(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  destinationQuery(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  destroy(): Promise<void>;
}

export interface FixtureOptions {
  readonly tables: readonly string[];
  readonly partitions?: number;
  /** Extra YAML for the destination entry (indented by the caller). */
  readonly destinationExtra?: string;
  /** The destination's `batch` settings besides max_wait_ms (20), e.g. `{ max_bytes: 4096 }`. */
  readonly destinationBatch?: Readonly<Record<string, number>>;
  readonly sourceExtra?: string;
  /** Extra YAML for the `nats` entry (indented by the caller). */
  readonly natsExtra?: string;
  /** PostgreSQL majors of the source and destination servers (tools/testenv; default: Debian's 15). */
  readonly sourceVersion?: number;
  readonly destinationVersion?: number;
  /** Extra postgresql.conf settings of the source server (e.g. logical_decoding_work_mem). */
  readonly sourceSettings?: Record<string, string>;
  /** A hot standby of the source (tools/testenv startStandby), given to the reader as failover_urls. */
  readonly sourceStandby?: StandbyOptions;
  /**
   * A hot standby of the source (16+) that the reader reads from: the source's url is the
   * standby's, primary_url the primary's. sourceQuery still writes to the primary.
   */
  readonly readFromStandby?: StandbyOptions;
  /** Run on a 3-server NATS cluster with `nats.replicas` set to this (the services get every server's URL). */
  readonly cluster?: { readonly replicas: number };
}

export async function startPipelineFixture(options: FixtureOptions): Promise<PipelineFixture> {
  const [source, destination, natsCluster] = await Promise.all([
    startPostgres({ name: 'e2e-source', version: options.sourceVersion, settings: options.sourceSettings }),
    startPostgres({ name: 'e2e-dest', logical: false, version: options.destinationVersion }),
    options.cluster ? startNatsCluster({ name: 'e2e' }) : undefined,
  ]);
  const nats = natsCluster?.servers[0] ?? (await startNats({ name: 'e2e-nats' }));
  const natsUrl = natsCluster
    ? `${JSON.stringify(natsCluster.urls)}\n  replicas: ${options.cluster!.replicas}`
    : nats.url;
  const sourceUrl = await source.createDatabase('shop');
  const standbyOptions = options.sourceStandby ?? options.readFromStandby;
  const standby = standbyOptions ? await startStandby(source, standbyOptions) : undefined;
  const failoverUrls =
    standby && options.sourceStandby ? `\n    failover_urls: [${JSON.stringify(standby.url('shop'))}]` : '';
  const readerUrl =
    standby && options.readFromStandby ? `${standby.url('shop')}\n    primary_url: ${sourceUrl}` : sourceUrl;
  const destinationUrl = await destination.createDatabase('replica');
  const dir = mkdtempSync(join(tmpdir(), 'cdc-e2e-'));
  const configFile = join(dir, 'cdc.yaml');
  writeFileSync(
    configFile,
    `nats:
  url: ${natsUrl}
${options.natsExtra ?? ''}
sources:
  - name: shop
    type: postgres
    url: ${readerUrl}${failoverUrls}
    tables: ${JSON.stringify(options.tables)}
    partitions: ${options.partitions ?? 4}
    status_interval_ms: 200
    publish:
      watermark_interval_ms: 200
${options.sourceExtra ?? ''}
destinations:
  - name: replica
    type: postgres
    url: ${destinationUrl}
    sources: [shop]
    create_tables: true
    batch:
      max_wait_ms: 20
${Object.entries(options.destinationBatch ?? {})
  .map(([key, value]) => `      ${key}: ${value}\n`)
  .join('')}${options.destinationExtra ?? ''}
coordinator:
  interval_ms: 200
`,
  );
  const services = new Set<ServiceProcess>();
  const clients = new Set<Client>();
  // One connection per side, replaced after it breaks: a test may stop or kill a server and
  // start it again (a dead connection emits 'error', which must not end the test process).
  const reconnecting = (url: string) => {
    let current: Promise<Client> | undefined;
    return async (sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> => {
      if (current === undefined) {
        const c = new Client({ connectionString: url, options: COMPARE_OPTIONS });
        const connecting = c.connect().then(() => c);
        const drop = () => {
          clients.delete(c);
          if (current === connecting) current = undefined;
        };
        c.on('error', drop);
        c.on('end', drop);
        clients.add(c);
        current = connecting;
        connecting.catch(drop);
      }
      return (await (await current).query(sql, params)).rows;
    };
  };
  const sourceQuery = reconnecting(sourceUrl);
  const destinationQuery = reconnecting(destinationUrl);
  await Promise.all([sourceQuery('SELECT 1'), destinationQuery('SELECT 1')]);
  let counter = 0;

  return {
    source,
    ...(standby ? { standby } : {}),
    destination,
    nats,
    ...(natsCluster ? { natsCluster } : {}),
    sourceUrl,
    destinationUrl,
    configFile,
    dir,
    start(kind, env) {
      counter += 1;
      const logFile = join(dir, `${kind}-${counter}.log`);
      const out = createWriteStream(logFile);
      const args = [BUNDLE, kind, '--config', configFile];
      if (kind === 'reader') args.push('--source', 'shop');
      if (kind === 'applier') args.push('--destination', 'replica');
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, CDC_LOG_LEVEL: 'info', ...env },
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
    sourceQuery,
    destinationQuery,
    async destroy() {
      for (const service of services) service.child.kill('SIGKILL');
      await Promise.all([...services].map((s) => s.exited));
      await Promise.all([...clients].map((c) => c.end().catch(() => undefined)));
      await Promise.all([
        source.destroy(),
        standby?.destroy(),
        destination.destroy(),
        natsCluster ? natsCluster.destroy() : nats.destroy(),
      ]);
    },
  };
}

/** Row count and a digest of every row's text, in a stable order: equal digests mean equal tables. */
export async function tableDigest(query: PipelineFixture['sourceQuery'], qualifiedTable: string): Promise<string> {
  const rows = await query(
    `SELECT count(*)::int8::text AS n, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS digest
       FROM (SELECT t::text AS r FROM ${qualifiedTable} t) s`,
  );
  return `${rows[0].n}:${rows[0].digest}`;
}

/** testenv's until with the e2e defaults: a minute, and a query that fails (a table not there yet) is "not yet". */
export function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  return until(what, condition, { timeoutMs, intervalMs: 250, retryErrors: true });
}

/** Waits until every listed table has the same digest on both sides; reports the first difference. */
export async function waitForEqualTables(
  fixture: PipelineFixture,
  tables: readonly string[],
  timeoutMs = 90_000,
): Promise<void> {
  let difference = '';
  await waitFor(
    'destination to equal source',
    async () => {
      for (const table of tables) {
        const [left, right] = await Promise.all([
          tableDigest(fixture.sourceQuery, table),
          tableDigest(fixture.destinationQuery, table).catch(() => 'missing'),
        ]);
        if (left !== right) {
          difference = `${table}: source ${left} destination ${right}`;
          return false;
        }
      }
      return true;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last difference: ${difference})`);
  });
}

export {
  TRANSFER_ACCOUNTS,
  TRANSFER_BALANCE,
  TRANSFER_TABLES,
  createTransferTables,
  ledgerWrittenTwice,
  lsnToBigint,
  startTransferWorkload,
  type TransferOutcome,
  type TransferWorkload,
} from './transfer-workload';
