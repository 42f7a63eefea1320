import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, Column, TableSchema, Value } from '@cdc/change-envelope';
import { rowRulesSink } from './row-rules';
import type { Sink, SinkBatch } from './sink';

const column = (name: string, valueKind: string, key = false): Column => ({
  name,
  type: valueKind === 'integer' ? 'int4' : 'text',
  key,
  nullable: !key,
  typeOid: 0,
  elementTypeOid: 0,
  valueKind,
});
const events: TableSchema = {
  schema: 'public',
  table: 'events',
  hasKey: true,
  columns: [column('id', 'integer', true), column('kind', 'text'), column('email', 'text')],
};
const row = (id: number, kind: string, email: string): Value[] => [
  { kind: 'integer', value: String(id) },
  { kind: 'text', value: kind },
  { kind: 'text', value: email },
];
const op = (kind: ChangeOp['kind'], after: Value[], before?: Value[]): ChangeOp => ({
  kind,
  table: events,
  key: [after[0]],
  after,
  ...(before ? { before } : {}),
  position: { commit: 1n, index: 0 },
  commitTimeUs: 0,
});

function recordingSink(): { sink: Sink; batches: SinkBatch[] } {
  const batches: SinkBatch[] = [];
  return {
    batches,
    sink: {
      readCheckpoint: async () => undefined,
      applyBatch: async (batch) => {
        batches.push(batch);
        return { applied: batch.ops.length, skipped: 0, checkpoint: undefined };
      },
      close: async () => undefined,
    },
  };
}

test('the destination filter and transforms run once per op, filter on clear values first', async () => {
  const { sink, batches } = recordingSink();
  const wrapped = rowRulesSink(sink, {
    destination: 'dw',
    filterOf: (schema, table) => (table === 'events' ? "kind <> 'debug'" : undefined),
    transformsOf: () => ({ email: { kind: 'mask_email', onKey: false } }),
  });
  await wrapped.applyBatch({
    source: 'shop',
    partition: 0,
    lastStreamSeq: 3,
    ops: [
      op('insert', row(1, 'click', 'ann@x.io')),
      op('insert', row(2, 'debug', 'bo@x.io')),
      op('update', row(3, 'debug', 'cy@x.io'), row(3, 'click', 'cy@x.io')),
    ],
  });
  assert.equal(batches.length, 1);
  assert.equal(batches[0].lastStreamSeq, 3);
  assert.deepEqual(
    batches[0].ops.map((o) => [o.kind, (o.after?.[2] as { value?: string } | undefined)?.value, o.key[0]]),
    [
      ['insert', 'a**@x.io', { kind: 'integer', value: '1' }],
      ['delete', undefined, { kind: 'integer', value: '3' }],
    ],
  );
});

test('a filter or transform that cannot apply stops with one line naming destination, source, table and column', async () => {
  const { sink } = recordingSink();
  const badFilter = rowRulesSink(sink, {
    destination: 'dw',
    filterOf: () => "knd = 'x'",
    transformsOf: () => undefined,
  });
  await assert.rejects(
    badFilter.applyBatch({ source: 'shop', partition: 0, lastStreamSeq: 1, ops: [op('insert', row(1, 'a', 'b'))] }),
    /^TransformError: destination dw, source shop, table public\.events: filter "knd = 'x'": unknown column "knd"/,
  );
  const onKey = rowRulesSink(sink, {
    destination: 'dw',
    filterOf: () => undefined,
    transformsOf: () => ({ id: { kind: 'hash', onKey: false } }),
    transformKey: 'k'.repeat(32),
  });
  await assert.rejects(
    onKey.applyBatch({ source: 'shop', partition: 0, lastStreamSeq: 1, ops: [op('insert', row(1, 'a', 'b'))] }),
    /destination dw, source shop, table public\.events, column id: transform hash is on a key column/,
  );
});
