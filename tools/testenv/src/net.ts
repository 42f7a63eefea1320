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
 * (e.g. because the server process died). Throws `timeoutMessage` on timeout.
 */
export async function waitUntil(
  probe: () => Promise<boolean> | boolean,
  opts: { timeoutMs: number; intervalMs?: number; check?: () => void; timeoutMessage: string },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.check?.();
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(opts.timeoutMessage);
    await sleep(opts.intervalMs ?? 50);
  }
}

/**
 * The tests' one polling helper: resolves once `check` is true, checked every `intervalMs`;
 * throws `timed out waiting for <what>` after `timeoutMs`.
 */
export function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<void> {
  return waitUntil(check, { timeoutMs, intervalMs, timeoutMessage: `timed out waiting for ${what}` });
}

export async function waitForPortClosed(port: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(async () => !(await portAnswers(port)), {
    timeoutMs,
    timeoutMessage: `port ${port} still accepts connections after ${timeoutMs} ms`,
  });
}
