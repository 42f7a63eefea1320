import { comparePositions, expandRows, lastPositionOf, type ChangeOp, type Position } from '@cdc/change-envelope';
import type { Checkpoint } from './sink';

export interface FilteredOps {
  /** The ops to apply, in order. */
  readonly pending: ChangeOp[];
  /** Per lane, the highest position applied once `pending` is: what the checkpoint stores next. */
  readonly lanes: Map<string, Position>;
}

/**
 * The ops a destination has not applied yet, in order. A batch can hold the same ops twice
 * (a reader that restarted re-publishes what it read since the committed position, cut into
 * different messages), so each op must be newer than the checkpoint AND than every op kept
 * before it in its lane.
 *
 * Positions compare only within a lane (one per Vitess shard; Postgres has the one lane '').
 * A Vitess copy-phase row is a full image read at its shard position, and a copy resumed after
 * a crash re-reads rows at a newer snapshot with different row counters; so on a named lane a
 * snapshot row is applied when its commit is not older than the lane's checkpoint, whatever its
 * index (re-writing the image of that moment is idempotent and never goes backwards). Postgres
 * snapshot rows keep the strict rule: a Postgres snapshot is re-read only from scratch.
 *
 * A 'rows' op (a snapshot chunk) spans one position per row, from its own to lastPositionOf:
 * it is newer when its last row is, and when the checkpoint lies inside it only the rows past
 * the checkpoint are kept.
 */
export function filterAfterCheckpoint(ops: readonly ChangeOp[], checkpoint: Checkpoint | undefined): FilteredOps {
  const lanes = new Map<string, Position>(checkpoint?.lanes ?? []);
  const pending: ChangeOp[] = [];
  const keep = (op: ChangeOp) => {
    const lane = op.position.lane ?? '';
    const highest = lanes.get(lane);
    const last = lastPositionOf(op);
    if (highest !== undefined && !isNewer(op, last, lane, highest)) return;
    // A chunk partly applied already (dead letters were set aside from it): only its rows past the checkpoint.
    if (highest !== undefined && op.kind === 'rows' && lane === '' && comparePositions(op.position, highest) <= 0) {
      for (const row of expandRows(op)) keep(row);
      return;
    }
    pending.push(op);
    if (highest === undefined || comparePositions(last, highest) > 0) lanes.set(lane, last);
  };
  for (const op of ops) keep(op);
  return { pending, lanes };
}

function isNewer(op: ChangeOp, last: Position, lane: string, highest: Position): boolean {
  if (comparePositions(last, highest) > 0) return true;
  return lane !== '' && (op.kind === 'snapshot-row' || op.kind === 'rows') && op.position.commit >= highest.commit;
}

/** The ops of `ops` a destination at `checkpoint` has not applied yet (see filterAfterCheckpoint). */
export function opsAfterCheckpoint(ops: readonly ChangeOp[], checkpoint: Checkpoint | undefined): ChangeOp[] {
  return filterAfterCheckpoint(ops, checkpoint).pending;
}

/**
 * The lanes of a checkpoint as stored by sinks: one text column, `{"<lane>":"<commit>:<index>"}`,
 * readable by an operator and the same for every destination engine.
 */
export function encodeCheckpointLanes(lanes: ReadonlyMap<string, Position>): string {
  const entries: Record<string, string> = {};
  for (const [lane, position] of [...lanes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    entries[lane] = `${position.commit}:${position.index}`;
  }
  return JSON.stringify(entries);
}

export function decodeCheckpointLanes(text: string): Map<string, Position> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`checkpoint positions are not valid JSON: ${text.slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`checkpoint positions must be a JSON object: ${text.slice(0, 200)}`);
  }
  const lanes = new Map<string, Position>();
  for (const [lane, value] of Object.entries(parsed)) {
    const match = typeof value === 'string' ? /^(\d+):(\d+)$/.exec(value) : null;
    if (match === null) throw new Error(`checkpoint position of lane "${lane}" is not "<commit>:<index>": ${value}`);
    const position = { commit: BigInt(match[1]), index: Number(match[2]) };
    lanes.set(lane, lane === '' ? position : { ...position, lane });
  }
  return lanes;
}

/** A checkpoint row as every sink stores it: the stream sequence and the lanes' positions as text. */
export interface CheckpointRow {
  readonly stream_seq: string | null;
  readonly positions: string | null;
}

/** The checkpoint a stored row holds; undefined for no row, or a row not written yet (no positions). */
export function checkpointOfRow(row: CheckpointRow | undefined): Checkpoint | undefined {
  if (row === undefined || row.positions === null) return undefined;
  return { streamSeq: Number(row.stream_seq ?? 0), lanes: decodeCheckpointLanes(row.positions) };
}
