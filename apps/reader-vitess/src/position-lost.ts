import type { VitessSourceConfig } from '@cdc/config';
import { formatVgtid, type VStreamError, type binlogdata } from '@cdc/vitess-source';

/**
 * How long the reader keeps asking for a position the shard's binlog no longer holds (error
 * 1236) before it stops. Not at once: right after a reparent or a restart vtgate may ask a
 * tablet that has not got the position yet while another has it.
 */
export const POSITION_LOST_PATIENCE_MS = 120_000;

/** The binlog no longer holds the position to resume from: retrying cannot bring the changes back. */
export class PositionLostError extends Error {
  override name = 'PositionLostError';
}

/**
 * Counts how long vtgate has refused the position as lost, with no event streamed in between:
 * `refused` says when to give up, `streamed` starts over.
 */
export class PositionLostWatch {
  private since: number | undefined;

  constructor(private readonly patienceMs = POSITION_LOST_PATIENCE_MS) {}

  /** One more refusal at `now`; true when refusals have lasted the whole patience. */
  refused(now = Date.now()): boolean {
    this.since ??= now;
    return now - this.since >= this.patienceMs;
  }

  streamed(): void {
    this.since = undefined;
  }
}

/** One line: which position, why it is gone, what the operator does now. */
export function positionLost(
  source: VitessSourceConfig,
  vgtid: binlogdata.IVGtid,
  error: VStreamError,
  patienceMs = POSITION_LOST_PATIENCE_MS,
): PositionLostError {
  return new PositionLostError(
    `source ${source.name}: the binlog no longer holds the position to resume from (${formatVgtid(vgtid)}): ` +
      `it was purged (binlog_expire_logs_seconds, PURGE BINARY LOGS) or lost in a crash of a server without ` +
      `sync_binlog=1, so the changes after it cannot be streamed and the destination lacks them. vtgate refused ` +
      `it for ${Math.round(patienceMs / 1000)} s; retrying cannot help: re-copy the keyspace's tables as ` +
      `apps/reader-vitess/README.md describes ("Recovering from a lost position") (vtgate: ${error.message})`,
    { cause: error },
  );
}
