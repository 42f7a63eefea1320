// Throw-away MariaDB servers: mariadb-install-db into an instance directory, mariadbd on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { accessSync, chownSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { ServerStartError, TestEnvNotInstalledError } from './errors';
import { newInstanceDir, pidFileOf, readMeta, removeDir, runningPidFromFile, writeMeta } from './instance';
import { findFreePort, LOOPBACK, waitForPortClosed, waitUntil } from './net';
import { lookupUser, type RunAs } from './paths';
import { disownProcess, isAlive, killTree, ownProcess, runCommand, spawnServer, tailFile } from './proc';
import type { SpawnedServer } from './proc';
import type { InstanceOptions } from './postgres';
import type { MariadbOptions, MariadbServer, MariadbUserOptions, QueryResultRows } from './types';

const STARTUP_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;
const MARKER = '---- testenv ';

interface MariadbBinaries {
  readonly server: string;
  readonly installDb: string;
}

/** CDC_MARIADB_BINDIR (holding mariadbd and mariadb-install-db), else the Debian locations. */
function mariadbBinaries(): MariadbBinaries {
  const dirs = process.env.CDC_MARIADB_BINDIR ? [process.env.CDC_MARIADB_BINDIR] : ['/usr/sbin', '/usr/bin'];
  const find = (names: string[]) => {
    for (const dir of [...dirs, '/usr/sbin', '/usr/bin']) {
      for (const name of names) {
        const path = join(dir, name);
        try {
          accessSync(path, constants.X_OK);
          return path;
        } catch {
          // next
        }
      }
    }
    return undefined;
  };
  const server = find(['mariadbd', 'mysqld']);
  const installDb = find(['mariadb-install-db', 'mysql_install_db']);
  if (server === undefined || installDb === undefined) {
    throw new TestEnvNotInstalledError('MariaDB binaries (mariadbd, mariadb-install-db) not found');
  }
  return { server, installDb };
}

/** mariadbd refuses to run as root unless told to: as root it runs as the `mysql` OS user. */
export function mariadbRunAs(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const name = process.env.CDC_TESTENV_MARIADB_USER ?? 'mysql';
  const user = lookupUser(name);
  if (!user) throw new TestEnvNotInstalledError(`running as root but there is no '${name}' OS user to run MariaDB as`);
  return user;
}

