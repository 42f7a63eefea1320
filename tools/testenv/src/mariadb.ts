// Throw-away MariaDB servers: mariadb-install-db into an instance directory, mariadbd on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { TestEnvNotInstalledError } from './errors';
import { DatabaseInstance, dataDirOf, initError } from './database-instance';
import { pidFileOf, prepareInstanceDir, readMeta, writeStartMeta, type InstanceOptions } from './instance';
import { startServerOnFreePort, type ServerCommand } from './managed-server';
import { LOOPBACK } from './net';
import { lookupUser, type RunAs } from './paths';
import { runCommand } from './proc';
import type { MariadbOptions, MariadbServer, MariadbUserOptions, QueryResultRows } from './types';

const STARTUP_TIMEOUT_MS = 60_000;

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

export class MariadbInstance extends DatabaseInstance implements MariadbServer {
  constructor(
    dir: string,
    port: number,
    persistent: boolean,
    runAs: RunAs | undefined,
    private readonly extraArgs: readonly string[],
  ) {
    super(dir, port, persistent, runAs, { label: 'mariadbd', kind: 'mariadb', startupTimeoutMs: STARTUP_TIMEOUT_MS });
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

  protected command(): ServerCommand {
    return {
      command: mariadbBinaries().server,
      args: [
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
      ],
    };
  }

  protected async probe(): Promise<string | undefined> {
    try {
      await this.query('SELECT 1');
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
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
  const dir = prepareInstanceDir('mariadb', options.name, internal, runAs);
  const dataDir = dataDirOf(dir);
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
  if (install.code !== 0 || !existsSync(join(dataDir, 'mysql')))
    throw initError('mariadb-install-db', dataDir, install);
  return startServerOnFreePort((port) => {
    writeStartMeta(dir, { kind: 'mariadb', name: options.name ?? '', port }, internal);
    return new MariadbInstance(dir, port, internal.persistent === true, runAs, [
      ...tlsArgs(options.tls),
      ...(options.args ?? []),
    ]);
  }, /address already in use|Can't start server: Bind/i);
}

/** A handle on an existing instance directory, running or not. */
export function attachMariadb(dir: string, internal: InstanceOptions = {}): MariadbInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'mariadb' || !existsSync(join(dir, 'data', 'mysql'))) return undefined;
  return new MariadbInstance(dir, meta.port, internal.persistent === true, mariadbRunAs(), []);
}
