// Process plumbing: spawning servers with their output in a log file, liveness checks through
// /proc, hard kills, and the exit hook that kills every non-persistent server we started.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync, fstatSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunAs } from './paths';

/** The single-letter state of a process (R, S, D, Z, ...) or undefined when there is no such process. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** True when the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const state = procState(pid);
  if (state !== undefined) return state !== 'Z' && state !== 'X';
  try {
    process.kill(pid, 0);
    // No /proc entry but signalable: non-Linux; trust kill(0).
    return !hasProcFs();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let procFs: boolean | undefined;
function hasProcFs(): boolean {
  if (procFs === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procFs = true;
    } catch {
      procFs = false;
    }
  }
  return procFs;
}

/** The command line of a process, arguments joined by spaces ('' when unknown). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The direct children of a process (e.g. the Postgres backends of a postmaster). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const p = Number(e);
    if (parentPid(p) === pid) out.push(p);
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGKILL a server and its direct children: the process is frozen first so it cannot fork
 * while its children are collected, then it dies before them (like a crash would go).
 * Returns every pid that was killed.
 */
export function killTree(pid: number): number[] {
  if (!isAlive(pid)) return [];
  signal(pid, 'SIGSTOP');
  const children = childPids(pid);
  signal(pid, 'SIGKILL');
  for (const c of children) signal(c, 'SIGKILL');
  return [pid, ...children];
}

// ------------------------------------------------------------------ exit hook

const owned = new Set<number>();
let hookInstalled = false;

function killOwned(): void {
  for (const pid of owned) killTree(pid);
  owned.clear();
}

function installHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  process.on('exit', killOwned);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killOwned();
      process.removeListener(sig, onSignal);
      // Keep the default behaviour (die by the signal) unless someone else handles it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** Kill this server (and its children) when the node process exits. */
export function ownProcess(pid: number): void {
  installHook();
  owned.add(pid);
}

export function disownProcess(pid: number): void {
  owned.delete(pid);
}

// ------------------------------------------------------------------ spawning

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process exits, with a description of how. */
  readonly exited: Promise<string>;
  /** How the process ended ('exited with code 1', ...), undefined while it runs. */
  exitStatus(): string | undefined;
}

export interface SpawnServerOptions {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
  runAs?: RunAs;
  /** Own session, survives our exit (persistent stack). */
  detached: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Begins the line spawnServer writes to a server's log before each run (its last run starts there). */
export const RUN_MARKER = '---- testenv ';

/** Starts a server with stdout and stderr appended to its log file; the node event loop is not held. */
export function spawnServer(o: SpawnServerOptions): SpawnedServer {
  const fd = openSync(o.logFile, 'a');
  writeSync(fd, `\n${RUN_MARKER}${new Date().toISOString()}: ${o.command} ${o.args.join(' ')}\n`);
  let child: ChildProcess;
  try {
    child = spawn(o.command, o.args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: o.detached,
      ...(o.runAs ? { uid: o.runAs.uid, gid: o.runAs.gid } : {}),
    });
  } finally {
    closeSync(fd);
  }
  let status: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => {
      status = `could not be started: ${err.message}`;
      resolve(status);
    });
    child.once('exit', (code, sig) => {
      status ??= sig ? `was killed by ${sig}` : `exited with code ${code}`;
      resolve(status);
    });
  });
  child.unref();
  // When spawn fails (e.g. ENOENT) there is no pid and the reason arrives through 'error'.
  if (child.pid === undefined) status ??= 'could not be started';
  return { child, pid: child.pid ?? -1, exited, exitStatus: () => status };
}

/** SIGTERM, then SIGKILL when it has not exited after `graceMs`; resolves once it has exited. */
export async function terminate(spawned: SpawnedServer, graceMs: number): Promise<void> {
  if (spawned.exitStatus() !== undefined) return;
  spawned.child.kill('SIGTERM');
  await Promise.race([spawned.exited, sleep(graceMs, undefined, { ref: false })]);
  if (spawned.exitStatus() === undefined) spawned.child.kill('SIGKILL');
  await spawned.exited;
}

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a short command to completion, collecting stdout+stderr together. */
export function runCommand(
  command: string,
  args: string[],
  opts: { cwd?: string; runAs?: RunAs; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: 'SIGKILL',
      ...(opts.runAs ? { uid: opts.runAs.uid, gid: opts.runAs.gid } : {}),
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (c: Buffer) => chunks.push(c));
    child.stderr?.on('data', (c: Buffer) => chunks.push(c));
    child.once('error', (err) => resolve({ code: null, output: `${command}: ${err.message}` }));
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** The last `lines` lines of a (log) file; '' when it cannot be read. */
export function tailFile(path: string, lines = 30): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l, i, all) => l !== '' || i < all.length - 1)
      .slice(-lines)
      .join('\n');
  } finally {
    closeSync(fd);
  }
}

/** Environment for server processes: ours without PG* variables (they would change defaults). */
export function serverEnv(runAs?: RunAs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  env.LC_ALL = 'C';
  if (runAs) {
    env.HOME = runAs.home;
    env.USER = runAs.name;
    env.LOGNAME = runAs.name;
  }
  return env;
}
