import {
  RowTextWriter,
  changedKeyTexts,
  keyText,
  settleRead,
  tableKeyIndexes,
  textOp,
  type ChangeOp,
  type Value,
} from '@cdc/change-envelope';
import type { binlogdata, query } from './generated/vitess';
import { gtidOrdinal, laneOf } from './gtid';
import { writeRowText } from './row-values';
import type { KeyspaceTable } from './schema';
import { tableOfFields, type TableState } from './table-fields';
import type { BindValue, VStreamClient } from './vstream-client';

/**
 * `cdc verify --repair` for a Vitess source: rows read again through vtgate and published
 * through the reader's stream, with DBLog's rule (settleRead in @cdc/change-envelope, the same
 * as the Postgres reader's). Vitess has no marker to write into the binlog, so the window's
 * start is a position instead, per shard:
 *
 * 1. LOW: every shard's executed GTID set on its primary (VitessPositions). A transaction in
 *    it has committed in InnoDB (MySQL adds a GTID to gtid_executed after the engine commit),
 *    so a read that starts later sees it. The binlog, and so the stream, can carry a
 *    transaction before it is in gtid_executed (and visible); so LOW is taken again until
 *    every transaction the stream has delivered is in it. From that moment on (synchronously,
 *    no await in between) the window collects the keys of every change of the table the stream
 *    delivers.
 * 2. The rows are read on the primaries through vtgate (its gRPC Execute, so fields and rows
 *    are VStream's types and decode exactly as streamed rows do).
 * 3. At the next point between two stream batches where no transaction is open, the rows whose
 *    key the stream did not change are published as snapshot rows, and each requested key no
 *    shard holds (and the stream did not change) as a delete. A change the read did not see
 *    committed after LOW, so the stream delivers it after the window opened: its key is left
 *    out, and the stream carries its newest state, after this point.
 *
 * The ops go on a lane of their own (repairLane), at a wall-clock position: positions order ops
 * only within a lane, and the applier skips by lane, so a shard's lane is untouched (a repair
 * never makes the applier skip a streamed change, whatever the stream's position at the
 * moment) and repairs are newer than earlier repairs; their order against the stream is the
 * order in which they are published, which is what the applier applies.
 */
export interface RepairPublisher {
  add(op: ChangeOp): void;
  readonly full: boolean;
  waitForCapacity(): Promise<void>;
  /** Resolves once everything added before the call is stored in JetStream. */
  stored(): Promise<void>;
}

export interface VitessRepairOptions {
  readonly source: string;
  readonly keyspace: string;
  /** vtgate's gRPC client, for the reads (Execute). */
  readonly client: Pick<VStreamClient, 'execute'>;
  /** Every shard's current executed position on its primary. */
  readonly currentPosition: (signal?: AbortSignal) => Promise<binlogdata.IVGtid>;
  readonly lookupTable: (table: string) => Promise<KeyspaceTable | undefined>;
  /** How long LOW may keep missing a delivered transaction, and the rows wait for a point to be published. */
  readonly maxWaitMs?: number;
}

export interface VitessRepairOutcome {
  readonly resent: number;
  readonly deleted: number;
  readonly changedMeanwhile: number;
}

/** The lane repair ops travel on: not a shard's, so they never move a shard's checkpoint. */
export function repairLane(keyspace: string): string {
  return laneOf(keyspace, '(repair)');
}

class RepairWindow {
  readonly changed = new Set<string>();
  /** A DDL or copied rows of the table meanwhile: the read is void. */
  conflict: string | undefined;
  ready: { readonly rows: ChangeOp[]; readonly deletes: ChangeOp[]; readonly keyIndexes: number[] } | undefined;
  outcome: VitessRepairOutcome | undefined;
  private settle!: { resolve: (publisher: RepairPublisher) => void; reject: (error: unknown) => void };
  readonly published = new Promise<RepairPublisher>((resolve, reject) => (this.settle = { resolve, reject }));

  constructor(readonly table: string) {
    this.published.catch(() => undefined);
  }

