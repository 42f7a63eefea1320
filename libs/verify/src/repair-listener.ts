import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, type Logger } from '@cdc/service-runtime';
import { repairSubject, type RepairReply, type RepairRequest } from './repair-protocol';

/** What a reader reports for one repair request (RepairReply's counts). */
export interface RepairOutcome {
  readonly resent: number;
  readonly deleted: number;
  readonly changedMeanwhile: number;
}

/**
 * A reader's side of `cdc verify --repair` (repairSubject), the same for every source type:
 * each request is handed to `repair`, one at a time, and answered with its outcome or the
 * one-line reason it failed. Returns a function that stops listening.
 */
export function answerRepairs(
  nc: NatsConnection,
  source: string,
  repair: (request: RepairRequest) => Promise<RepairOutcome>,
  log: Logger,
): () => Promise<void> {
  const subscription = nc.subscribe(repairSubject(source));
  const listening = (async () => {
    for await (const message of subscription) {
      let reply: RepairReply;
      try {
        const outcome = await repair(message.json<RepairRequest>());
        reply = { ok: true, detail: 'stored', ...outcome };
      } catch (error) {
        const detail = describeError(error);
        log.error({ err: detail }, 'repair request failed');
        reply = { ok: false, detail, resent: 0, deleted: 0, changedMeanwhile: 0 };
      }
      if (message.reply) message.respond(JSON.stringify(reply));
    }
  })().catch((error) => log.warn({ err: describeError(error) }, 'repair listener ended'));
  return async () => {
    subscription.unsubscribe();
    await listening;
  };
}
