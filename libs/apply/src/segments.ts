import type { ChangeOp } from '@cdc/change-envelope';

/**
 * Writes a batch's ops as consecutive segments of about `segmentRows` rows, planning each
 * segment (the applier's work: folding, building statements or load data) while the
 * destination still executes the one before. Planning and executing alternate otherwise, so
 * on a partition of one busy table the applier and the destination each sat idle half the time.
 *
 * Same result as one segment: segments are contiguous runs in source order, each folded alone
 * and executed after the one before (folding less only writes more rows). A failure while
 * planning waits for the segment in flight before it is thrown, so the caller's rollback never
 * overtakes a statement.
 */
export async function writeInSegments<Planned>(
  ops: readonly ChangeOp[],
  segmentRows: number,
  plan: (segment: readonly ChangeOp[]) => Planned,
  execute: (planned: Planned) => Promise<void>,
): Promise<void> {
  let running: Promise<void> | undefined;
  try {
    for (let from = 0; from < ops.length;) {
      let to = from;
      for (let rows = 0; to < ops.length && rows < segmentRows; to += 1) rows += ops[to].rows ?? 1;
      const planned = plan(from === 0 && to === ops.length ? ops : ops.slice(from, to));
      from = to;
      if (running !== undefined) await running;
      running = execute(planned);
      // Observed by the await above or below; until then a rejection must not count as unhandled.
      running.catch(() => undefined);
    }
  } catch (error) {
    await running?.catch(() => undefined);
    throw error;
  }
  await running;
}
