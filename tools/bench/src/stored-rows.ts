// Rows a reader got stored in JetStream, counted in the stream itself: a row counts once the
// server stored its message (the PubAck), not when the reader handed it to its publisher.
import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { decodeBatchSummary, HEADER_KIND, sourceSubjects, streamName, type BatchSummary } from '@cdc/change-envelope';

const COUNTER = 'bench_stored_rows';

/** Rows of one table in a change batch (a multi-row op counts its rows). */
export function rowsOfTable(summary: Pick<BatchSummary, 'counts'>, table: string): number {
  return summary.counts.reduce((sum, c) => (c.table === table ? sum + c.count : sum), 0);
}

/**
 * A consumer that sees every message of a source's stream. Create it before the reader
 * publishes: the stream has interest retention, and this consumer (no acks) holds each message
 * until it has read it, so none is deleted unseen once the appliers acked it.
 */
export async function storedRowCounter(
  jsm: JetStreamManager,
  js: JetStreamClient,
  source: string,
): Promise<{
  /** Reads until `want` rows of `table` are stored; then when the message completing them was stored (ms since epoch). */
  until(table: string, want: number): Promise<{ rows: number; storedAt: number; messages: number }>;
  remove(): Promise<void>;
}> {
  const stream = streamName(source);
  await jsm.consumers.add(stream, {
    durable_name: COUNTER,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: sourceSubjects(source),
  });
  return {
    async until(table, want) {
      const messages = await (await js.consumers.get(stream, COUNTER)).consume();
      let rows = 0;
      let count = 0;
      let storedAt = NaN;
      for await (const message of messages) {
        if (message.headers?.get(HEADER_KIND) !== 'data') continue;
        count += 1;
        rows += rowsOfTable(decodeBatchSummary(message.data), table);
        if (rows >= want) {
          storedAt = Number(message.timestampNanos / 1_000_000n);
          break; // ends the iteration; close() waits for that
        }
      }
      await messages.close();
      if (Number.isNaN(storedAt))
        throw new Error(`the stream ${stream} ended after ${rows} of ${want} rows of ${table}`);
      return { rows, storedAt, messages: count };
    },
    async remove() {
      await jsm.consumers.delete(stream, COUNTER).catch(() => undefined);
    },
  };
}