export class MariadbInstance implements MariadbServer {
  readonly host = LOOPBACK;
  readonly dataDir: string;
  readonly logFile: string;
  private spawned: SpawnedServer | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly persistent: boolean,
    private readonly runAs: RunAs | undefined,
    private readonly extraArgs: readonly string[],
  ) {
    this.dataDir = join(dir, 'data');
    this.logFile = join(dir, 'mariadb.log');
  }

  url(database = 'mysql'): string {
    return `mysql://root@${this.host}:${this.port}/${encodeURIComponent(database)}`;
  }

  async createDatabase(name?: string): Promise<string> {
    const db = name ?? `db_${randomBytes(6).toString('hex')}`;
    await this.query(`CREATE DATABASE ${quoteMysqlIdent(db)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    return this.url(db);
  }

  async query(sql: string, params?: unknown[], database?: string): Promise<QueryResultRows> {
    const connection = await mysql.createConnection({
      host: this.host,
      port: this.port,
      user: 'root',
      database: database ?? 'mysql',
      connectTimeout: 10_000,
      multipleStatements: params === undefined,
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
    });
    connection.on('error', () => undefined);
    try {
      const [rows] = await connection.query(sql, params);
      return { rows: Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [] };
    } finally {
      await connection.end().catch(() => undefined);
    }
  }

  async createUser(options: MariadbUserOptions): Promise<string> {
    const password = randomBytes(12).toString('hex');
    const require = options.require === 'x509' ? ' REQUIRE X509' : options.require === 'ssl' ? ' REQUIRE SSL' : '';
    await this.query(`CREATE USER ?@'%' IDENTIFIED BY ?${require}`, [options.name, password]);
    const privileges = options.privileges ?? ['ALL PRIVILEGES'];
    // Keywords cannot be parameters: only plain privilege names get into the statement.
    const bad = privileges.find((privilege) => !/^[A-Z][A-Z ]*$/.test(privilege));
    if (bad !== undefined) throw new Error(`createUser: ${JSON.stringify(bad)} is not a privilege name`);
    await this.query(`GRANT ${privileges.join(', ')} ON ${quoteMysqlIdent(options.database)}.* TO ?@'%'`, [
      options.name,
    ]);
    const user = `${encodeURIComponent(options.name)}:${password}`;
    return `mysql://${user}@${this.host}:${this.port}/${encodeURIComponent(options.database)}`;
  }

  isRunning(): boolean {
    return this.currentPid() !== undefined;
  }

  async start(): Promise<void> {
    const pid = this.currentPid();
    if (pid !== undefined) {
      await this.waitReady(() => (isAlive(pid) ? undefined : 'exited'));
      return;
    }
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--port=${this.port}`,
      `--bind-address=${LOOPBACK}`,
      `--socket=${join(this.dir, 'mariadb.sock')}`,
      `--pid-file=${pidFileOf(this.dir, 'mariadb')}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_bin',
      '--innodb-buffer-pool-size=256M',
      '--innodb-log-file-size=256M',
      '--max-connections=300',
      '--max-allowed-packet=64M',
      // Durable commits (the default), so kill() tests real crash recovery.
      '--innodb-flush-log-at-trx-commit=1',
      ...(this.runAs ? [`--user=${this.runAs.name}`] : []),
      ...this.extraArgs,
    ];
    const spawned = spawnServer({
      command: mariadbBinaries().server,
      args,
      cwd: this.dir,
      logFile: this.logFile,
      detached: this.persistent,
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
    process.kill(pid, 'SIGTERM');
    try {
      await waitUntil(() => !isAlive(pid), { timeoutMs: STOP_TIMEOUT_MS, timeoutMessage: 'timeout' });
    } catch {
      killTree(pid);
      await waitUntil(() => !isAlive(pid), { timeoutMs: 15_000, timeoutMessage: `mariadbd (pid ${pid}) did not exit` });
    }
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  async kill(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const pids = killTree(pid);
    await waitUntil(() => pids.every((p) => !isAlive(p)), {
      timeoutMs: 15_000,
      timeoutMessage: `mariadbd processes ${pids.join(', ')} still alive after SIGKILL`,
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
    return runningPidFromFile(this.dir, 'mariadb');
  }

  private async waitReady(exited: () => string | undefined): Promise<void> {
    let lastError = '';
    await waitUntil(
      async () => {
        try {
          await this.query('SELECT 1');
          return true;
        } catch (err) {
          lastError = (err as Error).message;
          return false;
        }
      },
      {
        timeoutMs: STARTUP_TIMEOUT_MS,
        intervalMs: 100,
        timeoutMessage: '',
        check: () => {
          const why = exited();
          if (why !== undefined) throw this.startError(`mariadbd on ${this.host}:${this.port} ${why} during startup`);
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof ServerStartError) throw err;
      throw this.startError(
        `mariadbd on ${this.host}:${this.port} did not accept connections within ${STARTUP_TIMEOUT_MS} ms (last error: ${lastError})`,
      );
    });
  }

  private startError(message: string): ServerStartError {
    return new ServerStartError(message, this.logFile, tailFile(this.logFile, 40));
  }
}

function tlsArgs(tls: MariadbOptions['tls']): string[] {
  if (tls === undefined) return [];
  return [`--ssl-ca=${tls.ca}`, `--ssl-cert=${tls.cert}`, `--ssl-key=${tls.key}`];
}

export function quoteMysqlIdent(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** mariadb-install-db + start. Retries on a new port when the chosen one was taken in the meantime. */
export async function createMariadb(
  options: MariadbOptions = {},
  internal: InstanceOptions = {},
): Promise<MariadbInstance> {
  const bins = mariadbBinaries();
  const runAs = mariadbRunAs();
  const dir = internal.dir ?? newInstanceDir('mariadb', options.name);
  mkdirSync(dir, { recursive: true });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  const dataDir = join(dir, 'data');
  const install = await runCommand(
    bins.installDb,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...(runAs ? [`--user=${runAs.name}`] : []),
    ],
    { cwd: dir },
  );
  if (install.code !== 0 || !existsSync(join(dataDir, 'mysql'))) {
    throw new Error(
      `mariadb-install-db ${dataDir} failed (exit ${install.code}):\n${install.output.split('\n').slice(-30).join('\n')}`,
    );
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    writeMeta(dir, {
      kind: 'mariadb',
      name: options.name ?? '',
      port,
      ownerPid: internal.persistent ? null : process.pid,
      createdAt: new Date().toISOString(),
    });
    const server = new MariadbInstance(dir, port, internal.persistent === true, runAs, [
      ...tlsArgs(options.tls),
      ...(options.args ?? []),
    ]);
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      const lastRun = err instanceof ServerStartError ? err.logTail.slice(err.logTail.lastIndexOf(MARKER)) : '';
      if (!/address already in use|Can't start server: Bind/i.test(lastRun)) throw err;
    }
  }
  throw lastError;
}

/** A handle on an existing instance directory, running or not. */
export function attachMariadb(dir: string, internal: InstanceOptions = {}): MariadbInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'mariadb' || !existsSync(join(dir, 'data', 'mysql'))) return undefined;
  return new MariadbInstance(dir, meta.port, internal.persistent === true, mariadbRunAs(), []);
}
