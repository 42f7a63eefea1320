// Ports and polling.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export const LOOPBACK = '127.0.0.1';

/** A TCP port that is free on 127.0.0.1 right now (bound to port 0, then released). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host: LOOPBACK, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close((err) => (err ? reject(err) : port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** True when something accepts TCP connections on the port. */
export function portAnswers(port: number, host = LOOPBACK, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Polls `probe` until it returns true. `check` runs before every attempt and may throw to abort
 * (e.g. because the server process died). Throws `timeoutMessage` (computed at the timeout when
 * a function) on timeout.
 */
export async function waitUntil(
  probe: () => Promise<boolean> | boolean,
  opts: { timeoutMs: number; intervalMs?: number; check?: () => void; timeoutMessage: string | (() => string) },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.check?.();
    if (await probe()) return;
    if (Date.now() > deadline)
      throw new Error(typeof opts.timeoutMessage === 'function' ? opts.timeoutMessage() : opts.timeoutMessage);
    await sleep(opts.intervalMs ?? 50);
  }
}

export interface UntilOptions {
  /** Default 20 s. */
  timeoutMs?: number;
  /** Default 50 ms (what the copies it replaced polled at: some tests act while a state lasts). */
  intervalMs?: number;
  /**
   * A check that throws counts as "not yet" (a table not created yet, a server restarting), and
   * the last error ends the timeout message. Without it, the check's error ends the wait.
   */
  retryErrors?: boolean;
  /** Runs before every check and may throw to end the wait early (the process waited on has exited). */
  abort?: () => void;
}

/**
 * The tests' one polling helper: resolves once `check` is true, checked every `intervalMs`;
 * throws `timed out waiting for <what>` after `timeoutMs`. The third argument is the timeout
 * or the options.
 */
export function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeout: number | UntilOptions = {},
  intervalMs?: number,
): Promise<void> {
  const options: UntilOptions = typeof timeout === 'number' ? { timeoutMs: timeout, intervalMs } : timeout;
  let lastError: unknown;
  const probe = options.retryErrors
    ? async (): Promise<boolean> => {
        try {
          return await check();
        } catch (error) {
          lastError = error;
          return false;
        }
      }
    : check;
  return waitUntil(probe, {
    timeoutMs: options.timeoutMs ?? 20_000,
    intervalMs: options.intervalMs ?? 50,
    ...(options.abort ? { check: options.abort } : {}),
    timeoutMessage: () =>
      `timed out waiting for ${what}${lastError === undefined ? '' : ` (last error: ${errorText(lastError)})`}`,
  });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function waitForPortClosed(port: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(async () => !(await portAnswers(port)), {
    timeoutMs,
    timeoutMessage: `port ${port} still accepts connections after ${timeoutMs} ms`,
  });
}
