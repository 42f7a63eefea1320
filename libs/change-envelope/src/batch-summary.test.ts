import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeBatch, ChangeOp, TableSchema } from './change';
import { decodeBatchSummary, type BatchSummary } from './batch-summary';
import { decodeBatch, encodeBatch } from './codec';

// The applier counts a message's ops when it arrives and decodes them only when it applies
// them; a message must therefore fail the summary exactly when it would fail decodeBatch (the
// partition stops on it, unacknowledged), and the summary must say what the ops say.

const orders: TableSchema = {
  schema: 'public',
  table: 'orders',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'note', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
    { name: 'tags', type: 'text[]', key: false, nullable: true, typeOid: 1009, elementTypeOid: 25 },
  ],
};
const items: TableSchema = {
  schema: 'shop',
  table: 'items',
  hasKey: false,
  columns: [{ name: 'price', type: 'float8', key: false, nullable: true, typeOid: 701, elementTypeOid: 0 }],
};
const OPS: ChangeOp[] = [
  {
    kind: 'insert',
    table: orders,
    key: [{ kind: 'integer', value: '1' }],
    after: [
      { kind: 'integer', value: '1' },
      { kind: 'text', value: 'héllo' },
      { kind: 'array', value: [{ kind: 'text', value: 'a' }, { kind: 'null' }] },
    ],
    position: { commit: 0x16b3748n, index: 0, lane: 'ks/-80' },
    commitTimeUs: 1_700_000_000_000_000,
  },
  {
    kind: 'update',
    table: orders,
    key: [{ kind: 'integer', value: '-99999999999999999' }],
    before: [{ kind: 'integer', value: '1' }, { kind: 'unchanged' }, { kind: 'null' }],
    after: [{ kind: 'integer', value: '2' }, { kind: 'bytes', value: Uint8Array.from([0, 255]) }, { kind: 'null' }],
    position: { commit: 0xffff_ffff_ffffn, index: 1 },
    commitTimeUs: 1_700_000_000_000_001,
    barrier: [3, 7],
  },
  {
    kind: 'insert',
    table: items,
    key: [],
    after: [{ kind: 'float', value: 1.5 }],
    position: { commit: 0x16b3749n, index: 0, token: Uint8Array.from([9]) },
    commitTimeUs: 1_700_000_000_000_002,
  },
  {
    kind: 'truncate',
    table: orders,
    key: [],
    position: { commit: 0x16b3800n, index: 0 },
    commitTimeUs: 5,
    barrier: [1, 2, 3],
  },
  { kind: 'update', table: orders, key: [], position: { commit: 0x16b3800n, index: 1 }, commitTimeUs: 6, barrier: [4] },
  {
    kind: 'ddl',
    table: orders,
    key: [],
    position: { commit: 0x16b3801n, index: 0 },
    commitTimeUs: 0,
    ddl: 'ALTER TABLE x',
  },
];
const BATCH = encodeBatch({ source: 'shop', partition: 3, ops: OPS });

/** The summary as decodeBatch's ops give it. */
function expected(batch: ChangeBatch): BatchSummary {
  const counts: Array<{ schema: string; table: string; kind: ChangeOp['kind']; count: number }> = [];
  for (const op of batch.ops) {
    let entry = counts.find((c) => c.kind === op.kind && c.schema === op.table.schema && c.table === op.table.table);
    if (!entry) counts.push((entry = { schema: op.table.schema, table: op.table.table, kind: op.kind, count: 0 }));
    // A 'rows' op (a bulk chunk) counts the rows it carries.
    entry.count += op.kind === 'rows' ? (op.rows ?? 0) : 1;
  }
  return {
    ops: batch.ops.length,
    rows: counts.reduce((sum, entry) => sum + entry.count, 0),
    lastCommitTimeUs: batch.ops.length > 0 ? batch.ops[batch.ops.length - 1].commitTimeUs : 0,
    counts,
    barriers: batch.ops.flatMap((op, index) => ((op.barrier?.length ?? 0) >= 2 ? [index] : [])),
  };
}

function sameVerdict(bytes: Uint8Array, what: string): void {
  let decoded: ChangeBatch | undefined;
  let decodeError: unknown;
  try {
    decoded = decodeBatch(bytes);
  } catch (error) {
    decodeError = error;
  }
  let summary: BatchSummary | undefined;
  let summaryError: unknown;
  try {
    summary = decodeBatchSummary(bytes);
  } catch (error) {
    summaryError = error;
  }
  if (decoded === undefined) {
    assert.ok(summaryError, `${what}: decodeBatch failed (${(decodeError as Error).message}) but the summary did not`);
    assert.equal((summaryError as Error).message, (decodeError as Error).message, what);
    return;
  }
  assert.equal(summaryError, undefined, `${what}: the summary failed but decodeBatch did not`);
  assert.deepEqual(summary, expected(decoded), what);
}

test('the summary of a batch: op count, counts per table and kind, the last commit time, barriers of two or more', () => {
  assert.deepEqual(decodeBatchSummary(BATCH), {
    ops: 6,
    rows: 6,
    lastCommitTimeUs: 0,
    counts: [
      { schema: 'public', table: 'orders', kind: 'insert', count: 1 },
      { schema: 'public', table: 'orders', kind: 'update', count: 2 },
      { schema: 'shop', table: 'items', kind: 'insert', count: 1 },
      { schema: 'public', table: 'orders', kind: 'truncate', count: 1 },
      { schema: 'public', table: 'orders', kind: 'ddl', count: 1 },
    ],
    barriers: [1, 3],
  });
  assert.deepEqual(decodeBatchSummary(encodeBatch({ source: 's', partition: 0, ops: [] })), {
    ops: 0,
    rows: 0,
    lastCommitTimeUs: 0,
    counts: [],
    barriers: [],
  });
  sameVerdict(BATCH, 'the valid batch');
});

test('every truncation, byte change and random message fails the summary exactly when it fails decodeBatch', () => {
  for (let length = 0; length < BATCH.length; length += 1)
    sameVerdict(BATCH.subarray(0, length), `truncated to ${length}`);
  let state = 777;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  for (let round = 0; round < 20_000; round += 1) {
    const mutated = Uint8Array.from(BATCH);
    const flips = 1 + Math.floor(next() * 4);
    for (let i = 0; i < flips; i += 1) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
    sameVerdict(mutated, `mutation ${round}`);
    const noise = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
    sameVerdict(noise, `random bytes ${round}`);
  }
});
