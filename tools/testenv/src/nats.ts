// Throw-away nats-server processes with JetStream, on 127.0.0.1.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { ServerStartError } from './errors';
import { newInstanceDir, pidFileOf, readMeta, removeDir, runningPidFromFile, writeMeta } from './instance';
import { findFreePort, LOOPBACK, waitForPortClosed, waitUntil } from './net';
import { natsServerBinary } from './paths';
import { disownProcess, isAlive, killTree, ownProcess, spawnServer, tailFile, type SpawnedServer } from './proc';
import type { InstanceOptions } from './postgres';
import type { NatsOptions, NatsServer } from './types';

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;
const MARKER = '---- testenv ';

export class NatsInstance implements NatsServer {
  readonly storeDir: string;
  readonly logFile: string;
  readonly configFile: string;
  private spawned: SpawnedServer | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly persistent: boolean,
  ) {
    this.storeDir = join(dir, 'jetstream');
    this.logFile = join(dir, 'nats.log');
    this.configFile = join(dir, 'nats.conf');
  }

  get url(): string {
    return `nats://${LOOPBACK}:${this.port}`;
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
      '-a',
      LOOPBACK,
      '-p',
      String(this.port),
      '-js',
      '-sd',
      this.storeDir,
      '-P',
      pidFileOf(this.dir, 'nats'),
    ];
    if (existsSync(this.configFile)) args.push('-c', this.configFile);
    const spawned = spawnServer({
      command: natsServerBinary(),
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
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // exited meanwhile
    }
    try {
      await waitUntil(() => !isAlive(pid), { timeoutMs: STOP_TIMEOUT_MS, timeoutMessage: 'nats-server did not stop' });
    } catch {
      killTree(pid);
      await waitUntil(() => !isAlive(pid), {
        timeoutMs: 5_000,
        timeoutMessage: `nats-server (pid ${pid}) did not exit`,
      });
    }
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  async kill(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const pids = killTree(pid);
    await waitUntil(() => pids.every((p) => !isAlive(p)), {
      timeoutMs: 10_000,
      timeoutMessage: `nats-server (pid ${pid}) still alive after SIGKILL`,
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
    return runningPidFromFile(this.dir, 'nats');
  }

  private async waitReady(exited: () => string | undefined): Promise<void> {
    await waitUntil(async () => (await readInfo(this.port))?.jetstream === true, {
      timeoutMs: STARTUP_TIMEOUT_MS,
      intervalMs: 50,
      timeoutMessage: '',
      check: () => {
        const why = exited();
        if (why !== undefined) throw this.startError(`nats-server on ${this.url} ${why} during startup`);
      },
    }).catch((err: unknown) => {
      if (err instanceof ServerStartError) throw err;
      throw this.startError(
        `nats-server on ${this.url} did not answer with JetStream enabled within ${STARTUP_TIMEOUT_MS} ms`,
      );
    });
  }

  private startError(message: string): ServerStartError {
    return new ServerStartError(message, this.logFile, tailFile(this.logFile, 40));
  }
}

/** Connects and reads the server's INFO line (the first thing a NATS server sends). */
function readInfo(port: number): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: LOOPBACK });
    let buf = '';
    const done = (info: Record<string, unknown> | undefined): void => {
      sock.destroy();
      resolve(info);
    };
    sock.setTimeout(2000, () => done(undefined));
    sock.once('error', () => done(undefined));
    sock.once('close', () => done(undefined));
    sock.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const end = buf.indexOf('\r\n');
      if (end < 0) return;
      const line = buf.slice(0, end);
      if (!line.startsWith('INFO ')) return done(undefined);
      try {
        const info: unknown = JSON.parse(line.slice(5));
        done(typeof info === 'object' && info !== null ? (info as Record<string, unknown>) : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}

export async function createNats(options: NatsOptions = {}, internal: InstanceOptions = {}): Promise<NatsInstance> {
  natsServerBinary(); // fail early with TestEnvNotInstalledError
  const dir = internal.dir ?? newInstanceDir('nats', options.name);
  mkdirSync(dir, { recursive: true });
  if (options.configText !== undefined) writeFileSync(join(dir, 'nats.conf'), options.configText + '\n');
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await findFreePort();
    writeMeta(dir, {
      kind: 'nats',
      name: options.name ?? '',
      port,
      ownerPid: internal.persistent ? null : process.pid,
      createdAt: new Date().toISOString(),
    });
    const server = new NatsInstance(dir, port, internal.persistent === true);
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      const lastRun = err instanceof ServerStartError ? err.logTail.slice(err.logTail.lastIndexOf(MARKER)) : '';
      if (!/address already in use/i.test(lastRun)) throw err;
    }
  }
  throw lastError;
}

export function attachNats(dir: string, internal: InstanceOptions = {}): NatsInstance | undefined {
  const meta = readMeta(dir);
  if (!meta || meta.kind !== 'nats') return undefined;
  return new NatsInstance(dir, meta.port, internal.persistent === true);
}
