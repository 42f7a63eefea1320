// Server instance directories: one per server under the base directory, with a small metadata
// file so that a later process (the CLI, or the next test run's sweep) can find the server again.
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseDir, type RunAs } from './paths';
import { commandLine, isAlive, killTree } from './proc';

export type InstanceKind = 'postgres' | 'nats' | 'mariadb';

/** Internal knobs (not exported from index.ts): used by the CLI's persistent stack. */
export interface InstanceOptions {
  /** Use this directory instead of a fresh one under the base directory. */
  dir?: string;
  /** Detached from this process and not killed when it exits. */
  persistent?: boolean;
}

export interface InstanceMeta {
  kind: InstanceKind;
  name: string;
  port: number;
  /** The node process whose exit kills the server; null for the persistent stack. */
  ownerPid: number | null;
  createdAt: string;
  /** Postgres: the bin directory its server runs from (a chosen major's, or the default). */
  bindir?: string;
}

const META_FILE = 'testenv-instance.json';
const DIR_PREFIX: Record<InstanceKind, string> = { postgres: 'pg', nats: 'nats', mariadb: 'mariadb' };

export function writeMeta(dir: string, meta: InstanceMeta): void {
  writeFileSync(join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
}

/** The metadata of a server about to start: owned by this process unless persistent (the CLI's stack). */
export function writeStartMeta(
  dir: string,
  meta: Pick<InstanceMeta, 'kind' | 'name' | 'port' | 'bindir'>,
  internal: InstanceOptions,
): void {
  const { kind, name, port, bindir } = meta;
  const ownerPid = internal.persistent ? null : process.pid;
  writeMeta(dir, { kind, name, port, ownerPid, createdAt: new Date().toISOString(), ...(bindir ? { bindir } : {}) });
}

export function readMeta(dir: string): InstanceMeta | undefined {
  try {
    const raw: unknown = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8'));
    if (typeof raw !== 'object' || raw === null) return undefined;
    const m = raw as Partial<InstanceMeta>;
    if ((m.kind !== 'postgres' && m.kind !== 'nats' && m.kind !== 'mariadb') || typeof m.port !== 'number')
      return undefined;
    return {
      kind: m.kind,
      name: typeof m.name === 'string' ? m.name : '',
      port: m.port,
      ownerPid: typeof m.ownerPid === 'number' ? m.ownerPid : null,
      createdAt: typeof m.createdAt === 'string' ? m.createdAt : '',
      ...(typeof m.bindir === 'string' ? { bindir: m.bindir } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The pid file a server writes inside its instance directory. */
export function pidFileOf(dir: string, kind: InstanceKind): string {
  if (kind === 'mariadb') return join(dir, 'mariadb.pid');
  return kind === 'postgres' ? join(dir, 'data', 'postmaster.pid') : join(dir, 'nats.pid');
}

/** The pid of the server running from this directory, per its pid file (checked against /proc). */
export function runningPidFromFile(dir: string, kind: InstanceKind): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFileOf(dir, kind), 'utf8').split('\n')[0].trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const cmd = commandLine(pid);
  // A recycled pid belongs to some other program: its command line does not name our directory.
  if (cmd !== '' && !cmd.includes(dir)) return undefined;
  return pid;
}

let swept = false;

/** A fresh, empty directory for a new server under the base directory. */
export function newInstanceDir(kind: InstanceKind, name: string | undefined): string {
  const base = baseDir();
  if (!swept) {
    swept = true;
    sweepStale(base);
  }
  const safe = (name ?? kind).replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40) || kind;
  const dir = join(base, `${DIR_PREFIX[kind]}-${safe}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The directory a new server starts in (`internal.dir`, else a fresh one), owned by the user it runs as. */
export function prepareInstanceDir(
  kind: InstanceKind,
  name: string | undefined,
  internal: InstanceOptions,
  runAs?: RunAs,
): string {
  const dir = internal.dir ?? newInstanceDir(kind, name);
  mkdirSync(dir, { recursive: true });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

/**
 * Removes the directories (and kills the servers) left behind by test processes that died
 * without cleaning up. Directories of live processes and the persistent stack are left alone.
 */
function sweepStale(base: string): void {
  let entries: string[];
  try {
    entries = readdirSync(base);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = /^(pg|nats|mariadb)-.*-(\d+)-[0-9a-f]{6}$/.exec(entry);
    if (!m) continue;
    const dir = join(base, entry);
    const meta = readMeta(dir);
    if (meta && meta.ownerPid === null) continue;
    const owner = meta?.ownerPid ?? Number(m[2]);
    if (owner === process.pid || isAlive(owner)) continue;
    const kind: InstanceKind = m[1] === 'pg' ? 'postgres' : m[1] === 'mariadb' ? 'mariadb' : 'nats';
    const pid = runningPidFromFile(dir, kind);
    if (pid !== undefined) killTree(pid);
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}

export function removeDir(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
