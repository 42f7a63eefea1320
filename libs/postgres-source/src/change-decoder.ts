import { RowTextWriter, textOp, type ChangeOp, type OpText, type Position } from '@cdc/change-envelope';
import type { RelationState, SourceCatalog } from './catalog';
import { decodePgOutput, writeTupleText, type RawTuple } from './pgoutput';
import type { ReplicationEvent } from './replication-connection';
import { formatLsn } from './lsn';

export interface ChangeHandler {
  /** One op of the open transaction. May return a promise to slow the stream down. */
  op(op: ChangeOp): void | Promise<void>;
  /** The open transaction committed; every op with a position up to `position` was handed over. */
  commit(position: Position, commitTimeUs: number, xid: number): void | Promise<void>;
  /** Keepalive outside a transaction: every change up to walEnd has been handed over. */
  idle(walEnd: bigint): void | Promise<void>;
  /** Every event, for the "write" position of the standby status and for lag. */
  received(walEnd: bigint, replyRequested: boolean): void;
  /**
   * A non-transactional logical decoding message (pg_logical_emit_message(false, ...)), in
   * stream order between transactions; `lsn` is the end of its WAL record.
   */
  message?(prefix: string, content: Uint8Array, lsn: bigint): void | Promise<void>;
}

export class ChangeDecodeError extends Error {
  constructor(source: string, lsn: bigint, message: string, options?: { cause?: unknown }) {
    super(`source ${source} at LSN ${formatLsn(lsn)}: ${message}`, options);
    this.name = 'ChangeDecodeError';
  }
}

/**
 * Turns pgoutput events into ChangeOps. Ops carry the position (commit record LSN, index in
 * the transaction): the commit LSN is known from BEGIN, so ops stream out without buffering
 * the transaction. The commit's END LSN is what `commit()` reports: that is what the slot
 * may confirm once the destinations have it.
 */
export class PgChangeDecoder {
  private readonly relations = new Map<number, RelationState>();
  private transaction: { commitLsn: bigint; commitTimeUs: number; index: number; xid: number } | undefined;
  /** Rows are written here, then copied into bytes of their own (one allocation per row). */
  private readonly scratch = new RowTextWriter(4096);

  constructor(
    private readonly source: string,
    private readonly catalog: SourceCatalog,
    private readonly handler: ChangeHandler,
  ) {}

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  /**
   * Handles one event. Returns a promise only when the handler did (back-pressure) or a
   * relation had to be described: a promise per event cost a microtask round trip per row.
   */
  handle(event: ReplicationEvent): void | Promise<void> {
    this.handler.received(event.walEnd, event.type === 'keepalive' && event.replyRequested);
    if (event.type === 'keepalive') {
      // Mid-transaction the walsender may already be past this transaction's commit record:
      // only a keepalive between transactions says everything before it was handed over.
      if (!this.transaction) return this.handler.idle(event.walEnd);
      return;
    }
    let message;
    try {
      message = decodePgOutput(event.payload);
    } catch (error) {
      throw new ChangeDecodeError(this.source, event.walStart, (error as Error).message, { cause: error });
    }
    switch (message.tag) {
      case 'begin':
        this.transaction = {
          commitLsn: message.finalLsn,
          commitTimeUs: message.commitTimeUs,
          index: 0,
          xid: message.xid,
        };
        return;
      case 'commit': {
        const xid = this.transaction?.xid ?? 0;
        this.transaction = undefined;
        return this.handler.commit({ commit: message.endLsn, index: 0 }, message.commitTimeUs, xid);
      }
      case 'relation':
        return this.catalog
          .describeRelation(message.relationId, message.schema, message.table, message.replicaIdentity, message.columns)
          .then((state) => void this.relations.set(message.relationId, state));
      case 'insert': {
        const relation = this.relation(message.relationId, event.walStart);
        return this.handler.op(this.makeOp('insert', relation, { after: this.rowText(message.newTuple) }));
      }
      case 'update': {
        const relation = this.relation(message.relationId, event.walStart);
        const text: { -readonly [K in keyof OpText]: OpText[K] } = { after: this.rowText(message.newTuple) };
        // 'K': the key changed and only the old key columns mean anything; 'O': the whole old row.
        if (message.oldKind === 'K' && message.oldTuple) text.key = this.rowText(message.oldTuple, relation.keyIndexes);
        else if (message.oldKind === 'O' && message.oldTuple) text.before = this.rowText(message.oldTuple);
        return this.handler.op(this.makeOp('update', relation, text));
      }
      case 'delete': {
        const relation = this.relation(message.relationId, event.walStart);
        const text: OpText =
          message.oldKind === 'O'
            ? { before: this.rowText(message.oldTuple) }
            : { key: this.rowText(message.oldTuple, relation.keyIndexes) };
        return this.handler.op(this.makeOp('delete', relation, text));
      }
      case 'truncate':
        return this.truncate(message.relationIds, event.walStart);
      case 'message':
        // Transactional messages would arrive inside their transaction: we only emit non-transactional ones.
        if (!message.transactional && this.handler.message)
          return this.handler.message(message.prefix, message.content, message.lsn);
        return;
      default:
        return; // origin and type messages carry nothing to replicate
    }
  }

  private async truncate(relationIds: readonly number[], lsn: bigint): Promise<void> {
    for (const relationId of relationIds)
      await this.handler.op(this.makeOp('truncate', this.relation(relationId, lsn), undefined));
  }

  private relation(relationId: number, lsn: bigint): RelationState {
    const relation = this.relations.get(relationId);
    if (!relation)
      throw new ChangeDecodeError(
        this.source,
        lsn,
        `row for relation ${relationId} arrived before its Relation message`,
      );
    return relation;
  }

  /** The tuple as a row of COPY text (only the columns at `indexes`, when given), in bytes of its own. */
  private rowText(tuple: RawTuple, indexes?: readonly number[]): Uint8Array {
    const out = this.scratch;
    out.length = 0;
    writeTupleText(tuple, out, indexes);
    return out.copy();
  }

  private makeOp(kind: ChangeOp['kind'], relation: RelationState, text: OpText | undefined): ChangeOp {
    const transaction = this.transaction;
    if (!transaction) throw new Error(`source ${this.source}: ${kind} outside a transaction`);
    const position = { commit: transaction.commitLsn, index: transaction.index };
    transaction.index += 1;
    return textOp({ kind, table: relation.schema, position, commitTimeUs: transaction.commitTimeUs, text: text ?? {} });
  }
}
