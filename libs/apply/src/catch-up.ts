import { storedBatch, type ReceivedBatch } from '@cdc/change-stream';
import type { PartitionApplierOptions } from './partition-contract';

// After a restart or a takeover: what the partition's previous owner received but never
// acknowledged is applied before anything newer (the checkpoint skips what it did commit).

/** How many stored messages a catch-up batch reads at most (each at most ~1 MB of ops). */
const CATCH_UP_MESSAGES = 8;

/**
 * A partition just taken over: the messages its previous owner had pulled but not applied
 * (prefetched, or in a batch it was killed in) stay unacked, and the consumer redelivers them
 * only after ack_wait. When nothing new arrives meanwhile (the tail of a backlog), the
 * partition would stand still that long. So the new owner first applies (`handle`), straight
 * from the stream, what lies between its checkpoint and the consumer's highest delivered
 * sequence; when the consumer redelivers those messages later, the checkpoint skips them.
 */
export async function catchUpDelivered(
  options: Pick<PartitionApplierOptions, 'batches' | 'sink' | 'source' | 'partition' | 'log' | 'signal'>,
  handle: (batch: ReceivedBatch) => Promise<'aborted' | undefined>,
): Promise<'aborted' | undefined> {
  if (!options.batches.deliveryState) return undefined;
  const { delivered, ackFloor } = await options.batches.deliveryState();
  const checkpoint = await options.sink.readCheckpoint(options.source, options.partition);
  // Acked means committed; the checkpoint can lag the ack floor (a batch of watermarks only
  // writes none), so start after whichever is further.
  let from = Math.max(checkpoint?.streamSeq ?? 0, ackFloor) + 1;
  if (from > delivered) return undefined;
  options.log.info(
    { partition: options.partition, fromSeq: from, throughSeq: delivered },
    'applying messages delivered to a previous owner but not acknowledged',
  );
  while (from <= delivered && !options.signal.aborted) {
    const stored = await options.batches.readStored(from, delivered + 1, CATCH_UP_MESSAGES);
    const next = stored.nextSeq ?? delivered + 1;
    // Every message of the partition below `next` is in this batch.
    const batch = storedBatch(stored, from, next - 1);
    if (stored.messages > 0 && (await handle(batch)) === 'aborted') return 'aborted';
    if (next <= from) break; // cannot happen (a read moves on), but never loop in place
    from = next;
  }
  return options.signal.aborted ? 'aborted' : undefined;
}

/**
 * Puts the partition's messages between the checkpoint and this batch in front of it (see
 * BatchSource.readStored): JetStream delivers new messages before it redelivers those a dead
 * instance had not acked.
 */
export async function withEarlierStored(
  batch: ReceivedBatch,
  options: Pick<PartitionApplierOptions, 'batches' | 'sink' | 'source' | 'partition' | 'log'>,
): Promise<ReceivedBatch> {
  const checkpoint = await options.sink.readCheckpoint(options.source, options.partition);
  const from = (checkpoint?.streamSeq ?? 0) + 1;
  if (batch.firstStreamSeq <= from) return batch;
  const earlier = await options.batches.readStored(from, batch.firstStreamSeq);
  if (earlier.messages === 0) return batch;
  options.log.info(
    { partition: options.partition, fromSeq: from, beforeSeq: batch.firstStreamSeq, messages: earlier.messages },
    'applying unacknowledged messages from before the first delivery first',
  );
  const watermark =
    batch.watermark && (!earlier.watermark || batch.watermark.seq > earlier.watermark.seq)
      ? batch.watermark
      : earlier.watermark;
  const opStreamSeqs =
    earlier.opStreamSeqs && batch.opStreamSeqs ? [...earlier.opStreamSeqs, ...batch.opStreamSeqs] : undefined;
  return {
    ...batch,
    ops: [...earlier.ops, ...batch.ops],
    // Plain ops held by the merged batch: the delivered batch's counts and release no longer describe it.
    opStats: undefined,
    releaseOps: undefined,
    opStreamSeqs,
    watermark,
    messages: batch.messages + earlier.messages,
    firstStreamSeq: from,
  };
}
