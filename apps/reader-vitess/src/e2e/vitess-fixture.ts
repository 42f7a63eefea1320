import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { until, type NatsCluster, type NatsServer, type PostgresServer, type VitessCluster } from '@cdc/testenv';

const REPO = resolve(__dirname, '../../../..');
export const BUNDLE = join(REPO, 'dist/cdc.cjs');

export type ServiceKind = 'reader' | 'applier' | 'coordinator';

export interface ServiceProcess {
  readonly kind: ServiceKind;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  log(): string;
}

/** One Vitess → JetStream → Postgres pipeline over the shared test cluster, services as real processes. */
export interface VitessPipeline {
  readonly name: string;
  readonly keyspace: string;
  readonly vtgate: mysql.Pool;
  readonly destination: pg.Client;
  /** The MariaDB destination (`my_<name>`), when the pipeline has one. */
  readonly mysqlDestination?: { readonly pool: mysql.Pool; readonly database: string };
  /** The Postgres destination database's URL. */
  readonly destinationUrl: string;
  /** The destination schema the tables land in (default: the keyspace's name). */
  readonly destinationSchema: string;
  /** The pipeline's config file (for `cdc status --config`). */
  readonly configFile: string;
  /** `destination` picks the applier's destination (default: the Postgres one); `env` adds to the environment. */
  start(kind: ServiceKind, destination?: string, env?: Readonly<Record<string, string>>): ServiceProcess;
  /** Rewrites the config file with other source settings (YAML lines under the source): for the next start. */
  setSourceExtra(sourceExtra: string): void;
  stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null>;
  destroy(): Promise<void>;
}

export async function startVitessPipeline(options: {
  readonly name: string;
  /** The shared vttestserver cluster, or a multi-process one (startVitessCluster). */
  readonly cluster: Pick<VitessCluster, 'grpcAddress' | 'mysqlUrl'>;
  /** One server, or a cluster (every server's URL goes into the config). */
  readonly nats: NatsServer | Pick<NatsCluster, 'urls'>;
  /** nats.replicas (default: the product's, 1). */
  readonly natsReplicas?: number;
  readonly postgres: PostgresServer;
  readonly keyspace: string;
  readonly tables: readonly string[];
  readonly sourceExtra?: string;
  /** mysql:// URL of a MariaDB database: a second destination `my_<name>` writes every table there. */
  readonly mysqlDestinationUrl?: string;
  /** An existing Postgres database to write into (default: a new one, dst_<name>). */
  readonly destinationUrl?: string;
  /** The Postgres destination's name (default pg_<name>). */
  readonly destinationName?: string;
  /** The destination's `schema`: where every table lands (default: a schema named after the keyspace). */
  readonly destinationSchema?: string;
}): Promise<VitessPipeline> {
  const destinationUrl = options.destinationUrl ?? (await options.postgres.createDatabase(`dst_${options.name}`));
  const destinationName = options.destinationName ?? `pg_${options.name}`;
  const dir = mkdtempSync(join(tmpdir(), `cdc-vitess-${options.name}-`));
  const configFile = join(dir, 'cdc.yaml');
  const writeConfig = (sourceExtra: string | undefined) =>
    writeFileSync(
      configFile,
      `nats:
  url: ${'url' in options.nats ? options.nats.url : JSON.stringify(options.nats.urls)}
${options.natsReplicas !== undefined ? `  replicas: ${options.natsReplicas}\n` : ''}sources:
  - name: ${options.name}
    type: vitess
    vtgate: ${options.cluster.grpcAddress}
    keyspace: ${options.keyspace}
    tables: ${JSON.stringify(options.tables)}
    mysql: ${options.cluster.mysqlUrl(options.keyspace)}
    partitions: 4
    publish:
      watermark_interval_ms: 200
    reconnect:
      initial_ms: 200
      max_ms: 2000
${sourceExtra ?? ''}
destinations:
  - name: ${destinationName}
    type: postgres
    url: ${destinationUrl}
    sources: [${options.name}]
    create_tables: true
${options.destinationSchema !== undefined ? `    schema: ${options.destinationSchema}\n` : ''}    batch:
      max_wait_ms: 20
${
  options.mysqlDestinationUrl
    ? `  - name: my_${options.name}
    type: mysql
    url: ${options.mysqlDestinationUrl}
    sources: [${options.name}]
    create_tables: true
    schema: ${new URL(options.mysqlDestinationUrl).pathname.slice(1)}
    batch:
      max_wait_ms: 20
`
    : ''
}coordinator:
  interval_ms: 200
`,
    );
  writeConfig(options.sourceExtra);
  const vtgate = mysql.createPool({
    uri: options.cluster.mysqlUrl(options.keyspace),
    connectionLimit: 4,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  const destination = new pg.Client({
    connectionString: destinationUrl,
    options: '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres',
    types: { getTypeParser: () => (value: string) => value },
  });
  await destination.connect();
  const services = new Set<ServiceProcess>();
  let counter = 0;
  const mysqlDestination = options.mysqlDestinationUrl
    ? {
        pool: mysql.createPool({
          uri: options.mysqlDestinationUrl,
          connectionLimit: 2,
          dateStrings: true,
          supportBigNumbers: true,
          bigNumberStrings: true,
        }),
        database: new URL(options.mysqlDestinationUrl).pathname.slice(1),
      }
    : undefined;
  return {
    name: options.name,
    keyspace: options.keyspace,
    vtgate,
    destination,
    destinationUrl,
    destinationSchema: options.destinationSchema ?? options.keyspace,
    configFile,
    ...(mysqlDestination ? { mysqlDestination } : {}),
    setSourceExtra: (sourceExtra) => writeConfig(sourceExtra),
    start(kind, applierDestination, env) {
      counter += 1;
      const logFile = join(dir, `${kind}-${counter}.log`);
      const out = createWriteStream(logFile);
      const args = [BUNDLE, kind, '--config', configFile];
      if (kind === 'reader') args.push('--source', options.name);
      if (kind === 'applier') args.push('--destination', applierDestination ?? destinationName);
      const child = spawn(process.execPath, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...env },
      });
      child.stdout?.pipe(out);
      child.stderr?.pipe(out);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      const log = () => {
        try {
          return readFileSync(logFile, 'utf8');
        } catch {
          return ''; // not opened yet
        }
      };
      const service: ServiceProcess = { kind, child, exited, log };
      services.add(service);
      void exited.then(() => services.delete(service));
      return service;
    },
    async stop(service, signal) {
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
      return service.exited;
    },
    async destroy() {
      for (const service of services) service.child.kill('SIGKILL');
      await Promise.all([...services].map((service) => service.exited));
      await destination.end().catch(() => undefined);
      await vtgate.end().catch(() => undefined);
      await mysqlDestination?.pool.end().catch(() => undefined);
    },
  };
}

