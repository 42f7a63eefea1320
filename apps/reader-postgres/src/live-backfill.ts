// Past ~400 lines on purpose: its queue, stream hooks and per-table chunk loop share one set of pending
// entries and one session; chunks, repairs and the entries' rules are in their own modules.
import type { ChangeOp } from '@cdc/change-envelope';
import type { ChangePublisher } from '@cdc/change-stream';
import {
  BACKFILL_MESSAGE_PREFIX,
  SESSION_OPTIONS,
  SourceCatalog,
  decodeBackfillMarker,
  describeSourceTable,
  listCandidateTables,
  readKeyChunkConsistent,
  readKeysConsistent,
  type SourceTable,
} from '@cdc/postgres-source';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';
import type { RepairOutcome } from '@cdc/verify';
import { readChunk, SessionEnded, type ChunkContext, type Session } from './backfill-chunk';
import { repairKeys, type RepairJob } from './backfill-repair';
import { isPartitionOf } from './partition-watch';
import {
  addRefetch,
  backfillName,
  newEntry,
  sameBackfill,
  watchKeyChange,
  type BackfillPartition,
  type Entry,
  type PendingBackfill,
} from './pending-backfill';
import { RecentCommits } from './recent-commits';

export interface LiveBackfillOptions {
  readonly source: string;
  readonly url: string;
  readonly publication: string;
  readonly chunkRows: number;
  readonly initial: readonly PendingBackfill[];
  readonly persist: (pending: readonly PendingBackfill[]) => Promise<void>;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** A table's row filter as SQL (the source's `filters`): the backfill reads only matching rows. */
  readonly rowFilterOf?: (schema: string, table: string) => string | undefined;
}

/** What a streaming session passes through to the backfill: its ops, commits and logical messages. */
export interface BackfillHooks {
  op(op: ChangeOp): void;
  commit(xid: number): void;
  message(prefix: string, content: Uint8Array, lsn: bigint): Promise<void> | void;
}

/** A keyless table whose chunk kept meeting changes: give up with a clear error after this many tries. */
const KEYLESS_ATTEMPTS = 20;

/** Reads of Entry.refetch keys after one chunk; rows still changing then wait for the next chunk. */
const REFETCH_ROUNDS = 20;
/** Keys read again in one statement (a mass update could leave more than Postgres takes parameters). */
const REFETCH_KEYS = 1_000;

/**
 * Backfills tables added to the publication while the stream keeps flowing (see
 * libs/postgres-source/src/backfill.ts for the watermark protocol). One table at a time, in
 * key-ordered chunks; progress (the last key published) survives restarts in the reader's
 * KV state, so a crash costs at most one chunk.
 */
export class LiveBackfill {
  private readonly pending: Entry[];
  private session: Session | undefined;
  /** The table being backfilled: its key moves are watched even before its first chunk is stored. */
  private active: Entry | undefined;
  private readonly recentCommits = new RecentCommits(100_000);
  private wakeUp: (() => void) | undefined;
  private readonly repairs: RepairJob[] = [];
  private readonly chunkContext: ChunkContext;

  constructor(private readonly options: LiveBackfillOptions) {
    // Checked against the publication before the first chunk (see Entry.ready).
    this.pending = options.initial.map((entry) => newEntry(entry, true));
    this.chunkContext = { recentCommits: this.recentCommits, log: options.log };
  }

  get pendingTables(): string[] {
    return this.pending.map(backfillName);
  }

  /**
   * The highest flush position the reader may confirm to the slot, or undefined for no limit:
   * the commit of the earliest update whose row is still to be read again and stored. Those
   * keys live in memory only; Postgres replays a transaction after a restart iff its commit
   * record starts at or after the slot's confirmed_flush_lsn, so holding the flush at that
   * commit makes a restarted reader stream the update again, and watchKeyChange records the
   * key again. Nothing needs persisting. The chunk being read counts its partial updates from
   * the moment they stream by, not only from HIGH on: the limit never drops below a position
   * the reader may already have sent.
   */
  flushLimit(): bigint | undefined {
    let limit: bigint | undefined;
    const lower = (commit: bigint) => {
      if (limit === undefined || commit < limit) limit = commit;
    };
    for (const entry of this.pending)
      for (const keys of [entry.refetch, entry.unstored]) for (const { commit } of keys.values()) lower(commit);
    for (const commit of this.session?.current?.partialKeys.values() ?? []) lower(commit);
    return limit;
  }

  /**
   * Sends these rows of a table again (cdc verify --repair), as one chunk between LOW and HIGH
   * markers like a backfill chunk: the rows read are published as snapshot rows at HIGH's
   * place in the stream, keys the read did not find as deletes, and keys the stream changed in
   * between are left to the stream. Resolves once they are stored in JetStream. Keys are the
   * key columns' source text.
   */
  repair(schema: string, table: string, keys: ReadonlyArray<ReadonlyArray<string | null>>): Promise<RepairOutcome> {
    return new Promise<RepairOutcome>((resolve, reject) => {
      this.repairs.push({ schema, table, keys, resolve, reject });
      this.wake();
    });
  }

