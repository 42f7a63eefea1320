// Throw-away PostgreSQL servers: initdb into an instance directory, postmaster on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ServerStartError } from './errors';
import { newInstanceDir, readMeta, removeDir, runningPidFromFile, writeMeta } from './instance';
import { findFreePort, LOOPBACK, waitForPortClosed, waitUntil } from './net';
import { pgBinaries, pgBinariesIn, postgresRunAs, type PgBinaries, type RunAs } from './paths';
import {
  disownProcess,
  isAlive,
  killTree,
  ownProcess,
  runCommand,
  serverEnv,
  spawnServer,
  tailFile,
  type SpawnedServer,
} from './proc';
import type { PostgresOptions, PostgresServer, QueryResultRows } from './types';

const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 60_000;
const SETTINGS_FILE = 'testenv.conf';
const MARKER = '---- testenv ';

/** Internal knobs (not exported from index.ts): used by the CLI's persistent stack. */
export interface InstanceOptions {
  /** Use this directory instead of a fresh one under the base directory. */
  dir?: string;
  /** Detached from this process and not killed when it exits. */
  persistent?: boolean;
}

export class PostgresInstance implements PostgresServer {
  readonly host = LOOPBACK;
  readonly dataDir: string;
  readonly logFile: string;
  private spawned: SpawnedServer | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly persistent: boolean,
    private readonly runAs: RunAs | undefined,
    readonly binaries: PgBinaries,
  ) {
    this.dataDir = join(dir, 'data');
    this.logFile = join(dir, 'postgres.log');
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

  /** True when the postmaster for this data directory is running. */
  isRunning(): boolean {
    return this.currentPid() !== undefined;
  }

  async start(): Promise<void> {
    const pid = this.currentPid();
    if (pid !== undefined) {
      await this.waitReady(() => (isAlive(pid) ? undefined : 'exited'));
      return;
    }
    const spawned = spawnServer({
      command: this.binaries.postgres,
      args: ['-D', this.dataDir],
      cwd: this.dir,
      logFile: this.logFile,
      runAs: this.runAs,
      detached: this.persistent,
      env: serverEnv(this.runAs),
    });
    this.spawned = spawned;
    if (!this.persistent && spawned.pid > 0) ownProcess(spawned.pid);
    try {
      await this.waitReady(() => spawned.exitStatus());
    } catch (err) {
      if (spawned.pid > 0) {
        killTree(spawned.pid);
        disownProcess(spawned.pid);
      }
      throw err;
    }
  }

  async stop(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const r = await runCommand(
      this.binaries.pgCtl,
      ['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000)],
      { cwd: this.dir, runAs: this.runAs, env: serverEnv(this.runAs), timeoutMs: STOP_TIMEOUT_MS + 10_000 },
    );
    if (r.code !== 0 && isAlive(pid)) {
      appendFileSync(this.logFile, `${MARKER}pg_ctl stop failed (${r.code}), killing: ${r.output}\n`);
      killTree(pid);
    }
    await waitUntil(() => !isAlive(pid), { timeoutMs: 15_000, timeoutMessage: `postgres (pid ${pid}) did not exit` });
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  async kill(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const pids = killTree(pid);
    await waitUntil(() => pids.every((p) => !isAlive(p)), {
      timeoutMs: 15_000,
      timeoutMessage: `postgres processes ${pids.join(', ')} still alive after SIGKILL`,
    });
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  async destroy(): Promise<void> {
    try {
      await this.stop();
    } catch {
      const pid = this.currentPid();
      if (pid !== undefined) killTree(pid);
    }
    removeDir(this.dir);
  }

  private currentPid(): number | undefined {
    const s = this.spawned;
    if (s && s.exitStatus() === undefined && isAlive(s.pid)) return s.pid;
    return runningPidFromFile(this.dir, 'postgres');
  }

  /** Polls until a connection runs `select 1`; `exited` returns why the server is gone, if it is. */
  private async waitReady(exited: () => string | undefined): Promise<void> {
    let lastError = '';
    await waitUntil(
      async () => {
        const err = await tryConnect(this.port);
        if (err === undefined) return true;
        lastError = err;
        return false;
      },
      {
        timeoutMs: STARTUP_TIMEOUT_MS,
        intervalMs: 100,
        timeoutMessage: '',
        check: () => {
          const why = exited();
          if (why !== undefined) {
            throw this.startError(`postgres on ${this.host}:${this.port} ${why} during startup`);
          }
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof ServerStartError) throw err;
      throw this.startError(
        `postgres on ${this.host}:${this.port} did not accept connections within ${STARTUP_TIMEOUT_MS} ms (last error: ${lastError})`,
      );
    });
  }

  private startError(message: string): ServerStartError {
    return new ServerStartError(message, this.logFile, tailFile(this.logFile, 40));
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
  const dir = internal.dir ?? newInstanceDir('postgres', options.name);
  mkdirSync(dir, { recursive: true });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const dataDir = join(dir, 'data');
  const initdb = await runCommand(
    bins.initdb,
    ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { cwd: dir, runAs, env: serverEnv(runAs) },
  );
  if (initdb.code !== 0) {
    throw new Error(
      `initdb ${dataDir} failed (exit ${initdb.code}):\n${initdb.output.split('\n').slice(-30).join('\n')}`,
    );
  }
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
  const dataDir = join(dir, 'data');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    writeSettings(dataDir, settings(port));
    writeMeta(dir, {
      kind: 'postgres',
      name,
      port,
      ownerPid: internal.persistent ? null : process.pid,
      createdAt: new Date().toISOString(),
      bindir: bins.bindir,
    });
    const server = new PostgresInstance(dir, port, internal.persistent === true, runAs, bins);
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      const lastRun = err instanceof ServerStartError ? err.logTail.slice(err.logTail.lastIndexOf(MARKER)) : '';
      if (!/could not bind|address already in use/i.test(lastRun)) throw err;
    }
  }
  throw lastError;
}

/** A handle on an existing instance directory (the CLI's persistent stack), running or not. */
export function attachPostgres(dir: string, internal: InstanceOptions = {}): PostgresInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'postgres' || !existsSync(join(dir, 'data', 'PG_VERSION'))) return undefined;
  const binaries = meta.bindir ? pgBinariesIn(meta.bindir) : pgBinaries();
  return new PostgresInstance(dir, meta.port, internal.persistent === true, postgresRunAs(), binaries);
}
