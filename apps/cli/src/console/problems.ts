import type { SourceStatus } from '../status';

export interface Problem {
  readonly severity: 'error' | 'warning';
  /** Which part of the pipeline: `source shop`, `destination replica`, `nats`. */
  readonly where: string;
  readonly text: string;
}

export interface DestinationDeadLetters {
  readonly destination: string;
  readonly count: number | null;
  readonly lastError: string | null;
}

/** A change older than this waiting at a destination is shown as a problem. */
export const STALE_SECONDS = 30;

/**
 * What is wrong now, from the same state `cdc status` shows: a source the console cannot read,
 * a reader not streaming, partitions no applier owns (an applier stopped), changes waiting too
 * long, dead letters.
 */
export function findProblems(
  statuses: readonly SourceStatus[],
  deadLetters: readonly DestinationDeadLetters[],
): Problem[] {
  const problems: Problem[] = [];
  for (const status of statuses) {
    const where = `source ${status.source}`;
    if (status.sourceError)
      problems.push({ severity: 'error', where, text: `cannot read the source: ${status.sourceError}` });
    else if (status.type === 'postgres' && status.slot === null)
      problems.push({ severity: 'warning', where, text: 'no replication slot yet: has its reader started?' });
    else if (status.type === 'postgres' && status.slot && !status.slot.active)
      problems.push({
        severity: 'error',
        where,
        text: `slot ${status.slot.name} is inactive: no reader is streaming (lag ${status.slot.lagBytes ?? '?'} bytes and growing with every write)`,
      });
    // Near max_slot_wal_keep_size (warning) or invalidated by the server (error: a new snapshot is the way on).
    if (status.type === 'postgres' && status.slot?.problem)
      problems.push({
        severity: status.slot.invalidated ? 'error' : 'warning',
        where,
        text: status.slot.problem.replace(`${where}: `, ''),
      });
    const byDestination = new Map<string, SourceStatus['partitions']>();
    for (const partition of status.partitions) {
      const list = byDestination.get(partition.destination) ?? [];
      list.push(partition);
      byDestination.set(partition.destination, list);
    }
    for (const [destination, partitions] of byDestination) {
      const dwhere = `destination ${destination}`;
      const live = status.appliers.filter((a) => a.destination === destination).length;
      const unowned = partitions.filter((p) => p.owner === null);
      if (live === 0)
        problems.push({
          severity: 'error',
          where: dwhere,
          text: `no applier is running: ${partitions.length} partitions of ${status.source} are not applied`,
        });
      else if (unowned.length > 0)
        problems.push({
          severity: 'error',
          where: dwhere,
          text: `no applier owns partitions ${unowned.map((p) => `p${p.partition}`).join(', ')} of ${status.source}`,
        });
      const stale = partitions.filter((p) => (p.oldestUnappliedAgeSeconds ?? 0) > STALE_SECONDS);
      if (stale.length > 0) {
        const oldest = Math.max(...stale.map((p) => p.oldestUnappliedAgeSeconds ?? 0));
        problems.push({
          severity: 'warning',
          where: dwhere,
          text: `${stale.length} partitions of ${status.source} have changes waiting longer than ${STALE_SECONDS} s (oldest ${Math.round(oldest)} s)`,
        });
      }
    }
  }
  for (const { destination, count, lastError } of deadLetters) {
    if (count)
      problems.push({
        severity: 'warning',
        where: `destination ${destination}`,
        text: `${count} dead letters (cdc dlq list)${lastError ? `; last: ${lastError}` : ''}`,
      });
  }
  return problems;
}
