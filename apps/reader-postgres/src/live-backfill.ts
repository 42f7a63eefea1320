import { randomUUID } from 'node:crypto';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import type { ChangePublisher } from '@cdc/change-stream';
import {
  BACKFILL_MESSAGE_PREFIX,
  SESSION_OPTIONS,
  SourceCatalog,
  decodeBackfillMarker,
  describeSourceTable,
  emitBackfillMarker,
  formatLsn,
  keyText,
  listCandidateTables,
  markerCommit,
  readKeyChunk,
  type KeyChunk,
  type SourceTable,
} from '@cdc/postgres-source';
import type { RelationState } from '@cdc/postgres-source';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';

/** A table that still needs (part of) its backfill; persisted with the reader's snapshot state. */
export interface PendingBackfill {
  readonly schema: string;
  readonly table: string;
  /** Key of the last row published, as text; absent until the first chunk is stored. */
  lastKey?: Array<string | null>;
}

export interface LiveBackfillOptions {
  readonly source: string;
  readonly url: string;
  readonly chunkRows: number;
  readonly initial: readonly PendingBackfill[];
  readonly persist: (pending: readonly PendingBackfill[]) => Promise<void>;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** What a streaming session passes through to the backfill: its ops and its logical messages. */
export interface BackfillHooks {
  op(op: ChangeOp): void;
  message(prefix: string, content: Uint8Array, lsn: bigint): Promise<void> | void;
}

/** A keyless table whose chunk kept meeting changes: give up with a clear error after this many tries. */
const KEYLESS_ATTEMPTS = 20;

class SessionEnded extends Error {}

interface Session {
  readonly publisher: ChangePublisher;
  current: Chunk | undefined;
}

/** One chunk between its LOW and HIGH markers. */
class Chunk {
  readonly id = randomUUID();
  collecting = false;
  /** A truncate of the table, or any change of a keyless table, between the markers: the chunk is void. */
  conflicted = false;
  readonly changedKeys = new Set<string>();
  rows: KeyChunk | undefined;
  private settle!: { resolve: (published: number) => void; reject: (error: unknown) => void };
  readonly done = new Promise<number>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(
    readonly relation: RelationState,
    readonly truncateFirst: boolean,
  ) {
    this.done.catch(() => undefined);
  }

  matches(table: TableSchema): boolean {
    return table.schema === this.relation.schema.schema && table.table === this.relation.schema.table;
  }

  finish(published: number): void {
    this.settle.resolve(published);
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }
}

/**
 * Backfills tables added to the publication while the stream keeps flowing (see
 * libs/postgres-source/src/backfill.ts for the watermark protocol). One table at a time, in
 * key-ordered chunks; progress (the last key published) survives restarts in the reader's
 * KV state, so a crash costs at most one chunk.
 */
export class LiveBackfill {
  private readonly pending: PendingBackfill[];
  private session: Session | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: LiveBackfillOptions) {
    this.pending = options.initial.map((entry) => ({ ...entry }));
  }

  get pendingTables(): string[] {
    return this.pending.map((entry) => `${entry.schema}.${entry.table}`);
  }

  /** Records tables as needing a backfill (before they join the publication). */
  async enqueue(tables: ReadonlyArray<Pick<SourceTable, 'schema' | 'table'>>): Promise<void> {
    for (const table of tables) {
      if (!this.pending.some((entry) => entry.schema === table.schema && entry.table === table.table))
        this.pending.push({ schema: table.schema, table: table.table });
    }
    await this.options.persist(this.pending);
    this.wake();
  }

  /** Tables that left the publication need no backfill any more. */
  async forget(names: readonly string[]): Promise<void> {
    const before = this.pending.length;
    for (let i = this.pending.length - 1; i >= 0; i -= 1) {
      if (names.includes(`${this.pending[i].schema}.${this.pending[i].table}`)) this.pending.splice(i, 1);
    }
    if (this.pending.length !== before) await this.options.persist(this.pending);
  }

  /** A streaming session starts: the backfill can place markers and publish through it. */
  attach(publisher: ChangePublisher): BackfillHooks {
    const session: Session = { publisher, current: undefined };
    this.session = session;
    this.wake();
    return {
      op: (op) => {
        const chunk = session.current;
        if (!chunk?.collecting || !chunk.matches(op.table)) return;
        if (op.kind === 'truncate' || chunk.relation.keyIndexes.length === 0) {
          chunk.conflicted = true;
          return;
        }
        chunk.changedKeys.add(keyText(op.key));
        // An update may change the key: the new key's row is the stream's too.
        if (op.after) chunk.changedKeys.add(keyText(chunk.relation.keyIndexes.map((i) => op.after![i])));
      },
      message: (prefix, content, lsn) => {
        if (prefix !== BACKFILL_MESSAGE_PREFIX) return;
        const marker = decodeBackfillMarker(content);
        const chunk = session.current;
        if (!marker || !chunk || marker.id !== chunk.id) return; // an earlier run's marker, read again
        return marker.phase === 'low' ? this.onLow(session, chunk, lsn) : this.onHigh(session, chunk, lsn);
      },
    };
  }

  /** The session ended (stream lost or stopping): the chunk in flight is read again in the next one. */
  detach(): void {
    const session = this.session;
    this.session = undefined;
    session?.current?.fail(new SessionEnded('streaming session ended'));
  }