  /** Records tables as needing a backfill, before they join the publication (see activate). */
  async enqueue(tables: ReadonlyArray<Pick<SourceTable, 'schema' | 'table'>>): Promise<void> {
    for (const table of tables) {
      const entry = newEntry({ schema: table.schema, table: table.table }, false);
      const known = this.pending.findIndex((e) => sameBackfill(e, entry));
      // Still pending yet out of the publication: it left since (dropped and created again, or
      // dropped from the publication by hand) and its changes meanwhile were missed, so it
      // starts over, with the truncate. A new entry also stops a backfill of it in progress.
      if (known >= 0) this.pending[known] = entry;
      else this.pending.push(entry);
    }
    await this.options.persist(this.pending);
  }

  /**
   * Partitions attached with their rows to tables already streamed: their rows are read and
   * published as the partitioned table's. Ready at once (the table is in the publication).
   */
  async enqueuePartitions(
    partitions: ReadonlyArray<{
      readonly root: Pick<SourceTable, 'schema' | 'table'>;
      readonly partition: BackfillPartition;
    }>,
  ): Promise<void> {
    for (const { root, partition } of partitions) {
      const entry = newEntry({ schema: root.schema, table: root.table, partition }, true);
      const known = this.pending.findIndex((e) => sameBackfill(e, entry));
      if (known >= 0) this.pending[known] = entry;
      else this.pending.push(entry);
    }
    await this.options.persist(this.pending);
    this.wake();
  }

  /** The tables joined the publication: their backfill may start. */
  activate(tables: ReadonlyArray<Pick<SourceTable, 'schema' | 'table'>>): void {
    for (const entry of this.pending) {
      if (tables.some((table) => table.schema === entry.schema && table.table === entry.table)) entry.ready = true;
    }
    this.wake();
  }

  /** Tables that left the publication need no backfill any more. */
  async forget(tables: ReadonlyArray<{ readonly schema: string; readonly table: string }>): Promise<void> {
    const before = this.pending.length;
    for (let i = this.pending.length - 1; i >= 0; i -= 1) {
      const { schema, table } = this.pending[i];
      if (tables.some((t) => t.schema === schema && t.table === table)) this.pending.splice(i, 1);
    }
    if (this.pending.length !== before) await this.options.persist(this.pending);
  }

  /** A streaming session starts: the backfill can place markers and publish through it. */
  attach(publisher: ChangePublisher): BackfillHooks {
    const session: Session = { publisher, current: undefined };
    this.session = session;
    this.wake();
    return {
      commit: (xid) => this.recentCommits.add(xid),
      op: (op) => {
        watchKeyChange(this.pending, this.active, op);
        session.current?.observe(op);
      },
      message: (prefix, content, lsn) => {
        if (prefix !== BACKFILL_MESSAGE_PREFIX) return;
        const marker = decodeBackfillMarker(content);
        const chunk = session.current;
        if (!marker || !chunk || marker.id !== chunk.id) return; // an earlier run's marker, read again
        return marker.phase === 'low' ? chunk.onLow(session.publisher, lsn) : chunk.onHigh(session.publisher, lsn);
      },
    };
  }

  /** The session ended (stream lost or stopping): the chunk in flight is read again in the next one. */
  detach(): void {
    const session = this.session;
    this.session = undefined;
    session?.current?.fail(new SessionEnded('streaming session ended'));
  }

  /** Backfills pending tables (and repairs) until the signal stops it. */
  async run(): Promise<void> {
    try {
      await this.runUntilStopped();
    } finally {
      for (const job of this.repairs.splice(0))
        job.reject(new Error(`source ${this.options.source}: the reader is stopping`));
    }
  }

