import type { NatsConnection } from '@nats-io/nats-core';

/**
 * Core NATS subject for "read your config again" (`cdc reload`). Outside the `cdc.>` space,
 * so no source's stream can capture it, and never persisted: a service that is down reads
 * its config at start anyway.
 */
export const RELOAD_SUBJECT = '_CDC.control.reload';

export interface ReloadRequest {
  /** Only this source's reader reloads; absent: every service that listens. */
  readonly source?: string;
}

export interface ReloadReply {
  readonly service: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Asks every listening service to reload and collects their replies for `waitMs` (there may be
 * any number of them, so this is a publish with a reply inbox, not a request).
 */
export async function requestReload(
  nc: NatsConnection,
  request: ReloadRequest,
  waitMs: number,
): Promise<ReloadReply[]> {
  const inbox = `_INBOX.reload.${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  const replies: ReloadReply[] = [];
  const subscription = nc.subscribe(inbox);
  const collecting = (async () => {
    for await (const message of subscription) {
      try {
        replies.push(message.json<ReloadReply>());
      } catch {
        // Not a reply of ours.
      }
    }
  })();
  nc.publish(RELOAD_SUBJECT, JSON.stringify(request), { reply: inbox });
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  subscription.unsubscribe();
  await collecting;
  return replies;
}