  /** Backfills pending tables until the signal stops it. */
  async run(): Promise<void> {
    const { signal, log } = this.options;
    while (!signal.aborted) {
      const session = this.session;
      const next = this.pending[0];
      if (!session || !next) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        continue;
      }
      try {
        await this.backfillTable(next, session);
      } catch (error) {
        if (signal.aborted) return;
        // The stream went away under the chunk (its publisher closed too): the next session redoes it.
        if (error instanceof SessionEnded || this.session !== session) continue;
        log.error(
          { table: `${next.schema}.${next.table}`, err: describeError(error) },
          'live backfill failed; retrying in 5 s',
        );
        await sleep(5_000, signal);
      }
    }
  }

  private wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private async backfillTable(entry: PendingBackfill, session: Session): Promise<void> {
    const { source, log, chunkRows } = this.options;
    const name = `${entry.schema}.${entry.table}`;
    const client = new Client({
      connectionString: this.options.url,
      options: SESSION_OPTIONS,
      application_name: `cdc-backfill-${source}`,
    });
    await client.connect();
    try {
      const table = (await listCandidateTables(client)).find(
        (t) => t.schema === entry.schema && t.table === entry.table,
      );
      if (!table) {
        log.warn({ table: name }, 'table to backfill no longer exists: skipped');
        await this.finishTable(entry);
        return;
      }
      const relation = await describeSourceTable(client, new SourceCatalog(client), table);
      const keyless = relation.keyIndexes.length === 0;
      log.info(
        { table: name, resumeAfterKey: entry.lastKey, keyless },
        entry.lastKey ? `live backfill of ${name} resumes` : `live backfill of ${name} starts`,
      );
      const started = Date.now();
      let rows = 0;
      let conflicts = 0;
      for (;;) {
        if (this.session !== session || this.options.signal.aborted) throw new SessionEnded('session ended');
        const chunk = new Chunk(relation, entry.lastKey === undefined);
        session.current = chunk;
        try {
          await emitBackfillMarker(client, { id: chunk.id, phase: 'low' });
          chunk.rows = await readKeyChunk(
            client,
            relation,
            entry.lastKey,
            keyless ? Number.MAX_SAFE_INTEGER : chunkRows,
          );
          await emitBackfillMarker(client, { id: chunk.id, phase: 'high' });
          const published = await chunk.done;
          if (published < 0) {
            conflicts += 1;
            if (conflicts >= KEYLESS_ATTEMPTS)
              throw new Error(
                `source ${source}: live backfill of ${name} met concurrent changes ${conflicts} times in a row ` +
                  `(a table without a primary key is read in one piece and retried whenever it changes meanwhile); ` +
                  `add a primary key, or add the table while it is quiet`,
              );
            continue;
          }
          conflicts = 0;
          rows += published;
        } finally {
          if (session.current === chunk) session.current = undefined;
        }
        // Stored in JetStream before the progress says so: a crash now repeats at most this chunk.
        await session.publisher.stored();
        const last = chunk.rows.rows.length < chunkRows || keyless || chunk.rows.lastKey === undefined;
        if (last) {
          await this.finishTable(entry);
          const seconds = (Date.now() - started) / 1000;
          log.info(
            { table: name, rows, seconds },
            `live backfill of ${name} done: ${rows} rows in ${seconds.toFixed(1)}s`,
          );
          return;
        }
        entry.lastKey = [...chunk.rows.lastKey!];
        await this.options.persist(this.pending);
        log.info(
          { table: name, rows, rowsPerSecond: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) },
          `live backfill of ${name}: ${rows} rows`,
        );
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async finishTable(entry: PendingBackfill): Promise<void> {
    const index = this.pending.indexOf(entry);
    if (index >= 0) this.pending.splice(index, 1);
    await this.options.persist(this.pending);
  }

  private onLow(session: Session, chunk: Chunk, lsn: bigint): void {
    chunk.collecting = true;
    if (!chunk.truncateFirst) return;
    // Rows the destination holds from before (a table removed and added again) are gone at the
    // source, or come back in a chunk: everything the stream sent before LOW is superseded.
    session.publisher.add({
      kind: 'truncate',
      table: chunk.relation.schema,
      key: [],
      position: { commit: markerCommit(lsn), index: 0 },
      commitTimeUs: Date.now() * 1000,
    });
  }

  private async onHigh(session: Session, chunk: Chunk, lsn: bigint): Promise<void> {
    chunk.collecting = false;
    const rows = chunk.rows;
    if (!rows) {
      // Cannot happen: HIGH is written after the read returned. Redo the chunk rather than guess.
      chunk.fail(new Error(`chunk ${chunk.id}: HIGH marker at ${formatLsn(lsn)} before its rows were read`));
      return;
    }
    if (chunk.conflicted) {
      chunk.finish(-1);
      return;
    }
    const commit = markerCommit(lsn);
    const commitTimeUs = Date.now() * 1000;
    const { relation } = chunk;
    let index = 0;
    for (const after of rows.rows) {
      const key = relation.keyIndexes.map((i) => after[i]);
      if (chunk.changedKeys.size > 0 && chunk.changedKeys.has(keyText(key))) continue;
      session.publisher.add({
        kind: 'snapshot-row',
        table: relation.schema,
        key,
        after,
        position: { commit, index: index++ },
        commitTimeUs,
      });
      if (session.publisher.bufferedOps >= 20_000) await session.publisher.waitForCapacity();
    }
    chunk.finish(index);
  }
}
