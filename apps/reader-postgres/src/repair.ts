import type { NatsConnection } from '@nats-io/nats-core';
import { describeError, type Logger } from '@cdc/service-runtime';
import { repairSubject, type RepairReply, type RepairRequest } from '@cdc/verify';
import type { LiveBackfill } from './live-backfill';

/**
 * Answers `cdc verify --repair` (repairSubject): the keys are sent again through this
 * reader's stream by the live backfill (LiveBackfill.repair), one request at a time.
 */
export function listenForRepairs(
  nc: NatsConnection,
  source: string,
  backfill: LiveBackfill,
  log: Logger,
): () => Promise<void> {
  const subscription = nc.subscribe(repairSubject(source));
  const listening = (async () => {
    for await (const message of subscription) {
      let reply: RepairReply;
      try {
        const request = message.json<RepairRequest>();
        const outcome = await backfill.repair(request.schema, request.table, request.keys);
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
