import { randomUUID } from 'node:crypto';
import { changedKeyTexts, settleRead, type ChangeOp, type TableSchema, type Value } from '@cdc/change-envelope';
import type { ChangePublisher } from '@cdc/change-stream';
import {
  emitBackfillMarker,
  formatLsn,
  markerCommit,
  type KeyChunk,
  type RelationState,
  type SnapshotXids,
} from '@cdc/postgres-source';
import type { Logger } from '@cdc/service-runtime';
import type { Client } from 'pg';
import { addRefetch, isPartialUpdate, type Entry, type Refetch } from './pending-backfill';
import type { RecentCommits } from './recent-commits';

export class SessionEnded extends Error {}

export interface Session {
  readonly publisher: ChangePublisher;
  current: Chunk | undefined;
}

/** One chunk between its LOW and HIGH markers. */
export class Chunk {
  readonly id = randomUUID();
  collecting = false;
  /** A truncate of the table, or any change of a keyless table, between the markers: the chunk is void. */
  conflicted = false;
  readonly changedKeys = new Set<string>();
  /**
   * Keys among changedKeys whose new row the stream sent without its unchanged TOAST values,
   * with the earliest such update's commit. Left out of the chunk like the others, but the
   * destination may not hold such a row (the chunk was to bring it), so the update would change
   * nothing there: they are read again.
   */
  readonly partialKeys = new Map<string, bigint>();
  rows: KeyChunk | undefined;
  /** A repair: keys to delete at HIGH when the read did not find them (the source no longer has them). */
  deleteAbsent: ReadonlyArray<readonly Value[]> | undefined;
  /** What a repair chunk published: rows, deletes, keys left to the stream. */
  readonly outcome = { resent: 0, deleted: 0, changedMeanwhile: 0 };
  private seeLow!: () => void;
  /** The stream reached the LOW marker: every transaction committed before it has been delivered. */
  readonly lowSeen = new Promise<void>((resolve) => (this.seeLow = resolve));
  private settle!: { resolve: (published: number) => void; reject: (error: unknown) => void };
  readonly done = new Promise<number>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    readonly relation: RelationState,
    readonly truncateFirst: boolean,
    readonly refetch: Map<string, Refetch>,
  ) {
    this.done.catch(() => undefined);
  }

  matches(table: TableSchema): boolean {
    return table.schema === this.relation.schema.schema && table.table === this.relation.schema.table;
  }

  markLowSeen(): void {
    this.seeLow();
  }

  finish(published: number): void {
    this.settle.resolve(published);
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }

  /**
   * A streamed op, while the chunk collects (between its markers): a change of its table's rows
   * leaves them to the stream; a truncate, or any change of a keyless table, voids the chunk.
   */
  observe(op: ChangeOp): void {
    if (!this.collecting || !this.matches(op.table)) return;
    if (op.kind === 'truncate' || this.relation.keyIndexes.length === 0) {
      this.conflicted = true;
      return;
    }
    // An update may change the key: the new key's row is the stream's too.
    const keys = changedKeyTexts(this.relation.keyIndexes, op);
    for (const key of keys) this.changedKeys.add(key);
    if (op.after && isPartialUpdate(op)) {
      const newKey = keys[keys.length - 1];
      const earlier = this.partialKeys.get(newKey);
      if (earlier === undefined || op.position.commit < earlier) this.partialKeys.set(newKey, op.position.commit);
    }
  }

  /** The stream reached LOW: the chunk collects; a chunk that truncates first publishes the truncate here. */
  onLow(publisher: ChangePublisher, lsn: bigint): void {
    this.collecting = true;
    this.markLowSeen();
    if (!this.truncateFirst) return;
    // Rows the destination holds from before (a table removed and added again) are gone at the
    // source, or come back in a chunk: everything the stream sent before LOW is superseded.
    publisher.add({
      kind: 'truncate',
      table: this.relation.schema,
      key: [],
      position: { commit: markerCommit(lsn), index: 0 },
      commitTimeUs: Date.now() * 1000,
    });
  }

  /** The stream reached HIGH: the rows read, less those the stream changed meanwhile, are published here. */
  async onHigh(publisher: ChangePublisher, lsn: bigint): Promise<void> {
    this.collecting = false;
    const rows = this.rows;
    if (!rows) {
      // Cannot happen: HIGH is written after the read returned. Redo the chunk rather than guess.
      this.fail(new Error(`chunk ${this.id}: HIGH marker at ${formatLsn(lsn)} before its rows were read`));
      return;
    }
    if (this.conflicted) {
      this.finish(-1);
      return;
    }
    const commit = markerCommit(lsn);
    const commitTimeUs = Date.now() * 1000;
    const { relation } = this;
    const settled = settleRead(rows.rows, relation.keyIndexes, this.changedKeys, this.deleteAbsent);
    for (const { key, text } of settled.changedMeanwhile) {
      const partial = this.partialKeys.get(text);
      if (partial !== undefined) addRefetch(this.refetch, text, key, partial);
    }
    this.outcome.changedMeanwhile += settled.changedMeanwhile.length;
    let index = 0;
    for (const after of settled.rows) {
      this.outcome.resent += 1;
      publisher.add({
        kind: 'snapshot-row',
        table: relation.schema,
        key: relation.keyIndexes.map((i) => after[i]),
        after,
        position: { commit, index: index++ },
        commitTimeUs,
      });
      if (publisher.full) await publisher.waitForCapacity();
    }
    for (const key of settled.absent) {
      publisher.add({
        kind: 'delete',
        table: relation.schema,
        key,
        position: { commit, index: index++ },
        commitTimeUs,
      });
      this.outcome.deleted += 1;
      if (publisher.full) await publisher.waitForCapacity();
    }
    this.finish(index);
  }
}

/** What reading a chunk needs of its backfill: the transactions the stream delivered, and the log. */
export interface ChunkContext {
  readonly recentCommits: RecentCommits;
  readonly log: Logger;
}

/**
 * One chunk between LOW and HIGH markers: `read` runs after the stream passed LOW; the rows are
 * published at HIGH. Resolves to the rows read and how many were published (-1: a keyless
 * table changed meanwhile, read it again).
 */
export async function readChunk(
  context: ChunkContext,
  client: Client,
  session: Session,
  entry: Entry,
  relation: RelationState,
  truncateFirst: boolean,
  read: (invisibleDelivered: (snapshot: SnapshotXids) => number[]) => Promise<KeyChunk & { retries: number }>,
  deleteAbsent?: ReadonlyArray<readonly Value[]>,
): Promise<{ rows: KeyChunk; published: number; chunk: Chunk }> {
  const chunk = new Chunk(relation, truncateFirst, entry.refetch);
  chunk.deleteAbsent = deleteAbsent;
  session.current = chunk;
  try {
    await emitBackfillMarker(client, { id: chunk.id, phase: 'low' });
    await Promise.race([chunk.lowSeen, chunk.done]);
    const rows = await read((snapshot) => context.recentCommits.invisibleIn(snapshot));
    chunk.rows = rows;
    if (rows.retries > 0)
      context.log.debug(
        { table: `${entry.schema}.${entry.table}`, retries: rows.retries },
        'chunk snapshot retaken: commits still becoming visible',
      );
    await emitBackfillMarker(client, { id: chunk.id, phase: 'high' });
    return { rows, published: await chunk.done, chunk };
  } finally {
    if (session.current === chunk) session.current = undefined;
  }
}
