import { comparePositions, type ChangeOp, type Position } from '@cdc/change-envelope';
import type { Checkpoint } from './sink';

/**
 * The ops a destination has not applied yet, in order. A batch can hold the same ops twice
 * (a reader that restarted re-publishes what it read since the committed position, cut into
 * different messages), so each op must be newer than the checkpoint AND than every op kept
 * before it.
 */
export function opsAfterCheckpoint(ops: readonly ChangeOp[], checkpoint: Checkpoint | undefined): ChangeOp[] {
  let highest: Position | undefined = checkpoint?.position;
  const pending: ChangeOp[] = [];
  for (const op of ops) {
    if (highest === undefined || comparePositions(op.position, highest) > 0) {
      pending.push(op);
      highest = op.position;
    }
  }
  return pending;
}
