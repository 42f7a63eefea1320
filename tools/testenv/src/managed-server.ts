// One lifecycle for every server process the harness spawns (PostgreSQL, MariaDB, nats-server,
// Jaeger): start (spawn it, kill it with this node process unless persistent, wait until it is
// ready or has died), stop (its own graceful way, SIGKILL after a grace period), kill (SIGKILL
// of it and its children, a crash), destroy (stop and remove its directory). A server says what
// to run, how to ask whether it is ready and, for a restartable one, which pid file it writes.
import { ServerStartError } from './errors';
import { findFreePort, waitForPortClosed, waitUntil } from './net';
import { removeDir, runningPidFromFile, type InstanceKind } from './instance';
import type { RunAs } from './paths';
import {
  disownProcess,
  isAlive,
  killTree,
  ownProcess,
  RUN_MARKER,
  spawnServer,
  tailFile,
  type SpawnedServer,
} from './proc';

/** What a server waits for and how long; the texts go into its error messages. */
export interface ServerLifecycle {
  /** The program's name in messages: 'postgres', 'mariadbd', 'nats-server', 'jaeger'. */
  readonly label: string;
  /** Its instance directory's kind: where another process finds its pid file (none: only ours). */
  readonly kind?: InstanceKind;
  /** What ready means, completing "<label> on <address> did not ...": 'accept connections'. */
  readonly ready: string;
  readonly startupTimeoutMs: number;
  readonly readyIntervalMs: number;
  /** How long a graceful stop may take before SIGKILL. */
  readonly stopTimeoutMs: number;
}

/** The program to run, in the server's directory, with its output appended to its log file. */
export interface ServerCommand {
  readonly command: string;
  readonly args: string[];
  readonly runAs?: RunAs;
  readonly env?: NodeJS.ProcessEnv;
}

/** How long SIGKILLed processes may take to disappear. */
const KILL_TIMEOUT_MS = 15_000;

export abstract class ManagedServer {
  /** The port whose closing means the server is gone. */
  abstract readonly port: number;
  private spawned: SpawnedServer | undefined;

  protected constructor(
    readonly dir: string,
    readonly logFile: string,
    protected readonly persistent: boolean,
    private readonly lifecycle: ServerLifecycle,
  ) {}

  /** Where it listens, for messages: host:port or its URL. */
  protected abstract get address(): string;

  protected abstract command(): ServerCommand;

  /** Undefined once the server is ready, else why not yet (the last error, for the timeout message). */
  protected abstract probe(): Promise<string | undefined>;

  /** Asks the server to shut down (SIGTERM unless it has its own way); stop() waits for the exit. */
  protected async requestStop(pid: number): Promise<void> {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // exited meanwhile
    }
  }

  /** True while its process runs (ours, or one a pid file in its directory names). */
  isRunning(): boolean {
    return this.currentPid() !== undefined;
  }

  /** Starts it (or waits for the one already running from its directory) until it is ready. */
  async start(): Promise<void> {
    const pid = this.currentPid();
    if (pid !== undefined) {
      await this.waitReady(() => (isAlive(pid) ? undefined : 'exited'));
      return;
    }
    const run = this.command();
    const spawned = spawnServer({
      ...run,
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

  /** Graceful shutdown, SIGKILL when it takes longer than the grace period; waits until the port is closed. */
  async stop(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const { label, stopTimeoutMs } = this.lifecycle;
    await this.requestStop(pid);
    try {
      await waitUntil(() => !isAlive(pid), { timeoutMs: stopTimeoutMs, timeoutMessage: `${label} did not stop` });
    } catch {
      killTree(pid);
      await waitUntil(() => !isAlive(pid), {
        timeoutMs: KILL_TIMEOUT_MS,
        timeoutMessage: `${label} (pid ${pid}) did not exit`,
      });
    }
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  /** SIGKILL of the server and its children (a crash); waits until the port is closed. */
  async kill(): Promise<void> {
    const pid = this.currentPid();
    if (pid === undefined) return;
    const pids = killTree(pid);
    await waitUntil(() => pids.every((p) => !isAlive(p)), {
      timeoutMs: KILL_TIMEOUT_MS,
      timeoutMessage: `${this.lifecycle.label} processes ${pids.join(', ')} still alive after SIGKILL`,
    });
    disownProcess(pid);
    await waitForPortClosed(this.port);
  }

  /** Stops it if it runs and removes its directory. */
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
    return this.lifecycle.kind === undefined ? undefined : runningPidFromFile(this.dir, this.lifecycle.kind);
  }

  /** Polls probe(); `exited` returns why the server is gone, if it is. */
  private async waitReady(exited: () => string | undefined): Promise<void> {
    const { label, ready, startupTimeoutMs, readyIntervalMs } = this.lifecycle;
    let lastError: string | undefined;
    await waitUntil(
      async () => {
        lastError = await this.probe();
        return lastError === undefined;
      },
      {
        timeoutMs: startupTimeoutMs,
        intervalMs: readyIntervalMs,
        timeoutMessage: '',
        check: () => {
          const why = exited();
          if (why !== undefined) throw this.startError(`${label} on ${this.address} ${why} during startup`);
        },
      },
    ).catch((err: unknown) => {
      if (err instanceof ServerStartError) throw err;
      throw this.startError(
        `${label} on ${this.address} did not ${ready} within ${startupTimeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}`,
      );
    });
  }

  private startError(message: string): ServerStartError {
    return new ServerStartError(message, this.logFile, tailFile(this.logFile, 40));
  }
}

/**
 * Starts the server `create` makes for a free port; when another process took that port before
 * the server bound it (its last run's log matches `addressInUse`), again on a new port.
 */
export async function startServerOnFreePort<T extends ManagedServer>(
  create: (port: number) => T | Promise<T>,
  addressInUse: RegExp,
  attempts = 5,
): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const server = await create(await findFreePort());
    try {
      await server.start();
      return server;
    } catch (err) {
      lastError = err;
      const lastRun = err instanceof ServerStartError ? err.logTail.slice(err.logTail.lastIndexOf(RUN_MARKER)) : '';
      if (!addressInUse.test(lastRun)) throw err;
    }
  }
  throw lastError;
}
