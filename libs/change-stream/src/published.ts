import type { JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import {
  HEADER_KIND,
  decodeBatch,
  decodeWatermark,
  lastPositionOf,
  partitionSubject,
  streamName,
} from '@cdc/change-envelope';

/**
 * The highest source position a reader has published to its stream (the last message of each
 * partition: a watermark's position, or a data message's last op), or undefined when nothing is
 * stored. What the destinations will hold once their appliers catch up, whether they have or not.
 */
export async function readPublishedPosition(
  jsm: JetStreamManager,
  source: string,
  partitions: number,
): Promise<bigint | undefined> {
  const stream = streamName(source);
  let highest: bigint | undefined;
  for (let partition = 0; partition < partitions; partition += 1) {
    let stored: StoredMsg | null;
    try {
      stored = await jsm.direct.getMessage(stream, { last_by_subj: partitionSubject(source, partition) });
    } catch (error) {
      // Nothing stored on that subject (never published, or purged): it adds nothing.
      if (/no message found|404/i.test(String((error as Error)?.message ?? error))) continue;
      throw error;
    }
    if (!stored) continue;
    const position =
      stored.header.get(HEADER_KIND) === 'watermark'
        ? decodeWatermark(stored.data).position.commit
        : lastCommitOf(stored.data);
    if (position !== undefined && (highest === undefined || position > highest)) highest = position;
  }
  return highest;
}

function lastCommitOf(data: Uint8Array): bigint | undefined {
  const ops = decodeBatch(data).ops;
  const last = ops.at(-1);
  return last === undefined ? undefined : lastPositionOf(last).commit;
}
