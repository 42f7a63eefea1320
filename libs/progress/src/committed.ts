import type { Position } from '@cdc/change-envelope';

/** What one applier has committed for one partition of one source, as a watermark. */
export interface PartitionProgress {
  readonly source: string;
  readonly destination: string;
  readonly partition: number;
  readonly seq: number;
  readonly position: Position;
  /** When the applier committed it (ms since epoch). */
  readonly appliedAtMs: number;
  /** Stream sequence of the last message the applier acked. */
  readonly lastStreamSeq: number;
}

export interface CommittedPosition {
  readonly source: string;
  readonly seq: number;
  readonly position: Position;
  readonly computedAtMs: number;
}

/**
 * The committed position of a source: the lowest watermark that EVERY partition of EVERY
 * destination has committed. A partition without progress yet holds it back entirely.
 * Watermarks are compared by seq only; the position travels with the seq.
 */
export function computeCommitted(
  source: string,
  destinations: readonly string[],
  partitions: number,
  progress: readonly PartitionProgress[],
): CommittedPosition | undefined {
  const byKey = new Map<string, PartitionProgress>();
  for (const entry of progress) {
    if (entry.source === source) byKey.set(`${entry.destination}/${entry.partition}`, entry);
  }
  let lowest: PartitionProgress | undefined;
  for (const destination of destinations) {
    for (let partition = 0; partition < partitions; partition += 1) {
      const entry = byKey.get(`${destination}/${partition}`);
      if (!entry) return undefined;
      if (!lowest || entry.seq < lowest.seq) lowest = entry;
    }
  }
  if (!lowest) return undefined;
  return { source, seq: lowest.seq, position: lowest.position, computedAtMs: Date.now() };
}