  observe(op: ChangeOp): void {
    if (op.kind === 'ddl' || op.kind === 'truncate') this.conflict = `${op.kind} of the table during the repair`;
    else if (op.kind === 'rows' || op.kind === 'snapshot-row') this.conflict = 'the table is being copied';
    else for (const key of changedKeyTexts(tableKeyIndexes(op.table), op)) this.changed.add(key);
  }

  done(publisher: RepairPublisher): void {
    this.settle.resolve(publisher);
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }
}

/** One repair at a time; the reader calls observe for every op, publishReady between batches. */
export class VitessRepairs {
  /** Per shard lane, the highest position (GTID ordinal) of the ops the stream has delivered. */
  private readonly delivered = new Map<string, bigint>();
  private readonly windows = new Set<RepairWindow>();
  private publisher: RepairPublisher | undefined;
  private lastCommit = 0n;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: VitessRepairOptions) {}

  /** A publishing session starts: repairs can be published through it. */
  attach(publisher: RepairPublisher): void {
    this.publisher = publisher;
  }

  /** The session ended: a repair not yet published fails (its rows would go nowhere); run it again. */
  detach(): void {
    this.publisher = undefined;
    for (const window of this.windows)
      if (!window.outcome)
        window.fail(
          new Error(
            `source ${this.options.source}: the stream was interrupted during the repair of ${window.table}: run --repair again`,
          ),
        );
  }

  /** Every op the stream hands to the publisher, in order. */
  observe(op: ChangeOp): void {
    const lane = op.position.lane;
    if (lane) {
      const known = this.delivered.get(lane);
      if (known === undefined || op.position.commit > known) this.delivered.set(lane, op.position.commit);
    }
    if (this.windows.size === 0 || op.table.schema !== this.options.keyspace) return;
    for (const window of this.windows) if (window.table === op.table.table) window.observe(op);
  }

  /** Whether a repair's rows wait to be published. */
  get waiting(): boolean {
    for (const window of this.windows) if (window.ready && !window.outcome) return true;
    return false;
  }

  /**
   * Publishes the rows of reads that are done. Call only between stream batches with no
   * transaction open: the rows then sit after every op the stream delivered and before every
   * op it delivers next.
   */
  async publishReady(publisher: RepairPublisher): Promise<void> {
    for (const window of this.windows) {
      const ready = window.ready;
      if (!ready || window.outcome) continue;
      if (window.conflict) {
        window.outcome = { resent: 0, deleted: 0, changedMeanwhile: 0 };
        window.fail(
          new Error(`source ${this.options.source}: repair of ${window.table}: ${window.conflict}: run --repair again`),
        );
        continue;
      }
      const commit = this.nextCommit();
      // Each row's values once: settleRead returns the same arrays, which lead back to their op.
      const afters = ready.rows.map((op) => op.after as Value[]);
      const settled = settleRead(
        afters,
        ready.keyIndexes,
        window.changed,
        ready.deletes.map((op) => op.key as Value[]),
      );
      const rowOf = new Map(afters.map((after, i) => [after, ready.rows[i]]));
      const deleteOf = new Map(ready.deletes.map((op) => [keyText(op.key), op]));
      const lane = repairLane(this.options.keyspace);
      const commitTimeUs = Date.now() * 1000;
      let index = 0;
      // The same text at its final position (an object spread would lose a text op's getters).
      const place = (op: ChangeOp): ChangeOp =>
        textOp({
          kind: op.kind,
          table: op.table,
          position: { commit, index: index++, lane },
          commitTimeUs,
          text: op.text!,
        });
      for (const row of settled.rows) {
        publisher.add(place(rowOf.get(row)!));
        if (publisher.full) await publisher.waitForCapacity();
      }
      for (const key of settled.absent) {
        publisher.add(place(deleteOf.get(keyText(key))!));
        if (publisher.full) await publisher.waitForCapacity();
      }
      window.outcome = {
        resent: settled.rows.length,
        deleted: settled.absent.length,
        changedMeanwhile: settled.changedMeanwhile.length,
      };
      window.done(publisher);
    }
  }

  /**
   * Sends these rows of a table again (keys as key column texts, in key column order). Resolves
   * once they are stored in JetStream. Requests run one at a time.
   */
  repair(
    schema: string,
    table: string,
    keys: ReadonlyArray<ReadonlyArray<string | null>>,
    signal?: AbortSignal,
  ): Promise<VitessRepairOutcome> {
    const run = this.queue.then(() => this.repairNow(schema, table, keys, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async repairNow(
    schema: string,
    table: string,
    keys: ReadonlyArray<ReadonlyArray<string | null>>,
    signal?: AbortSignal,
  ): Promise<VitessRepairOutcome> {
    const { source, keyspace } = this.options;
    const where = `source ${source}: repair of ${schema}.${table}`;
    if (schema !== keyspace) throw new Error(`${where}: the source reads keyspace ${keyspace}`);
    const known = await this.options.lookupTable(table);
    if (!known) throw new Error(`${where}: no such table in keyspace ${keyspace}`);
    if (known.primaryKey.length === 0) throw new Error(`${where}: the table has no primary key`);
    for (const key of keys)
      if (key.length !== known.primaryKey.length)
        throw new Error(`${where}: a key of ${key.length} values, the table's has ${known.primaryKey.length}`);
    if (!this.publisher) throw new Error(`${where}: the reader is not streaming yet: try again shortly`);
    const window = await this.openWindow(where, table, signal);
    try {
      const read = await readRowsByKey(this.options.client, keyspace, known, keys, where);
      window.ready = read;
      const publisher = await withDeadline(
        window.published,
        this.options.maxWaitMs ?? 60_000,
        () =>
          `${where}: the rows were read but the stream reached no point to publish them within ` +
          `${(this.options.maxWaitMs ?? 60_000) / 1000} s (a transaction that never ends?)`,
      );
      await publisher.stored();
      return window.outcome!;
    } finally {
      this.windows.delete(window);
    }
  }

  /** Step 1: takes LOW until every delivered transaction is in it, then opens the window at once. */
  private async openWindow(where: string, table: string, signal?: AbortSignal): Promise<RepairWindow> {
    const maxWaitMs = this.options.maxWaitMs ?? 60_000;
    const deadline = Date.now() + maxWaitMs;
    for (let attempt = 0; ; attempt += 1) {
      const low = await this.options.currentPosition(signal);
      const behind = this.deliveredBeyond(low);
      if (behind === undefined) {
        const window = new RepairWindow(table);
        this.windows.add(window);
        return window;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${where}: shard ${behind} kept delivering transactions its primary did not report as executed for ` +
            `${maxWaitMs / 1000} s (is the reader streaming from a replica ahead of what vtgate reports?)`,
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 5 + attempt * 5)));
    }
  }

  /** A shard lane whose delivered transactions are not all in `low`, or undefined. */
  private deliveredBeyond(low: binlogdata.IVGtid): string | undefined {
    const lows = new Map(
      (low.shardGtids ?? []).map((shard) => [laneOf(shard.keyspace ?? '', shard.shard ?? ''), shard.gtid ?? '']),
    );
    for (const [lane, ordinal] of this.delivered) {
      const gtid = lows.get(lane);
      // A lane LOW does not name is a shard no longer serving (a reshard passed): all of it is committed.
      if (gtid !== undefined && ordinal > gtidOrdinal(gtid)) return lane;
    }
    return undefined;
  }

  /** Microseconds of the wall clock, strictly above the previous repair's: positions on the repair lane only grow. */
  private nextCommit(): bigint {
    const now = BigInt(Date.now()) * 1000n;
    this.lastCommit = now > this.lastCommit ? now : this.lastCommit + 1n;
    return this.lastCommit;
  }
}

async function withDeadline<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A quoted MySQL identifier. */
function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Step 2: the rows with these keys, read on the primaries through vtgate, as snapshot-row ops
 * (positions still to be set), and a delete op for every requested key (the keys as the
 * table's key columns decode them). Keys are bind variables; identifiers are quoted.
 */
export async function readRowsByKey(
  client: Pick<VStreamClient, 'execute'>,
  keyspace: string,
  table: KeyspaceTable,
  keys: ReadonlyArray<ReadonlyArray<string | null>>,
  where: string,
): Promise<{ rows: ChangeOp[]; deletes: ChangeOp[]; keyIndexes: number[] }> {
  const columns = table.columns.map((column) => quoteIdentifier(column.name)).join(', ');
  const keyColumns = table.primaryKey.map(quoteIdentifier);
  // Integer keys bind as integers: vtgate maps them through the vindex (a hash takes no text).
  const integer = table.primaryKey.map((name) => {
    const type = table.columns.find((column) => column.name === name)?.columnType ?? '';
    return /^(tiny|small|medium|big)?int\b/i.test(type) ? (/unsigned/i.test(type) ? 'unsigned' : 'signed') : undefined;
  });
  const bind: Record<string, BindValue> = {};
  const tuples = keys.map((key, k) =>
    key.map((value, c) => {
      const kind = integer[c];
      const digits = value !== null && kind !== undefined && /^-?\d+$/.test(value);
      bind[`k${k}_${c}`] = !digits ? value : kind === 'unsigned' ? { unsigned: value } : { signed: value };
      return `:k${k}_${c}`;
    }),
  );
  const condition =
    keyColumns.length === 1
      ? `${keyColumns[0]} IN (${tuples.map((tuple) => tuple[0]).join(', ')})`
      : `(${keyColumns.join(', ')}) IN (${tuples.map((tuple) => `(${tuple.join(', ')})`).join(', ')})`;
  // WHERE 1 != 1 when there is no key: the fields still describe the table.
  const sql =
    `SELECT ${columns} FROM ${quoteIdentifier(table.name)} WHERE ` +
    (keys.length > 0 ? `${condition} ORDER BY ${keyColumns.join(', ')}` : '1 != 1');
  const result = await client.execute(`${keyspace}@primary`, sql, bind);
  const state = tableOfFields(keyspace, table.name, result.fields ?? [], table, true);
  if (state.keyIndexes.length !== table.primaryKey.length) {
    throw new Error(
      `${where}: vtgate described ${state.keyIndexes.length} key columns, the table has ${table.primaryKey.length}`,
    );
  }
  const describe = () => where;
  const rows = (result.rows ?? []).map((row) =>
    textOpOf(state, 'snapshot-row', { after: rowText(state, row, describe) }),
  );
  const keyState = { ...state, decoders: state.keyIndexes.map((i) => state.decoders[i]) };
  const deletes = keys.map((key) => textOpOf(state, 'delete', { key: rowText(keyState, rowOfTexts(key), describe) }));
  // A key whose text does not come back as the read row's key (a type whose text MySQL
  // normalises) would look absent and be deleted: refuse rather than guess.
  const requested = new Set(deletes.map((op) => keyText(op.key)));
  const stray = rows.find((op) => !requested.has(keyText(op.key)));
  if (stray) {
    throw new Error(
      `${where}: the row read for key ${keyText(stray.key)} does not match the key asked for as text ` +
        `(the key columns' text is not MySQL's own): nothing was sent`,
    );
  }
  return { rows, deletes, keyIndexes: state.keyIndexes };
}

function rowText(state: Pick<TableState, 'decoders'>, row: query.IRow, where: () => string): Uint8Array {
  const out = new RowTextWriter(256);
  writeRowText(state.decoders, row, where, out);
  return out.copy();
}

/** Texts as a query.Row (what vtgate sends): lengths, then the values back to back; -1 for NULL. */
function rowOfTexts(texts: ReadonlyArray<string | null>): query.IRow {
  const parts = texts.map((text) => (text === null ? null : Buffer.from(text, 'utf8')));
  return {
    lengths: parts.map((part) => (part === null ? -1 : part.length)) as unknown as query.IRow['lengths'],
    values: Buffer.concat(parts.map((part) => part ?? Buffer.alloc(0))),
  };
}

function textOpOf(
  state: TableState,
  kind: 'snapshot-row' | 'delete',
  text: { after?: Uint8Array; key?: Uint8Array },
): ChangeOp {
  return textOp({ kind, table: state.schema, position: { commit: 0n, index: 0 }, commitTimeUs: 0, text });
}
