// Throw-away PostgreSQL servers: initdb into an instance directory, postmaster on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DatabaseInstance, dataDirOf, initError } from './database-instance';
import { prepareInstanceDir, readMeta, writeStartMeta, type InstanceOptions } from './instance';
import { startServerOnFreePort, type ServerCommand } from './managed-server';
import { LOOPBACK } from './net';
import { pgBinaries, pgBinariesIn, postgresRunAs, type PgBinaries, type RunAs } from './paths';
import { isAlive, killTree, runCommand, RUN_MARKER, serverEnv } from './proc';
import type { PostgresOptions, PostgresServer, QueryResultRows } from './types';

const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;
const SETTINGS_FILE = 'testenv.conf';

export class PostgresInstance extends DatabaseInstance implements PostgresServer {
  constructor(
    dir: string,
    port: number,
    persistent: boolean,
    runAs: RunAs | undefined,
    readonly binaries: PgBinaries,
  ) {
    super(dir, port, persistent, runAs, { label: 'postgres', kind: 'postgres', startupTimeoutMs: STARTUP_TIMEOUT_MS });
  }

  /** The major version of its data directory (PG_VERSION, written by initdb). */
  get version(): number {
    return Number(readFileSync(join(this.dataDir, 'PG_VERSION'), 'utf8').trim());
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@${this.host}:${this.port}/${encodeURIComponent(database)}`;
  }

  async createDatabase(name?: string): Promise<string> {
    const db = name ?? `db_${randomBytes(6).toString('hex')}`;
    await this.query(`CREATE DATABASE ${quoteIdent(db)}`);
    return this.url(db);
  }

  async query(sql: string, params?: unknown[], database?: string): Promise<QueryResultRows> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const res = await client.query<Record<string, unknown>>(sql, params);
      return { rows: res.rows };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  protected command(): ServerCommand {
    return {
      command: this.binaries.postgres,
      args: ['-D', this.dataDir],
      runAs: this.runAs,
      env: serverEnv(this.runAs),
    };
  }

  protected probe(): Promise<string | undefined> {
    return tryConnect(this.port);
  }

  /** pg_ctl stop -m fast; when it fails, SIGKILL. */
  protected override async requestStop(pid: number): Promise<void> {
    const r = await runCommand(
      this.binaries.pgCtl,
      ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000)],
      { cwd: this.dir, runAs: this.runAs, env: serverEnv(this.runAs), timeoutMs: STOP_TIMEOUT_MS + 10_000 },
    );
    if (r.code !== 0 && isAlive(pid)) {
      appendFileSync(this.logFile, `${RUN_MARKER}pg_ctl stop failed (${r.code}), killing: ${r.output}\n`);
      killTree(pid);
    }
  }
}

async function tryConnect(port: number): Promise<string | undefined> {
  const client = new Client({
    host: LOOPBACK,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  client.on('error', () => undefined);
  let connected = false;
  try {
    await client.connect();
    connected = true;
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    if (connected) await client.end().catch(() => undefined);
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function configLine(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(key)) throw new Error(`invalid PostgreSQL setting name: ${key}`);
  return `${key} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function settingsFor(options: PostgresOptions, port: number): Record<string, string> {
  return {
    max_connections: '200',
    shared_buffers: '128MB',
    ...(options.logical === false ? {} : { wal_level: 'logical', max_replication_slots: '20', max_wal_senders: '20' }),
    ...options.settings,
    // Not overridable: the harness owns where the server listens.
    listen_addresses: LOOPBACK,
    port: String(port),
    unix_socket_directories: '',
  };
}

function writeSettings(dataDir: string, settings: Record<string, string>): void {
  const text = Object.entries(settings)
    .map(([k, v]) => configLine(k, v))
    .join('\n');
  writeFileSync(join(dataDir, SETTINGS_FILE), `# written by tools/testenv\n${text}\n`, { mode: 0o644 });
}

/** initdb + start. Retries on a new port when the chosen one was taken in the meantime. */
export async function createPostgres(
  options: PostgresOptions = {},
  internal: InstanceOptions = {},
): Promise<PostgresInstance> {
  const bins = pgBinaries(options.version);
  const runAs = postgresRunAs();
  const dir = prepareInstanceDir('postgres', options.name, internal, runAs);
  const dataDir = dataDirOf(dir);
  const initdb = await runCommand(
    bins.initdb,
    ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { cwd: dir, runAs, env: serverEnv(runAs) },
  );
  if (initdb.code !== 0) throw initError('initdb', dataDir, initdb);
  appendFileSync(join(dataDir, 'postgresql.conf'), `\ninclude '${SETTINGS_FILE}'\n`);
  // Validate user settings before the first start so a bad key fails fast and clearly.
  for (const [k, v] of Object.entries(options.settings ?? {})) configLine(k, v);
  return startOnFreePort(dir, options.name ?? '', (port) => settingsFor(options, port), bins, internal);
}

/**
 * Writes the settings for a free port and starts the server in `dir` (its data directory
 * ready); retries on a new port when the chosen one was taken in the meantime.
 */
export async function startOnFreePort(
  dir: string,
  name: string,
  settings: (port: number) => Record<string, string>,
  bins: PgBinaries,
  internal: InstanceOptions = {},
): Promise<PostgresInstance> {
  const runAs = postgresRunAs();
  const dataDir = dataDirOf(dir);
  return startServerOnFreePort((port) => {
    writeSettings(dataDir, settings(port));
    writeStartMeta(dir, { kind: 'postgres', name: name, port, bindir: bins.bindir }, internal);
    return new PostgresInstance(dir, port, internal.persistent === true, runAs, bins);
  }, /could not bind|address already in use/i);
}

/** A handle on an existing instance directory (the CLI's persistent stack), running or not. */
export function attachPostgres(dir: string, internal: InstanceOptions = {}): PostgresInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'postgres' || !existsSync(join(dir, 'data', 'PG_VERSION'))) return undefined;
  const binaries = meta.bindir ? pgBinariesIn(meta.bindir) : pgBinaries();
  return new PostgresInstance(dir, meta.port, internal.persistent === true, postgresRunAs(), binaries);
}
