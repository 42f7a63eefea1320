import {
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { decodeBatch, encodeBatch, HEADER_MSG_ID, positionText, type ChangeOp, type Value } from '@cdc/change-envelope';
import { Replication } from './replication';

/**
 * One stream for every destination's dead letters. Each op has a subject of its own,
 * cdc.dlq.<destination>.<source>.<partition>.<position token>, so "is this op stored already?"
 * is one last-by-subject read instead of a scan of the destination's dead letters (a scan per
 * rejected op made a rejection storm quadratic).
 */
export const DEAD_LETTER_STREAM = 'CDC_DLQ';
const DEAD_LETTER_SUBJECTS = 'cdc.dlq.>';

/** The subjects of one destination's dead letters, optionally of one source: for filters. */
export function deadLetterSubject(destination: string, source?: string): string {
  return source === undefined ? `cdc.dlq.${destination}.>` : `cdc.dlq.${destination}.${source}.>`;
}

function deadLetterOpSubject(destination: string, source: string, partition: number, position: string): string {
  // A position may hold '.' (a Vitess lane such as "ks.x/-80"), which splits subject tokens.
  return `cdc.dlq.${destination}.${source}.${partition}.${Buffer.from(position).toString('base64url')}`;
}

/** What is stored with a dead-lettered op: enough to read it without decoding the op. */
export interface DeadLetterRecord {
  readonly destination: string;
  readonly source: string;
  readonly partition: number;
  /** Source table, "schema.table". */
  readonly table: string;
  readonly kind: ChangeOp['kind'];
  /** The row's key values, rendered for reading. */
  readonly key: string;
  /** Source position, "[lane@]commit:index". */
  readonly position: string;
  /** Sequence of the message that carried the op in the source stream CDC_<source>. */
  readonly streamSeq: number;
  /** The destination's rejection, one line. */
  readonly error: string;
  readonly code?: string;
  /** ISO time it was set aside. */
  readonly at: string;
}

export interface StoredDeadLetter extends DeadLetterRecord {
  /** Sequence in CDC_DLQ: the id `cdc dlq replay --id` takes. */
  readonly id: number;
  readonly op: ChangeOp;
}

/** Limits retention: a dead letter stays until it is replayed (or the stream is purged by hand). */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  replication: Replication = Replication.single(),
): Promise<void> {
  try {
    let info = await jsm.streams.info(DEAD_LETTER_STREAM);
    // A stream made by an earlier version took only cdc.dlq.<destination>.<source>; widen it
    // (its stored letters stay listed per destination: cdc.dlq.<destination>.> matches both forms).
    if (!info.config.subjects?.includes(DEAD_LETTER_SUBJECTS))
      info = await jsm.streams.update(DEAD_LETTER_STREAM, { ...info.config, subjects: [DEAD_LETTER_SUBJECTS] });
    await replication.reconcile(jsm, info);
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== 10059) throw error;
  }
  await replication.addStream(jsm, {
    name: DEAD_LETTER_STREAM,
    subjects: [DEAD_LETTER_SUBJECTS],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    duplicate_window: 2 * 60 * 1_000_000_000,
    allow_direct: true,
  });
}

/**
 * Stores the op and resolves once JetStream has it (the caller then moves its checkpoint past
 * the op). The message id makes a retry after a lost PubAck store it once.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  record: Omit<DeadLetterRecord, 'table' | 'kind' | 'key' | 'position' | 'at'>,
  op: ChangeOp,
): Promise<number> {
  const full: DeadLetterRecord = {
    ...record,
    table: `${op.table.schema}.${op.table.table}`,
    kind: op.kind,
    key: renderKey(op.key),
    position: positionText(op.position),
    at: new Date().toISOString(),
  };
  const subject = deadLetterOpSubject(record.destination, record.source, record.partition, full.position);
  // An applier killed after storing a dead letter but before moving its checkpoint rejects the
  // op again after its restart. Within the duplicate window the message id drops the second
  // copy; after it, this lookup does (two copies would both be replayed: applied twice).
  const jsm = await js.jetstreamManager();
  const existing = await jsm.direct.getMessage(DEAD_LETTER_STREAM, { last_by_subj: subject });
  if (existing) return existing.seq;
  const encoded = encodeBatch({ source: record.source, partition: record.partition, ops: [op] });
  const body = JSON.stringify({ ...full, op: Buffer.from(encoded).toString('base64') });
  const h = headers();
  h.set(HEADER_MSG_ID, `${record.destination}.${record.source}.${record.partition}.${full.position}`);
  const ack = await js.publish(subject, body, { headers: h });
  return ack.seq;
}

/** Every dead letter of a destination (optionally one source), oldest first. */
export async function listDeadLetters(
  jsm: JetStreamManager,
  destination: string,
  source?: string,
): Promise<StoredDeadLetter[]> {
  try {
    await jsm.streams.info(DEAD_LETTER_STREAM);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) return [];
    throw error;
  }
  const subject = deadLetterSubject(destination, source);
  const entries: StoredDeadLetter[] = [];
  for (let seq = 1; ;) {
    const stored = await jsm.direct.getMessage(DEAD_LETTER_STREAM, { seq, next_by_subj: subject });
    if (!stored) break;
    let parsed: DeadLetterRecord & { op: string };
    try {
      parsed = JSON.parse(new TextDecoder().decode(stored.data)) as DeadLetterRecord & { op: string };
    } catch (error) {
      throw new Error(`${DEAD_LETTER_STREAM} message ${stored.seq} is not a dead letter: ${String(error)}`, {
        cause: error,
      });
    }
    const ops = decodeBatch(Buffer.from(parsed.op, 'base64')).ops;
    entries.push({ ...parsed, id: stored.seq, op: ops[0] });
    seq = stored.seq + 1;
  }
  return entries;
}

export async function removeDeadLetter(jsm: JetStreamManager, id: number): Promise<void> {
  await jsm.streams.deleteMessage(DEAD_LETTER_STREAM, id);
}

function renderKey(key: readonly Value[]): string {
  return `(${key
    .map((value) => {
      if (!('value' in value)) return value.kind;
      const v: unknown = value.value;
      if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
      return typeof v === 'string' ? v : JSON.stringify(v);
    })
    .join(', ')})`;
}
