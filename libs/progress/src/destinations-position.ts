import type { JetStreamManager } from '@nats-io/jetstream';
import { readPublishedPosition } from '@cdc/change-stream';
import type { ProgressStore } from './progress-store';

/**
 * The highest position the destinations of a source hold or will hold: what they applied
 * (their progress records, the committed position) and what waits for them in the stream (a
 * failover comes while the appliers still apply what the old primary sent). A server the reader
 * moves to must have all of it. Undefined: nothing published, applied or committed yet.
 */
export async function readDestinationsPosition(
  progress: ProgressStore,
  jsm: JetStreamManager,
  source: { readonly name: string; readonly partitions: number },
  destinations: readonly string[],
): Promise<bigint | undefined> {
  let highest = await readPublishedPosition(jsm, source.name, source.partitions);
  const committed = (await progress.readCommitted(source.name))?.position.commit;
  const applied = (await progress.readProgress(source.name))
    .filter((entry) => destinations.includes(entry.destination))
    .map((entry) => entry.position.commit);
  for (const position of [committed, ...applied])
    if (position !== undefined && (highest === undefined || position > highest)) highest = position;
  return highest;
}
