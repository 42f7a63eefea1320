import { RowTextWriter, textOp, type ChangeOp, type OpText, type Position } from '@cdc/change-envelope';
import type { RelationState, SourceCatalog } from './catalog';
import { decodePgOutput, streamedDataXid, writeTupleText, type PgOutputMessage, type RawTuple } from './pgoutput';
import type { ReplicationEvent } from './replication-connection';
import { formatLsn } from './lsn';
import type { TransactionSpill } from './transaction-spill';

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

export interface ChangeDecoderOptions {
  /**
   * Where streamed (in-progress) transactions wait for their Stream Commit: required when the
   * stream was started with streaming on; without it a Stream Start is an error.
   */
  readonly spill?: TransactionSpill;
  /** Stream Abort carries the abort LSN and time (streaming = 'parallel'). */
  readonly abortInfo?: boolean;
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
 *
 * A streamed transaction's blocks go to the spill as they arrive, untouched; at its Stream
 * Commit they are decoded as one ordinary transaction at that place in the stream (its commit
 * LSN known only then), so no op of a transaction that may still abort is ever handed over.
 * Its Relation messages are applied to the relation cache only then, too: until it commits,
 * transactions committing before it are still described by the schema they were sent with.
 */
export class PgChangeDecoder {
  private readonly relations = new Map<number, RelationState>();
  private transaction: { commitLsn: bigint; commitTimeUs: number; index: number; xid: number } | undefined;
  /** The transaction whose stream block is open (between Stream Start and Stream Stop). */
  private streamBlock: number | undefined;
  /** Rows are written here, then copied into bytes of their own (one allocation per row). */
  private readonly scratch = new RowTextWriter(4096);
  private readonly decodeContext: { readonly abortInfo: boolean };
  private readonly replayContext: { readonly inStream: true; readonly abortInfo: boolean };

  constructor(
    private readonly source: string,
    private readonly catalog: SourceCatalog,
    private readonly handler: ChangeHandler,
    private readonly options: ChangeDecoderOptions = {},
  ) {
    this.decodeContext = { abortInfo: options.abortInfo === true };
    this.replayContext = { inStream: true, abortInfo: options.abortInfo === true };
  }

  get inTransaction(): boolean {
    return this.transaction !== undefined || this.streamBlock !== undefined;
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
      // Between the blocks of a streamed transaction it does too: that one commits later.
      if (!this.transaction && this.streamBlock === undefined) return this.handler.idle(event.walEnd);
      return;
    }
    if (this.streamBlock !== undefined) return this.inStreamBlock(this.streamBlock, event);
    let message;
    try {
      message = decodePgOutput(event.payload, this.decodeContext);
    } catch (error) {
      throw new ChangeDecodeError(this.source, event.walStart, (error as Error).message, { cause: error });
    }
    switch (message.tag) {
      case 'streamStart': {
        const spill = this.spill(event.walStart);
        if (!message.firstSegment && !spill.has(message.xid))
          throw new ChangeDecodeError(
            this.source,
            event.walStart,
            `a later block of streamed transaction ${message.xid} arrived without its first one`,
          );
        spill.start(message.xid);
        this.streamBlock = message.xid;
        return;
      }
      case 'streamCommit':
        return this.commitStreamed(message, event.walStart);
      case 'streamAbort':
        return this.spill(event.walStart).abort(message.xid, message.subxid);
      case 'streamStop':
        throw new ChangeDecodeError(this.source, event.walStart, 'Stream Stop outside a stream block');
      default:
        return this.dispatch(message, event.walStart);
    }
  }

  /** A message inside a stream block: data goes to the spill as it is; Stream Stop ends the block. */
  private inStreamBlock(xid: number, event: Extract<ReplicationEvent, { type: 'data' }>): void | Promise<void> {
    let subxid: number | undefined;
    try {
      subxid = streamedDataXid(event.payload);
    } catch (error) {
      throw new ChangeDecodeError(this.source, event.walStart, (error as Error).message, { cause: error });
    }
    if (subxid !== undefined) return this.spill(event.walStart).append(xid, subxid, event.payload);
    if (event.payload[0] === 0x45 /* E */) {
      this.streamBlock = undefined;
      return;
    }
    throw new ChangeDecodeError(
      this.source,
      event.walStart,
      `unexpected message ${JSON.stringify(String.fromCharCode(event.payload[0] ?? 0))} inside the stream block of transaction ${xid}`,
    );
  }

  /** Stream Commit: the spilled transaction, decoded in order as one transaction at this place in the stream. */
  private async commitStreamed(
    message: Extract<PgOutputMessage, { tag: 'streamCommit' }>,
    walStart: bigint,
  ): Promise<void> {
    const spill = this.spill(walStart);
    this.transaction = { commitLsn: message.commitLsn, commitTimeUs: message.commitTimeUs, index: 0, xid: message.xid };
    for await (const payload of spill.replay(message.xid)) {
      let spilled;
      try {
        spilled = decodePgOutput(payload, this.replayContext);
      } catch (error) {
        throw new ChangeDecodeError(
          this.source,
          message.commitLsn,
          `streamed transaction ${message.xid}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      const pending = this.dispatch(spilled, message.commitLsn);
      if (pending) await pending;
    }
    this.transaction = undefined;
    return this.handler.commit({ commit: message.endLsn, index: 0 }, message.commitTimeUs, message.xid);
  }

  private spill(lsn: bigint): TransactionSpill {
    if (!this.options.spill)
      throw new ChangeDecodeError(this.source, lsn, 'a streamed transaction arrived but streaming was not requested');
    return this.options.spill;
  }

  /** One message of a transaction (or between transactions), streamed or not. */
  private dispatch(message: PgOutputMessage, lsn: bigint): void | Promise<void> {
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
        const relation = this.relation(message.relationId, lsn);
        return this.handler.op(this.makeOp('insert', relation, { after: this.rowText(message.newTuple) }));
      }
      case 'update': {
        const relation = this.relation(message.relationId, lsn);
        const text: { -readonly [K in keyof OpText]: OpText[K] } = { after: this.rowText(message.newTuple) };
        // 'K': the key changed and only the old key columns mean anything; 'O': the whole old row.
        if (message.oldKind === 'K' && message.oldTuple) text.key = this.rowText(message.oldTuple, relation.keyIndexes);
        else if (message.oldKind === 'O' && message.oldTuple) text.before = this.rowText(message.oldTuple);
        return this.handler.op(this.makeOp('update', relation, text));
      }
      case 'delete': {
        const relation = this.relation(message.relationId, lsn);
        const text: OpText =
          message.oldKind === 'O'
            ? { before: this.rowText(message.oldTuple) }
            : { key: this.rowText(message.oldTuple, relation.keyIndexes) };
        return this.handler.op(this.makeOp('delete', relation, text));
      }
      case 'truncate':
        return this.truncate(message.relationIds, lsn);
      case 'message':
        // Transactional messages would arrive inside their transaction: we only emit non-transactional ones.
        if (!message.transactional && this.handler.message)
          return this.handler.message(message.prefix, message.content, message.lsn);
        return;
      case 'streamStart':
      case 'streamStop':
      case 'streamCommit':
      case 'streamAbort':
        throw new ChangeDecodeError(this.source, lsn, `${message.tag} inside a streamed transaction`);
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
