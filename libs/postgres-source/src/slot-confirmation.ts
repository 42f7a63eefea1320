import type { Position } from '@cdc/change-envelope';

/**
 * What a streaming session may confirm to its replication slot (the flush position of its
 * standby status updates). Confirming a position lets the server recycle the WAL below it, so
 * this is the rule that keeps anything from being lost: the slot confirms what every
 * destination committed, but
 *
 * - not past what this session has streamed: after a restart the committed position can be
 *   ahead of where the slot resumes, and the session (its live backfill) must see that replay
 *   first;
 * - not past the commit of an update whose row a live backfill must still read again (the
 *   `heldAt` callback, LiveBackfill.flushLimit in the reader): that re-read lives only in
 *   memory, and only the replayed update would ask for it again;
 * - never lower than what was already sent: a hold that appears later is a later update's
 *   commit, which is past everything streamed before it, so keeping the sent position loses
 *   nothing.
 *
 * One instance per streaming session: `streamed` starts empty each time.
 */
export class SlotConfirmation {
  private committedLsn = 0n;
  private streamedTo: Position | undefined;
  private sentLsn = -1n;

  /** @param heldAt the lowest commit a pending re-read still needs replayed, if any. */
  constructor(private readonly heldAt: () => bigint | undefined) {}

  /** What every destination has committed, as far as this session has read it. */
  get committed(): bigint {
    return this.committedLsn;
  }

  /** The newest position such that every change at or below it has been queued for publishing. */
  get streamed(): Position | undefined {
    return this.streamedTo;
  }

  /** The committed position read from the progress store; it never moves backwards. */
  commit(lsn: bigint): void {
    if (lsn > this.committedLsn) this.committedLsn = lsn;
  }

  /** A transaction was handed over for publishing: everything up to its commit is streamed. */
  handOver(position: Position): void {
    this.streamedTo = position;
  }

  /** A keepalive between transactions: nothing below the server's WAL end is left to stream. */
  idle(walEnd: bigint): void {
    if (!this.streamedTo || walEnd > this.streamedTo.commit) this.streamedTo = { commit: walEnd, index: 0 };
  }

  /** The flush position to send now. */
  position(): bigint {
    let flush = this.committedLsn;
    const streamed = this.streamedTo?.commit ?? 0n;
    if (streamed < flush) flush = streamed;
    const held = this.heldAt();
    if (held !== undefined && held < flush) flush = held;
    return flush > this.sentLsn ? flush : this.sentLsn;
  }

  /** Records a position the server was sent (only once the status update went out). */
  sent(flush: bigint): void {
    this.sentLsn = flush;
  }

  /** Whether position() differs from what was last sent: a status update has news. */
  get changed(): boolean {
    return this.position() !== this.sentLsn;
  }
}
