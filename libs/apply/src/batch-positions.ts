import { comparePositions, type ChangeOp, type Position } from '@cdc/change-envelope';
import type { ReceivedBatch } from '@cdc/change-stream';

// Where ops of a received batch sit: in the stream (the checkpoint's stream sequence) and in
// the source (positions), shared by the barrier and dead-letter rules.

/** The batch's op count, without decoding its ops again when the consumer counted them. */
export function opCount(batch: ReceivedBatch): number {
  return batch.opStats?.count ?? batch.ops.length;
}

/** The checkpoint's stream sequence once ops[0..end) are applied: only whole messages count as applied. */
export function streamSeqAfterOps(batch: ReceivedBatch, end: number): number {
  const seqs = batch.opStreamSeqs;
  if (end >= opCount(batch)) return batch.lastStreamSeq;
  if (end === 0 || !seqs) return batch.firstStreamSeq - 1;
  return seqs[end] > seqs[end - 1] ? seqs[end - 1] : seqs[end - 1] - 1;
}

export function samePosition(a: Position, b: Position): boolean {
  return (a.lane ?? '') === (b.lane ?? '') && comparePositions(a, b) === 0;
}

/**
 * Takes an op's place in its batch (a dead-lettered op, or a barrier op another partition
 * applies): no sink writes a ddl op (DDL reaches a destination through schema evolution), but
 * its position moves the checkpoint past the op.
 */
export function passOver(op: ChangeOp, position: Position = op.position): ChangeOp {
  return { kind: 'ddl', table: op.table, key: [], position, commitTimeUs: op.commitTimeUs, ddl: '' };
}