/** Creates a table in a keyspace through vtgate; in a sharded keyspace its vindex (hash on `id`) first. */
export async function createTable(
  pipeline: VitessPipeline,
  sharded: boolean,
  table: string,
  columns: string,
): Promise<void> {
  const name = mysql.escapeId(table);
  if (sharded) await pipeline.vtgate.query(`ALTER VSCHEMA ON ${name} ADD VINDEX hash(id) USING hash`);
  await pipeline.vtgate.query(`CREATE TABLE ${name} (${columns})`);
}

// --- comparing a MariaDB table (through vtgate) with its Postgres copy ------------------------

interface SourceColumn {
  readonly name: string;
  readonly type: string;
}

/** Both sides' values in one spelling, chosen per MySQL column type. */
function canonical(type: string, value: unknown, side: 'source' | 'destination'): string | null {
  if (value === null || value === undefined) return null;
  const t = type.toLowerCase();
  if (Buffer.isBuffer(value)) {
    if (t.startsWith('bit')) return bits(value, Number(/\((\d+)\)/.exec(t)?.[1] ?? 0));
    return value.toString('hex');
  }
  const text = String(value);
  if (/^(tiny|small|medium|big)?blob|^(var)?binary/.test(t))
    return side === 'destination' ? text.replace(/^\\x/, '') : text;
  if (t.startsWith('bit')) return text;
  if (t.startsWith('float') || t.startsWith('double')) return String(Number(text));
  if (t.startsWith('decimal')) return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  if (/^(datetime|timestamp|time)/.test(t)) {
    return text
      .replace(/\+00(:00)?$/, '')
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
  }
  if (t.startsWith('char')) return text.replace(/ +$/, '');
  if (t === 'json' || t === 'longtext json')
    // mysql2 hands over JSON already parsed when the server labels the column JSON.
    return canonicalJson(typeof value === 'object' ? value : JSON.parse(text));
  return text;
}

