import { RowTextWriter, textOp, type ChangeKind, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { binlogdata, type query } from './generated/vitess';
import { gtidOrdinal, laneOf } from './gtid';
import { writeRowText } from './row-values';
import type { KeyspaceTable } from './schema';
import { tableOfFields, type TableState } from './table-fields';

// Over 400 lines on purpose: VStreamDecoder is one state machine over the shards' lanes (copy
// phase, open transaction, positions handed out at COMMIT), read as a whole; the table a FIELD
// event describes is table-fields.ts.

type VEvent = binlogdata.IVEvent;
const T = binlogdata.VEventType;

export interface VStreamDecoderHandlers {
  /** An op, with its final position. May return a promise to apply back-pressure. */
  op(op: ChangeOp): void | Promise<void>;
  /**
   * Every op before this point has been handed to `op`: the VGtid is a position the stream
   * can resume from (a transaction boundary in every shard, and never past a shard's reshard
   * journal while the VGtid still names that shard: see `journal`).
   */
  resumable(vgtid: binlogdata.IVGtid): void;
  /** A shard finished its copy phase (lane), or all shards did (undefined). */
  copyCompleted(lane: string | undefined): void;
  /**
   * A FIELD event described a table: every op of the table on that shard comes after it (also
   * its copy's rows, and a copy that finds no row sends it too). Optional.
   */
  fields?(table: TableSchema): void;
  /**
   * A reshard switched traffic away from the shard of `lane`: the stream continues on
   * journal.shard_gtids (or, with stop_on_reshard, ends). From here on no VGtid that still
   * names the old shard is resumable: vtgate sends the journal transaction's VGTID (past the
   * journal) before it moves to the new shards, and a stream resumed past the journal would
   * never see it again, so it would stay on the old shard for good.
   */
  journal(journal: binlogdata.IJournal, lane: string): void;
  /**
   * A shard's transaction (or DDL) has handed all its ops to `op`; `gtid` is the shard's
   * position after it. Optional: only the tracing reader needs transaction boundaries.
   */
  transaction?(lane: string, gtid: string): void;
}

export interface VStreamDecoderOptions {
  readonly source: string;
  readonly keyspace: string;
  /** The VGtid the stream was started from (resumed or new). */
  readonly start: binlogdata.IVGtid;
  /** The table's schema from information_schema (JSON columns, key); re-read on a miss. */
  readonly lookupTable: (table: string) => Promise<KeyspaceTable | undefined>;
  readonly handlers: VStreamDecoderHandlers;
}

/**
 * A row change of an open transaction as COPY text (row-text.ts), or copy-phase rows of one
 * table written straight into one chunk (a 'rows' op: the bulk lane).
 */
type PendingRow =
  | { readonly kind: ChangeKind; readonly table: TableState; readonly before?: Uint8Array; readonly after?: Uint8Array }
  | { readonly kind: 'rows'; readonly table: TableState; readonly chunk: RowTextWriter; rows: number };
type PendingChunk = Extract<PendingRow, { readonly chunk: RowTextWriter }>;

/** Copy-phase rows of one table go out as 'rows' ops (bulk chunks) of at most this many bytes. */
const COPY_CHUNK_BYTES = 256 * 1024;

interface LaneState {
  readonly lane: string;
  readonly keyspace: string;
  readonly shard: string;
  /** Still in the VStream Copy phase: rows of copy transactions are snapshot rows. */
  copying: boolean;
  tables: Map<string, TableState>;
  /** Open transaction (BEGIN seen, COMMIT not yet). */
  txn: { rows: PendingRow[]; timestampS: number } | undefined;
  /** Ordinal of the last position handed out, and the next index at it. */
  ordinal: bigint;
  nextIndex: number;
}

/**
 * Turns VStream events into change ops with their final positions.
 *
 * A transaction's events (BEGIN, FIELD, ROW..., VGTID, COMMIT) arrive together per shard;
 * its ops get their positions at COMMIT, from the shard's GTID in the VGTID event inside it:
 * lane "keyspace/shard", commit = the GTID's ordinal, index = the op's place. A copy-phase
 * chunk (BEGIN with timestamp 0 while the shard is copying) becomes snapshot rows at the
 * ordinal of the snapshot they were read at. See docs/design-notes.md, "Checkpoints per
 * ordering lane".
 */
export class VStreamDecoder {
  private readonly lanes = new Map<string, LaneState>();
  private vgtid: binlogdata.IVGtid;
  private readonly startCopying: Map<string, boolean>;
  private readonly keyspaceCopying: boolean;
  private openTransactions = 0;
  /** Rows are written here, then copied into bytes of their own. */
  private readonly scratch = new RowTextWriter(4096);
  /** Lanes (old shards) whose reshard journal was seen: VGtids naming them are not resumable. */
  private readonly journaled = new Set<string>();

  constructor(private readonly options: VStreamDecoderOptions) {
    this.vgtid = options.start;
    this.startCopying = new Map(
      (options.start.shardGtids ?? [])
        .filter((shard) => shard.shard)
        .map((shard) => [
          laneOf(shard.keyspace ?? '', shard.shard ?? ''),
          shard.gtid === '' || (shard.tablePKs?.length ?? 0) > 0,
        ]),
    );
    // A keyspace-wide start (no shard named) with an empty gtid copies every shard first.
    this.keyspaceCopying = (options.start.shardGtids ?? []).some((shard) => !shard.shard && shard.gtid === '');
  }

  /** Whether a shard's transaction is open (BEGIN seen, COMMIT not yet): its ops are not all handed out. */
  get inTransaction(): boolean {
    return this.openTransactions > 0;
  }

  /** The newest VGtid seen (may be inside a transaction; use `resumable` for restarts). */
  get latestVgtid(): binlogdata.IVGtid {
    return this.vgtid;
  }

  async handle(events: readonly VEvent[]): Promise<void> {
    for (const event of events) await this.handleEvent(event);
  }

  private async handleEvent(event: VEvent): Promise<void> {
    switch (event.type) {
      case T.VGTID:
        if (event.vgtid) this.vgtid = event.vgtid;
        this.offerResumable();
        return;
      case T.BEGIN: {
        const lane = this.laneOf(event);
        if (lane.txn === undefined) this.openTransactions += 1;
        lane.txn = { rows: [], timestampS: num(event.timestamp) };
        return;
      }
      case T.FIELD:
        await this.onField(event);
        return;
      case T.ROW:
        this.onRow(event);
        return;
      case T.COMMIT:
        await this.onCommit(this.laneOf(event));
        return;
      case T.ROLLBACK: {
        const lane = this.laneOf(event);
        if (lane.txn !== undefined) this.openTransactions -= 1;
        lane.txn = undefined;
        return;
      }
      case T.DDL:
        await this.onDdl(event);
        return;
      case T.HEARTBEAT:
        this.offerResumable();
        return;
      case T.COPY_COMPLETED:
        if (event.keyspace && event.shard) {
          const lane = this.laneOf(event);
          lane.copying = false;
          this.options.handlers.copyCompleted(lane.lane);
        } else {
          for (const lane of this.lanes.values()) lane.copying = false;
          this.options.handlers.copyCompleted(undefined);
        }
        return;
      case T.JOURNAL:
        if (event.journal) {
          const lane = this.laneOf(event).lane;
          this.journaled.add(lane);
          this.options.handlers.journal(event.journal, lane);
        }
        return;
      default:
        // GTID, OTHER, LASTPK, SAVEPOINT, VERSION...: their position arrives as a VGTID event.
        return;
    }
  }

  /** The last ROW event's table name and its unqualified form: consecutive ROW events mostly name one table. */
  private lastQualified = '';
  private lastUnqualified = '';

  private unqualifiedName(name: string): string {
    if (name !== this.lastQualified) {
      this.lastQualified = name;
      this.lastUnqualified = unqualified(name);
    }
    return this.lastUnqualified;
  }

  /** Reports the current VGtid as resumable when it is (see `resumable` and `journal`). */
  private offerResumable(): void {
    if (this.openTransactions !== 0) return;
    if (this.journaled.size > 0) {
      const lanes = (this.vgtid.shardGtids ?? []).map((shard) => laneOf(shard.keyspace ?? '', shard.shard ?? ''));
      if (lanes.some((lane) => this.journaled.has(lane))) return;
      // vtgate replaced the old shards by the new ones: positions are resumable again.
      this.journaled.clear();
    }
    this.options.handlers.resumable(this.vgtid);
  }

  private laneOf(event: VEvent): LaneState {
    const keyspace = event.keyspace || this.options.keyspace;
    const shard = event.shard ?? '';
    const name = laneOf(keyspace, shard);
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = {
        lane: name,
        keyspace,
        shard,
        copying: this.startCopying.get(name) ?? this.keyspaceCopying,
        tables: new Map(),
        txn: undefined,
        ordinal: -1n,
        nextIndex: 0,
      };
      this.lanes.set(name, lane);
    }
    return lane;
  }

  private async onField(event: VEvent): Promise<void> {
    const field = event.fieldEvent;
    if (!field || field.isInternalTable) return;
    const lane = this.laneOf(event);
    const name = unqualified(field.tableName ?? '');
    const known = await this.options.lookupTable(name);
    const table = tableOfFields(lane.keyspace, name, field.fields ?? [], known, field.enumSetStringValues ?? false);
    lane.tables.set(name, table);
    this.options.handlers.fields?.(table.schema);
  }

  private onRow(event: VEvent): void {
    const rowEvent = event.rowEvent;
    if (!rowEvent || rowEvent.isInternalTable) return;
    const lane = this.laneOf(event);
    const name = this.unqualifiedName(rowEvent.tableName ?? '');
    const table = lane.tables.get(name);
    if (!table) {
      throw new Error(
        `${this.options.source}: ROW event for ${lane.keyspace}.${name} on shard ${lane.shard} before its FIELD event`,
      );
    }
    if (lane.txn === undefined) {
      lane.txn = { rows: [], timestampS: num(event.timestamp) };
      this.openTransactions += 1;
    }
    const where = () => `${this.options.source}: ${lane.keyspace}.${name} on shard ${lane.shard}`;
    const copy = lane.copying && lane.txn.timestampS === 0;
    const rows = lane.txn.rows;
    const text = (row: query.IRow): Uint8Array => {
      const out = this.scratch;
      out.length = 0;
      writeRowText(table.decoders, row, where, out);
      return out.copy();
    };
    for (const change of rowEvent.rowChanges ?? []) {
      if (copy && change.after && !change.before) {
        // A copy-phase row: written straight into the transaction's chunk of its table (the bulk lane).
        const last = rows[rows.length - 1];
        let chunk: PendingChunk | undefined = last !== undefined && 'chunk' in last ? last : undefined;
        if (chunk === undefined || chunk.table !== table || chunk.chunk.length >= COPY_CHUNK_BYTES) {
          chunk = { kind: 'rows', table, chunk: new RowTextWriter(64 * 1024), rows: 0 };
          rows.push(chunk);
        }
        writeRowText(table.decoders, change.after, where, chunk.chunk);
        chunk.chunk.byte(10);
        chunk.rows += 1;
        continue;
      }
      const before = change.before ? text(change.before) : undefined;
      const after = change.after ? text(change.after) : undefined;
      let kind: ChangeKind;
      if (before && after) kind = 'update';
      else if (after) kind = 'insert';
      else if (before) kind = 'delete';
      else continue;
      // Assigned, not spread: this runs per streamed row, and each spread made an object.
      const row: { kind: ChangeKind; table: TableState; before?: Uint8Array; after?: Uint8Array } = { kind, table };
      if (before) row.before = before;
      if (after) row.after = after;
      rows.push(row);
    }
  }

  private async onCommit(lane: LaneState): Promise<void> {
    const txn = lane.txn;
    if (txn === undefined) return;
    lane.txn = undefined;
    this.openTransactions -= 1;
    if (txn.rows.length > 0) {
      const ordinal = this.ordinalOf(lane);
      let index = this.firstIndexAt(lane, ordinal);
      const commitTimeUs = txn.timestampS > 0 ? txn.timestampS * 1_000_000 : Date.now() * 1000;
      const emit = async (op: ChangeOp) => {
        const wait = this.options.handlers.op(op);
        if (wait) await wait;
      };
      for (const row of txn.rows) {
        if ('chunk' in row) {
          // A chunk's rows each have an index of their own (the op's is its first row's).
          await emit(
            textOp({
              kind: 'rows',
              table: row.table.schema,
              position: { commit: ordinal, index, lane: lane.lane },
              commitTimeUs,
              text: { after: row.chunk.view() },
              rows: row.rows,
            }),
          );
          index += row.rows;
          continue;
        }
        const text: { before?: Uint8Array; after?: Uint8Array } = {};
        if (row.before) text.before = row.before;
        if (row.after) text.after = row.after;
        await emit(
          textOp({
            kind: row.kind,
            table: row.table.schema,
            position: { commit: ordinal, index, lane: lane.lane },
            commitTimeUs,
            text,
          }),
        );
        index += 1;
      }
      lane.nextIndex = index;
      this.options.handlers.transaction?.(lane.lane, this.gtidOf(lane));
    }
    this.offerResumable();
  }

  private async onDdl(event: VEvent): Promise<void> {
    const lane = this.laneOf(event);
    const statement = event.statement ?? '';
    const name = ddlTable(statement);
    const ordinal = this.ordinalOf(lane);
    const index = this.firstIndexAt(lane, ordinal);
    lane.nextIndex = index + 1;
    if (name !== undefined) {
      const table = lane.tables.get(name);
      lane.tables.delete(name); // the next FIELD event describes the table as it is now
      const schema: TableSchema = table?.schema ?? { schema: lane.keyspace, table: name, columns: [], hasKey: false };
      const op: ChangeOp = {
        kind: 'ddl',
        table: schema,
        key: [],
        position: { commit: ordinal, index, lane: lane.lane },
        commitTimeUs: num(event.timestamp) * 1_000_000,
        ddl: statement,
      };
      const wait = this.options.handlers.op(op);
      if (wait) await wait;
      this.options.handlers.transaction?.(lane.lane, this.gtidOf(lane));
    }
    this.offerResumable();
  }

  private ordinalOf(lane: LaneState): bigint {
    return gtidOrdinal(this.gtidOf(lane));
  }

  private gtidOf(lane: LaneState): string {
    const shard = (this.vgtid.shardGtids ?? []).find((s) => s.keyspace === lane.keyspace && s.shard === lane.shard);
    if (!shard) throw new Error(`${this.options.source}: no position for shard ${lane.lane} in the stream's VGtid`);
    return shard.gtid ?? '';
  }

  /** Ops sharing an ordinal (copy chunks read at one snapshot) get consecutive indexes. */
  private firstIndexAt(lane: LaneState, ordinal: bigint): number {
    if (ordinal !== lane.ordinal) {
      lane.ordinal = ordinal;
      lane.nextIndex = 0;
    }
    return lane.nextIndex;
  }
}

function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value ?? 0);
}

/** FIELD/ROW table names may be qualified ("keyspace.table"). */
function unqualified(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** The table a DDL statement changes (CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE), unqualified. */
export function ddlTable(statement: string): string | undefined {
  const match =
    /^\s*(?:(?:create|alter|drop|rename)\s+(?:temporary\s+)?table|truncate(?:\s+table)?)\s+(?:if\s+(?:not\s+)?exists\s+)?((?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|[A-Za-z0-9_$]+))?)/i.exec(
      statement,
    );
  if (!match) return undefined;
  const parts = match[1].split(/\s*\.\s*(?=(?:[^`]*`[^`]*`)*[^`]*$)/);
  const last = parts[parts.length - 1];
  return last.startsWith('`') ? last.slice(1, -1).replace(/``/g, '`') : last;
}
