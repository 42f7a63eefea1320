import type { Logger } from './logger';

/**
 * One AbortSignal per process, aborted on SIGTERM/SIGINT. Services pass it down; loops
 * check it between batches so in-flight work is finished (or abandoned unacked), never
 * acked half-done. A second signal exits at once.
 */
export function shutdownSignal(log: Logger): AbortSignal {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal: name }, 'second signal: exiting without waiting for in-flight work');
      process.exit(130);
    }
    log.info({ signal: name }, 'shutting down: finishing in-flight work');
    controller.abort(new Error(`received ${name}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return controller.signal;
}

/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
