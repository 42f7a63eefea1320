// The services of one pipeline as real processes of the bundle (dist/cdc.cjs): started, stopped
// and killed in one place, whatever the source and destination are.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { until } from '@cdc/testenv';

const REPO = resolve(__dirname, '../../..');
/** The bundle every e2e test runs (npx nx run cli:build). */
export const BUNDLE = join(REPO, 'dist/cdc.cjs');

export type ServiceKind = 'reader' | 'applier' | 'coordinator';

export interface ServiceProcess {
  readonly kind: ServiceKind;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<number | null>;
  /** Everything the process printed so far ('' before its log file exists). */
  log(): string;
}

export interface StartOptions {
  /** Added to this process's environment (e.g. OTEL_* or CDC_HTTP_ADDR for one service). */
  readonly env?: NodeJS.ProcessEnv;
  /** The applier's destination (default: the pipeline's first). */
  readonly destination?: string;
}

/** The processes of one pipeline: each started from the same config file, every log in `dir`. */
export class Services {
  private readonly running = new Set<ServiceProcess>();
  private counter = 0;

  constructor(
    private readonly dir: string,
    private readonly configFile: string,
    private readonly source: string,
    private readonly destination: string,
  ) {}

  start(kind: ServiceKind, options: StartOptions = {}): ServiceProcess {
    this.counter += 1;
    const logFile = join(this.dir, `${kind}-${this.counter}.log`);
    const out = createWriteStream(logFile);
    const args = [BUNDLE, kind, '--config', this.configFile];
    if (kind === 'reader') args.push('--source', this.source);
    if (kind === 'applier') args.push('--destination', options.destination ?? this.destination);
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDC_LOG_LEVEL: 'info', ...options.env },
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
    const log = () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return ''; // not opened yet
      }
    };
    const service: ServiceProcess = { kind, child, logFile, exited, log };
    this.running.add(service);
    void exited.then(() => this.running.delete(service));
    return service;
  }

  /** SIGKILL (a crash) or SIGTERM (clean stop), then wait for the exit. */
  async stop(service: ServiceProcess, signal: NodeJS.Signals): Promise<number | null> {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill(signal);
    return service.exited;
  }

  /** SIGKILLs every process still running and waits for them all. */
  async killAll(): Promise<void> {
    for (const service of this.running) service.child.kill('SIGKILL');
    await Promise.all([...this.running].map((service) => service.exited));
  }
}

/** Waits until the service's log matches; fails early (with the log's tail) when it exits first. */
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

/** testenv's until with the e2e defaults: a minute, and a query that fails (a table not there yet) is "not yet". */
export function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  return until(what, condition, { timeoutMs, intervalMs: 250, retryErrors: true });
}
