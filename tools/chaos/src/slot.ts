// Samples the slot's confirmed_flush_lsn while faults happen, and checks it never confirms a
// transaction the destination has not durably committed.
import { partitionOf } from '@cdc/change-envelope';
import { bigintToLsn, lsnToBigint, type Query } from './checks';
import type { CommittedTransaction } from './workload';

export interface SlotSamplerOptions {
  readonly source: Query;
  readonly destination: Query;
  readonly slot: string;
  readonly sourceName: string;
  readonly partitions: number;
  /** The workload's committed transactions, in commit order (grows while sampling). */
  readonly committed: readonly CommittedTransaction[];
  readonly intervalMs?: number;
  /** Called after each sample taken, with the running totals (tests wait on it, not on time). */
  readonly onSample?: (samples: SlotSamples) => void;
}

export interface SlotSamples {
  samples: number;
  /** Samples not taken because a server was down. */
  skipped: number;
  readonly violations: string[];
  lastConfirmed?: bigint;
}

/**
 * Two views of "the slot is not ahead of the destination":
 * - txlog: every workload transaction whose commit ended at or before confirmed_flush_lsn has its
 *   txlog row at the destination (the workload read pg_current_wal_lsn() right after each COMMIT,
 *   a position at or after the commit's end, so this never flags a transaction still in flight);
 * - checkpoint: the destination's `_cdc.checkpoint` row of txlog's partition (every transaction
 *   writes a txlog row, so that partition's position is the last applied transaction's commit)
 *   is at or after the previous transaction's recorded position.
 * Also: a partition's checkpoint never moves backwards.
 */
export function startSlotSampler(options: SlotSamplerOptions, signal: AbortSignal): Promise<SlotSamples> {
  const result: SlotSamples = { samples: 0, skipped: 0, violations: [] };
  const txlogPartition = partitionOf('public', 'txlog', options.partitions);
  const lastCheckpoint = new Map<number, { seq: bigint; commit: bigint; index: number }>();
  const note = (message: string) => {
    if (result.violations.length < 50) result.violations.push(message);
  };

  const sample = async () => {
    const [slot] = await options.source(
      'SELECT confirmed_flush_lsn::text AS lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = $1',
      [options.slot],
    );
    if (slot?.lsn === undefined || slot.lsn === null) return false;
    const confirmed = lsnToBigint(String(slot.lsn));
    result.lastConfirmed = confirmed;
    // Snapshot of what had committed before the slot was read: later commits cannot be below it.
    const committed = options.committed.slice();
    // The last recorded transaction at or below the slot, and the one recorded before it.
    let last = -1;
    let previousLsn: bigint | undefined;
    for (let i = committed.length - 1; i >= 0; i -= 1) {
      const lsn = committed[i].lsn;
      if (lsn === undefined) continue;
      if (last < 0) {
        if (lsn <= confirmed) last = i;
      } else {
        previousLsn = lsn;
        break;
      }
    }
    const checkpoints = await options.destination(
      `SELECT partition, stream_seq::text AS seq, positions FROM _cdc.checkpoint WHERE source = $1`,
      [options.sourceName],
    );
    if (last >= 0) {
      const mustHave = committed[last].k;
      const expected = committed.filter((t) => t.k <= mustHave).length;
      const [row] = await options.destination('SELECT count(*)::int AS n FROM public.txlog WHERE k <= $1', [mustHave]);
      const present = Number(row.n);
      if (present < expected) {
        note(
          `slot confirmed ${bigintToLsn(confirmed)} (past transaction ${mustHave}) but only ${present} of the ${expected} transactions up to it were at the destination`,
        );
      }
    }
    for (const row of checkpoints) {
      const partition = Number(row.partition);
      if (row.positions === null) continue;
      const position = (JSON.parse(String(row.positions)) as Record<string, string>)[''];
      if (position === undefined) continue;
      const [commitText, indexText] = position.split(':');
      const now = { seq: BigInt(String(row.seq)), commit: BigInt(commitText), index: Number(indexText) };
      const before = lastCheckpoint.get(partition);
      if (
        before !== undefined &&
        (now.seq < before.seq ||
          now.commit < before.commit ||
          (now.commit === before.commit && now.index < before.index))
      ) {
        note(
          `checkpoint of partition ${partition} went backwards: seq ${before.seq} -> ${now.seq}, position ${bigintToLsn(before.commit)}:${before.index} -> ${bigintToLsn(now.commit)}:${now.index}`,
        );
      }
      lastCheckpoint.set(partition, now);
      if (partition === txlogPartition && previousLsn !== undefined && now.commit < previousLsn) {
        note(
          `slot confirmed ${bigintToLsn(confirmed)} but the checkpoint of txlog's partition ${partition} is at ${bigintToLsn(now.commit)}, before a transaction that committed by ${bigintToLsn(previousLsn)}`,
        );
      }
    }
    return true;
  };

  return (async () => {
    while (!signal.aborted) {
      try {
        if (await sample()) {
          result.samples += 1;
          options.onSample?.(result);
        } else result.skipped += 1;
      } catch {
        // a server is down or restarting
        result.skipped += 1;
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
    return result;
  })();
}