  private async runUntilStopped(): Promise<void> {
    const { signal, log } = this.options;
    while (!signal.aborted) {
      const session = this.session;
      const repair = session ? this.repairs.shift() : undefined;
      if (session && repair) {
        await repairKeys(this.options, this.chunkContext, repair, session).then(repair.resolve, repair.reject);
        continue;
      }
      // A table with keys to read again first: they hold the slot's flush position until then.
      const next =
        this.pending.find((entry) => entry.ready && entry.refetch.size + entry.unstored.size > 0) ??
        this.pending.find((entry) => entry.ready);
      if (!session || !next) {
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          this.wakeUp = () => {
            signal.removeEventListener('abort', stop);
            resolve();
          };
          signal.addEventListener('abort', stop, { once: true });
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

  private async backfillTable(entry: Entry, session: Session): Promise<void> {
    const { source, log, chunkRows } = this.options;
    const name = backfillName(entry);
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
      const member = await client.query(
        'SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3',
        [this.options.publication, entry.schema, entry.table],
      );
      if (member.rows.length === 0) {
        // Recorded before a crash, but the publication never got it: the next reconcile adds it.
        entry.ready = false;
        log.info({ table: name }, 'table to backfill is not in the publication yet: waiting for it to be added');
        return;
      }
      const relation = await describeSourceTable(client, new SourceCatalog(client), table);
      const { partition } = entry;
      // A partition's chunks are read from it with the table's columns; rows read again (refetch)
      // come from the table, wherever the row is now.
      const chunkRelation = partition
        ? { ...relation, schema: { ...relation.schema, schema: partition.schema, table: partition.table } }
        : relation;
      const keyless = relation.keyIndexes.length === 0;
      log.info(
        { table: name, resumeAfterKey: entry.lastKey, keyless },
        entry.lastKey ? `live backfill of ${name} resumes` : `live backfill of ${name} starts`,
      );
      const started = Date.now();
      let rows = 0;
      let conflicts = 0;
      this.active = entry;
      try {
        for (;;) {
          if (this.session !== session || this.options.signal.aborted) throw new SessionEnded('session ended');
          if (!this.pending.includes(entry)) {
            log.info({ table: name, rows }, `live backfill of ${name} stopped: the table left the publication`);
            return;
          }
          // Its rows left the table with it: reading on would publish rows the table no longer has.
          if (partition && !(await isPartitionOf(client, partition.oid, table.relationId))) {
            log.warn({ table: name, rows }, `live backfill of ${name} stopped: the partition left the table`);
            await this.finishTable(entry);
            return;
          }
          const afterKey = entry.lastKey;
          const truncateFirst = afterKey === undefined && !partition;
          const chunk = await readChunk(
            this.chunkContext,
            client,
            session,
            entry,
            relation,
            truncateFirst,
            (invisible) =>
              readKeyChunkConsistent(
                client,
                chunkRelation,
                afterKey,
                keyless ? Number.MAX_SAFE_INTEGER : chunkRows,
                invisible,
                {
                  table: name,
                  filter: this.options.rowFilterOf?.(entry.schema, entry.table),
                },
              ),
          );
          if (chunk.published < 0) {
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
          rows += chunk.published;
          // Before the progress moves on (a crash reads this chunk's range again, refetched keys with it).
          const rounds = REFETCH_ROUNDS + Math.ceil(entry.refetch.size / REFETCH_KEYS);
          try {
            for (let round = 0; entry.refetch.size > 0 && round < rounds; round += 1) {
              const keys = new Map([...entry.refetch].slice(0, REFETCH_KEYS));
              for (const [text, item] of keys) {
                entry.refetch.delete(text);
                addRefetch(entry.unstored, text, item.key, item.commit);
              }
              await readChunk(this.chunkContext, client, session, entry, relation, false, (invisible) =>
                readKeysConsistent(
                  client,
                  relation,
                  [...keys.values()].map((item) => item.key),
                  invisible,
                  { table: name, filter: this.options.rowFilterOf?.(entry.schema, entry.table) },
                ),
              );
            }
            // Stored in JetStream before the progress says so: a crash now repeats at most this chunk.
            await session.publisher.stored();
            // Only now may the slot confirm past the updates that asked for these rows (flushLimit).
            entry.unstored.clear();
          } catch (error) {
            // Perhaps never stored: read again, holding the slot meanwhile.
            for (const [text, item] of entry.unstored) addRefetch(entry.refetch, text, item.key, item.commit);
            entry.unstored.clear();
            throw error;
          }
          const read = chunk.rows;
          const last = read.rows.length < chunkRows || keyless || read.lastKey === undefined;
          if (last && entry.refetch.size > 0)
            throw new Error(
              `source ${source}: live backfill of ${name}: ${entry.refetch.size} rows kept changing (updates without ` +
                `their unchanged TOAST values) each time they were read again`,
            );
          if (last) {
            await this.finishTable(entry);
            const seconds = (Date.now() - started) / 1000;
            log.info(
              { table: name, rows, seconds },
              `live backfill of ${name} done: ${rows} rows in ${seconds.toFixed(1)}s`,
            );
            return;
          }
          entry.lastKey = [...read.lastKey!];
          await this.options.persist(this.pending);
          log.info(
            { table: name, rows, rowsPerSecond: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) },
            `live backfill of ${name}: ${rows} rows`,
          );
        }
      } finally {
        if (this.active === entry) this.active = undefined;
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async finishTable(entry: Entry): Promise<void> {
    const index = this.pending.indexOf(entry);
    if (index >= 0) this.pending.splice(index, 1);
    await this.options.persist(this.pending);
  }
}
