import { randomUUID } from 'node:crypto';
import {
  changedKeyTexts,
  hasUnchangedValue,
  keyColumnIndexes,
  keyText,
  newKeyOf,
  settleRead,
  type ChangeOp,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';
import type { ChangePublisher } from '@cdc/change-stream';
import {
  BACKFILL_MESSAGE_PREFIX,
  SESSION_OPTIONS,
  SourceCatalog,
  decodeBackfillMarker,
  describeSourceTable,
  emitBackfillMarker,
  formatLsn,
  listCandidateTables,
  decodeTextValue,
  markerCommit,
  readKeyChunkConsistent,
  readKeysConsistent,
  visibleIn,
  type SnapshotXids,
  type KeyChunk,
  type SourceTable,
} from '@cdc/postgres-source';
import type { RelationState } from '@cdc/postgres-source';
import { describeError, sleep, type Logger } from '@cdc/service-runtime';
import { Client } from 'pg';
import type { RepairOutcome } from '@cdc/verify';
import { isPartitionOf } from './partition-watch';

/** A table that still needs (part of) its backfill; persisted with the reader's snapshot state. */
export interface PendingBackfill {
  readonly schema: string;
  readonly table: string;
  /** Key of the last row published, as text; absent until the first chunk is stored. */
  lastKey?: Array<string | null>;
  /**
   * Only the rows of this partition of the table (one attached with its rows): read from it,
   * published as the table's rows, with no truncate first (the table's other rows stay).
   */
  readonly partition?: BackfillPartition;
}

/** A leaf partition, by oid: the backfill stops if it leaves the table meanwhile. */
export interface BackfillPartition {
  readonly oid: number;
  readonly schema: string;
  readonly table: string;
}

/** Whether a pending entry is the backfill of this table (and this partition of it). */
function sameBackfill(entry: PendingBackfill, other: PendingBackfill): boolean {
  return entry.schema === other.schema && entry.table === other.table && entry.partition?.oid === other.partition?.oid;
}

function backfillName(entry: PendingBackfill): string {
  const table = `${entry.schema}.${entry.table}`;
  return entry.partition ? `${table} (partition ${entry.partition.schema}.${entry.partition.table})` : table;
}

interface Entry extends PendingBackfill {
  /**
   * The table is in the publication, so the stream carries its changes: only then may a chunk
   * be read (a row changed after the read but before the table joined would be lost).
   */
  ready: boolean;
  /**
   * Keys to read again, by keyText: the stream sent these rows only as a partial image (an
   * update with unchanged TOAST values), which the destination applies as an UPDATE of the row
   * it holds, and it may hold none (see Chunk.partialKeys).
   */
  readonly refetch: Map<string, Refetch>;
  /** Refetched rows published but not yet stored in JetStream: they still hold the slot (flushLimit). */
  readonly unstored: Map<string, Refetch>;
}

/**
 * A key to read again, and the commit of the update that asked for it (its ops' position: the
 * commit record's start LSN). Kept in memory only, so the slot must not confirm past that
 * commit until the row is stored (see LiveBackfill.flushLimit).
 */
interface Refetch {
  readonly key: Value[];
  readonly commit: bigint;
}

/** Records a key to read again; a key asked for twice keeps the earlier commit (the one to replay). */
function addRefetch(keys: Map<string, Refetch>, text: string, key: Value[], commit: bigint): void {
  const known = keys.get(text);
  if (!known || commit < known.commit) keys.set(text, { key, commit });
}

function newEntry(pending: PendingBackfill, ready: boolean): Entry {
  return { ...pending, ready, refetch: new Map(), unstored: new Map() };
}

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

/** An update whose new row lacks values (unchanged TOAST): the destination applies it only to a row it holds. */
function isPartialUpdate(op: ChangeOp): boolean {
  return op.kind === 'update' && hasUnchangedValue(op);
}

class SessionEnded extends Error {}

interface RepairJob {
  readonly schema: string;
  readonly table: string;
  readonly keys: ReadonlyArray<ReadonlyArray<string | null>>;
  resolve(outcome: RepairOutcome): void;
  reject(error: unknown): void;
}

/** The 32-bit xids of the last `capacity` transactions the stream delivered (see readKeyChunkConsistent). */
class RecentCommits {
  private readonly ring: number[];
  private readonly members = new Map<number, number>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<number>(capacity);
  }

  add(xid: number): void {
    const evicted = this.ring[this.next];
    if (evicted !== undefined) {
      const count = (this.members.get(evicted) ?? 1) - 1;
      if (count === 0) this.members.delete(evicted);
      else this.members.set(evicted, count);
    }
    this.ring[this.next] = xid;
    this.members.set(xid, (this.members.get(xid) ?? 0) + 1);
    this.next = (this.next + 1) % this.capacity;
  }

  /** The delivered transactions the snapshot cannot see yet. */
  invisibleIn(snapshot: SnapshotXids): number[] {
    const invisible: number[] = [];
    for (const xid of this.members.keys()) if (!visibleIn(snapshot, xid)) invisible.push(xid);
    return invisible;
  }
}

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
}

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

  constructor(private readonly options: LiveBackfillOptions) {
    // Checked against the publication before the first chunk (see Entry.ready).
    this.pending = options.initial.map((entry) => newEntry(entry, true));
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
        this.watchKeyChange(op);
        const chunk = session.current;
        if (!chunk?.collecting || !chunk.matches(op.table)) return;
        if (op.kind === 'truncate' || chunk.relation.keyIndexes.length === 0) {
          chunk.conflicted = true;
          return;
        }
        // An update may change the key: the new key's row is the stream's too.
        const keys = changedKeyTexts(chunk.relation.keyIndexes, op);
        for (const key of keys) chunk.changedKeys.add(key);
        if (op.after && isPartialUpdate(op)) {
          const newKey = keys[keys.length - 1];
          const earlier = chunk.partialKeys.get(newKey);
          if (earlier === undefined || op.position.commit < earlier) chunk.partialKeys.set(newKey, op.position.commit);
        }
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
        await this.repairKeys(repair, session).then(repair.resolve, repair.reject);
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
          const chunk = await this.readChunk(client, session, entry, relation, truncateFirst, (invisible) =>
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
              await this.readChunk(client, session, entry, relation, false, (invisible) =>
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

  /**
   * One chunk between LOW and HIGH markers: `read` runs after the stream passed LOW; the rows are
   * published at HIGH. Resolves to the rows read and how many were published (-1: a keyless
   * table changed meanwhile, read it again).
   */
  private async readChunk(
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
      const rows = await read((snapshot) => this.recentCommits.invisibleIn(snapshot));
      chunk.rows = rows;
      if (rows.retries > 0)
        this.options.log.debug(
          { table: `${entry.schema}.${entry.table}`, retries: rows.retries },
          'chunk snapshot retaken: commits still becoming visible',
        );
      await emitBackfillMarker(client, { id: chunk.id, phase: 'high' });
      return { rows, published: await chunk.done, chunk };
    } finally {
      if (session.current === chunk) session.current = undefined;
    }
  }

  private async repairKeys(job: RepairJob, session: Session): Promise<RepairOutcome> {
    const name = `${job.schema}.${job.table}`;
    const client = new Client({
      connectionString: this.options.url,
      options: SESSION_OPTIONS,
      application_name: `cdc-repair-${this.options.source}`,
    });
    await client.connect();
    try {
      const table = (await listCandidateTables(client)).find((t) => t.schema === job.schema && t.table === job.table);
      if (!table) throw new Error(`source ${this.options.source}: repair of ${name}: no such table`);
      const relation = await describeSourceTable(client, new SourceCatalog(client), table);
      if (relation.keyIndexes.length === 0)
        throw new Error(`source ${this.options.source}: repair of ${name}: the table has no primary key`);
      const keys = job.keys.map((key) => {
        if (key.length !== relation.keyIndexes.length)
          throw new Error(
            `source ${this.options.source}: repair of ${name}: a key of ${key.length} values, the table's has ${relation.keyIndexes.length}`,
          );
        return key.map((text, i) => decodeTextValue(text, relation.types[relation.keyIndexes[i]]));
      });
      const entry = newEntry({ schema: job.schema, table: job.table }, true);
      const { chunk } = await this.readChunk(
        client,
        session,
        entry,
        relation,
        false,
        (invisible) =>
          readKeysConsistent(client, relation, keys, invisible, {
            table: name,
            filter: this.options.rowFilterOf?.(job.schema, job.table),
          }),
        keys,
      );
      await session.publisher.stored();
      this.options.log.info(
        { table: name, ...chunk.outcome },
        `repair of ${name}: rows sent again through the pipeline`,
      );
      return chunk.outcome;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /**
   * An update moving a row of a table pending a backfill to another key, without its unchanged
   * TOAST values: the destination applies it only if it holds the old row, which it does not
   * when that row's chunk is still to come (or the update fell into its chunk). The new key is
   * read again after the table's next chunk, whichever chunk its range belongs to.
   *
   * Watched for every pending table whose backfill has begun, not only while a chunk runs: a
   * restarted reader replays such an update (flushLimit) before it resumes the table. A table
   * whose first chunk has not begun needs nothing: that chunk's truncate supersedes the update
   * and the chunks read every key. Keys past lastKey are not told apart (Postgres orders keys
   * by type and collation, which keyText does not): reading one early is redundant, not wrong.
   */
  private watchKeyChange(op: ChangeOp): void {
    // Cheapest checks first: this runs for every streamed op.
    if (this.pending.length === 0 || op.kind !== 'update' || !op.table.hasKey) return;
    // The table's backfill that has begun (a partitioned table may have several, one per partition).
    const entry = this.pending.find(
      (e) =>
        e.schema === op.table.schema && e.table === op.table.table && (e.lastKey !== undefined || this.active === e),
    );
    if (!entry || !isPartialUpdate(op)) return;
    const newKey = newKeyOf(keyColumnIndexes(op.table.columns), op);
    const text = keyText(newKey);
    if (text !== keyText(op.key)) addRefetch(entry.refetch, text, newKey, op.position.commit);
  }

  private async finishTable(entry: Entry): Promise<void> {
    const index = this.pending.indexOf(entry);
    if (index >= 0) this.pending.splice(index, 1);
    await this.options.persist(this.pending);
  }

  private onLow(session: Session, chunk: Chunk, lsn: bigint): void {
    chunk.collecting = true;
    chunk.markLowSeen();
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
    const settled = settleRead(rows.rows, relation.keyIndexes, chunk.changedKeys, chunk.deleteAbsent);
    for (const { key, text } of settled.changedMeanwhile) {
      const partial = chunk.partialKeys.get(text);
      if (partial !== undefined) addRefetch(chunk.refetch, text, key, partial);
    }
    chunk.outcome.changedMeanwhile += settled.changedMeanwhile.length;
    let index = 0;
    for (const after of settled.rows) {
      chunk.outcome.resent += 1;
      session.publisher.add({
        kind: 'snapshot-row',
        table: relation.schema,
        key: relation.keyIndexes.map((i) => after[i]),
        after,
        position: { commit, index: index++ },
        commitTimeUs,
      });
      if (session.publisher.full) await session.publisher.waitForCapacity();
    }
    for (const key of settled.absent) {
      session.publisher.add({
        kind: 'delete',
        table: relation.schema,
        key,
        position: { commit, index: index++ },
        commitTimeUs,
      });
      chunk.outcome.deleted += 1;
      if (session.publisher.full) await session.publisher.waitForCapacity();
    }
    chunk.finish(index);
  }
}
