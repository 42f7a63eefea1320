import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { HEADER_KIND, decodeBatch, partitionSubject, streamName } from '@cdc/change-envelope';
import { consumerName } from './stream-setup';

/** What a destination has not applied yet of one source partition. */
export interface PartitionBacklog {
  /** Messages stored but not delivered yet to the destination's consumer. */
  readonly pendingMessages: number;
  /** Messages delivered but not acknowledged (a batch being applied, or a stopped partition). */
  readonly unackedMessages: number;
  /**
   * Source commit time (ms since the epoch) of the oldest op not yet applied, or null when
   * nothing is waiting. Under steady load it is what end-to-end lag means for this partition.
   */
  readonly oldestUnappliedCommitMs: number | null;
}

/** How many messages past the ack floor are inspected to find a data message (watermarks carry no commit time). */
const MESSAGES_INSPECTED = 8;

/**
 * Reads a partition's backlog for one destination from its durable consumer: the counters
 * from the consumer's info, and the oldest unapplied commit time from the first data message
 * after the ack floor (every message at or below the floor is applied: appliers ack only
 * after the destination commit). Returns null when the consumer does not exist yet.
 */
export async function readPartitionBacklog(
  jsm: JetStreamManager,
  source: string,
  destination: string,
  partition: number,
): Promise<PartitionBacklog | null> {
  const stream = streamName(source);
  let info;
  try {
    info = await jsm.consumers.info(stream, consumerName(destination, partition));
  } catch {
    return null;
  }
  const pendingMessages = info.num_pending;
  const unackedMessages = info.num_ack_pending;
  if (pendingMessages + unackedMessages === 0)
    return { pendingMessages, unackedMessages, oldestUnappliedCommitMs: null };
  const subject = partitionSubject(source, partition);
  let seq = info.ack_floor.stream_seq + 1;
  let firstStoredMs: number | null = null;
  for (let inspected = 0; inspected < MESSAGES_INSPECTED; inspected += 1) {
    let stored: StoredMsg | null;
    try {
      stored = await jsm.direct.getMessage(stream, { seq, next_by_subj: subject });
    } catch {
      break; // no message at or after seq (purged, or the floor moved meanwhile)
    }
    if (!stored) break;
    firstStoredMs ??= stored.time.getTime();
    if (stored.header.get(HEADER_KIND) === 'data') {
      try {
        const ops = decodeBatch(stored.data).ops;
        const commitUs = ops.length > 0 ? ops[0].commitTimeUs : 0;
        if (commitUs > 0)
          return { pendingMessages, unackedMessages, oldestUnappliedCommitMs: Math.floor(commitUs / 1000) };
      } catch {
        // undecodable: its stored time below is the best estimate
      }
      break;
    }
    seq = stored.seq + 1;
  }
  // Only watermarks waiting (or a message without a commit time): when they were stored is the bound.
  return { pendingMessages, unackedMessages, oldestUnappliedCommitMs: firstStoredMs };
}
