import type { NatsConnection } from '@nats-io/nats-core';
import { RELOAD_SUBJECT, type ReloadReply, type ReloadRequest } from '@cdc/change-stream';
import { describeError, type Logger } from '@cdc/service-runtime';

export interface ReloadListenerOptions {
  readonly nc: NatsConnection;
  readonly source: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly onReloadSignal?: (listener: () => void) => () => void;
  /** Applies the config file as it is now; resolves to a one-line summary. Absent: reloads are refused. */
  readonly reload?: () => Promise<string>;
}

/**
 * Reloads on SIGHUP (through onReloadSignal) and on `cdc reload` (RELOAD_SUBJECT), replying to
 * the latter with the outcome. A config that no longer parses is reported and the reader
 * keeps running on what it has.
 */
export function listenForReloads(options: ReloadListenerOptions): () => Promise<void> {
  const { nc, source, log } = options;
  const run = async (trigger: string): Promise<ReloadReply> => {
    if (!options.reload) return { service: 'reader', name: source, ok: false, detail: 'reload is not available here' };
    try {
      const detail = await options.reload();
      log.info({ trigger, detail }, 'config reloaded');
      return { service: 'reader', name: source, ok: true, detail };
    } catch (error) {
      const detail = describeError(error);
      log.error({ trigger, err: detail }, 'config reload failed; still running on the previous config');
      return { service: 'reader', name: source, ok: false, detail };
    }
  };
  const removeSignal = options.onReloadSignal?.(() => void run('SIGHUP'));
  const subscription = nc.subscribe(RELOAD_SUBJECT);
  const listening = (async () => {
    for await (const message of subscription) {
      let request: ReloadRequest = {};
      try {
        request = message.data.length > 0 ? message.json<ReloadRequest>() : {};
      } catch {
        // A bare publish: reload everything.
      }
      if (request.source && request.source !== source) continue;
      const reply = await run('cdc reload');
      if (message.reply) message.respond(JSON.stringify(reply));
    }
  })().catch((error) => log.warn({ err: describeError(error) }, 'reload listener ended'));
  return async () => {
    removeSignal?.();
    subscription.unsubscribe();
    await listening;
  };
}