function bits(buffer: Buffer, width: number): string {
  let number = 0n;
  for (const byte of buffer) number = (number << 8n) | BigInt(byte);
  return number.toString(2).padStart(width, '0');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function sourceColumns(pipeline: VitessPipeline, table: string): Promise<SourceColumn[]> {
  const [rows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, DATA_TYPE AS data_type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [pipeline.keyspace, table],
  );
  const [checks] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'CHECK'`,
    [pipeline.keyspace, table],
  );
  const jsonChecks = new Set(checks.map((row) => String(row.name)));
  return rows.map((row) => ({
    name: String(row.name),
    type: row.data_type === 'longtext' && jsonChecks.has(String(row.name)) ? 'json' : String(row.type),
  }));
}

/**
 * Every row of the table on both sides, canonical, ordered by id, read in chunks (vtgate caps a
 * result at 10,000 rows); a difference names the first row that differs. `sourceWhere`: only
 * the source rows MySQL finds with this condition (a row filter's expected result, a test's
 * own constant SQL).
 */
export async function compareTable(
  pipeline: VitessPipeline,
  table: string,
  sourceWhere?: string,
): Promise<string | undefined> {
  const columns = await sourceColumns(pipeline, table);
  const list = columns.map((column) => mysql.escapeId(column.name)).join(', ');
  const quoted = columns.map((column) => pg.escapeIdentifier(column.name)).join(', ');
  const target = `${pg.escapeIdentifier(pipeline.destinationSchema)}.${pg.escapeIdentifier(table)}`;
  const chunk = 5000;
  let after = '-9223372036854775808';
  let total = 0;
  for (;;) {
    const [sourceRows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
      `SELECT ${list} FROM ${mysql.escapeId(table)} WHERE id > ?${sourceWhere ? ` AND (${sourceWhere})` : ''} ORDER BY id LIMIT ${chunk}`,
      [after],
    );
    let destinationRows: Record<string, unknown>[];
    try {
      destinationRows = (
        await pipeline.destination.query(`SELECT ${quoted} FROM ${target} WHERE id > $1 ORDER BY id LIMIT ${chunk}`, [
          after,
        ])
      ).rows;
    } catch (error) {
      return `destination ${table}: ${(error as Error).message}`;
    }
    for (let i = 0; i < Math.max(sourceRows.length, destinationRows.length); i += 1) {
      const left = sourceRows[i];
      const right = destinationRows[i];
      if (!left || !right || String(left.id) !== String(right.id)) {
        return `${table}: after ${total + i} equal rows, source has id ${left ? String(left.id) : '(none)'}, destination ${right ? String(right.id) : '(none)'}`;
      }
      for (const column of columns) {
        const a = canonical(column.type, left[column.name], 'source');
        const b = canonical(column.type, right[column.name], 'destination');
        if (a !== b) {
          return `${table} id=${String(left.id)} column ${column.name} (${column.type}): source ${JSON.stringify(a)}, destination ${JSON.stringify(b)}`;
        }
      }
    }
    total += sourceRows.length;
    if (sourceRows.length < chunk) return undefined;
    after = String(sourceRows[sourceRows.length - 1].id);
  }
}

/**
 * The same comparison against the MariaDB destination: both sides are MySQL-family, so values
 * come back in one spelling except JSON (re-serialized) and the bytes of BINARY/BIT.
 */
export async function compareMysqlTable(pipeline: VitessPipeline, table: string): Promise<string | undefined> {
  const target = pipeline.mysqlDestination;
  if (!target) throw new Error(`pipeline ${pipeline.name} has no MariaDB destination`);
  const columns = await sourceColumns(pipeline, table);
  const list = columns.map((column) => mysql.escapeId(column.name)).join(', ');
  const [sourceRows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT ${list} FROM ${mysql.escapeId(table)} ORDER BY id LIMIT 10000`,
  );
  let destinationRows: mysql.RowDataPacket[];
  try {
    [destinationRows] = await target.pool.query<mysql.RowDataPacket[]>(
      `SELECT ${list} FROM ${mysql.escapeId(target.database)}.${mysql.escapeId(table)} ORDER BY id LIMIT 10000`,
    );
  } catch (error) {
    return `MariaDB ${table}: ${(error as Error).message}`;
  }
  for (let i = 0; i < Math.max(sourceRows.length, destinationRows.length); i += 1) {
    const left = sourceRows[i];
    const right = destinationRows[i];
    if (!left || !right || String(left.id) !== String(right.id))
      return `${table}: after ${i} equal rows, source has id ${left ? String(left.id) : '(none)'}, MariaDB ${right ? String(right.id) : '(none)'}`;
    for (const column of columns) {
      const a = canonical(column.type, left[column.name], 'source');
      const b = canonical(column.type, right[column.name], 'source');
      if (a !== b)
        return `${table} id=${String(left.id)} column ${column.name} (${column.type}): source ${JSON.stringify(a)}, MariaDB ${JSON.stringify(b)}`;
    }
  }
  return undefined;
}

export async function waitForEqual(
  pipeline: VitessPipeline,
  tables: readonly string[],
  timeoutMs = 120_000,
  /** Per table: compare with only the source rows matching this condition (compareTable). */
  sourceWhere: Readonly<Record<string, string>> = {},
): Promise<void> {
  let difference: string | undefined = 'not compared yet';
  await until(
    'the destination to equal the source',
    async () => {
      difference = undefined;
      for (const table of tables) {
        difference = await compareTable(pipeline, table, sourceWhere[table]).catch(
          (error: Error) => `compare failed: ${error.message}`,
        );
        if (difference) break;
      }
      return !difference;
    },
    timeoutMs,
    500,
  ).catch(() => {
    throw new Error(`destination did not become equal to the source in ${timeoutMs} ms: ${difference}`);
  });
}

export async function waitForLog(service: ServiceProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  await until(
    `${service.kind} to log ${pattern}`,
    () => {
      if (pattern.test(service.log())) return true;
      if (service.child.exitCode !== null) throw new Error(`${service.kind} exited before logging ${pattern}`);
      return false;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}: ${service.log().slice(-2000)}`);
  });
}
