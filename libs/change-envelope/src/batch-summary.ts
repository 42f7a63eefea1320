import type { ChangeKind } from './change';
import { OpFields, opTable, readBatch, readOpFields } from './batch-reader';

/** What a change batch holds, read without building its ops (see decodeBatchSummary). */
export interface BatchSummary {
  readonly ops: number;
  /** Rows the ops change: one per op, a 'rows' op its rows (what bounds a batch's work). */
  readonly rows: number;
  /** The last op's commit time (microseconds), 0 without ops. */
  readonly lastCommitTimeUs: number;
  /** Rows changed per table and kind (a 'rows' op counts its rows), in order of first appearance. */
  readonly counts: ReadonlyArray<{
    readonly schema: string;
    readonly table: string;
    readonly kind: ChangeKind;
    count: number;
  }>;
  /** Indexes of the ops that carry a barrier of two or more partitions. */
  readonly barriers: readonly number[];
}

/**
 * Walks a change batch the way decodeBatch reads it (the one reader of batch-reader.ts), with the
 * same checks and so the same failures, but builds no op and no value: an applier learns a message's op count, what its
 * metrics need and where its barriers are when it arrives, and decodes the ops only when it
 * builds their statements (a decoded op is several times its wire size and would otherwise
 * wait on the heap for a destination connection). batch-summary.test.ts holds the two to the
 * same verdict on every corruption of a message it tries.
 */
export function decodeBatchSummary(bytes: Uint8Array): BatchSummary {
  return readBatch(bytes, (reader, { tables, opSpans }) => {
    const counts: Array<{ schema: string; table: string; kind: ChangeKind; count: number }> = [];
    const barriers: number[] = [];
    const fields = new OpFields();
    let lastCommitTimeUs = 0;
    let rows = 0;
    for (let i = 0; i < opSpans.length; i += 2) {
      reader.pos = opSpans[i];
      readOpFields(reader, opSpans[i + 1], fields, false);
      const { schema, table } = opTable(fields, tables, i / 2);
      const { kind } = fields;
      const opRows = kind === 'rows' ? fields.rows : 1;
      if (fields.barrierCount >= 2) barriers.push(i / 2);
      lastCommitTimeUs = fields.commitTimeUs;
      let entry: (typeof counts)[number] | undefined = counts[counts.length - 1];
      if (entry === undefined || entry.kind !== kind || entry.schema !== schema || entry.table !== table) {
        entry = counts.find((c) => c.kind === kind && c.schema === schema && c.table === table);
        if (entry === undefined) counts.push((entry = { schema, table, kind, count: 0 }));
      }
      entry.count += opRows;
      rows += opRows;
    }
    return { ops: opSpans.length / 2, rows, lastCommitTimeUs, counts, barriers };
  });
}
