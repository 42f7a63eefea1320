import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeBatch, decodeWatermark, encodeBatch, encodeWatermark, EnvelopeDecodeError } from './codec';
import type { ChangeBatch, TableSchema } from './change';
import type { Value } from './value';
import { NULL_VALUE, UNCHANGED_VALUE } from './value';
import { cdc } from './generated/change';

const table: TableSchema = {
  schema: 'public',
  table: 'Weird "Name"',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'payload', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  ],
};

const everyKind: Value[] = [
  NULL_VALUE,
  UNCHANGED_VALUE,
  { kind: 'boolean', value: true },
  { kind: 'boolean', value: false },
  { kind: 'integer', value: '0' },
  { kind: 'integer', value: '-9223372036854775808' },
  { kind: 'integer', value: '9223372036854775807' },
  { kind: 'integer', value: '-42' },
  { kind: 'unsigned', value: '18446744073709551615' },
  { kind: 'float', value: 1.5 },
  { kind: 'float', value: Number.NaN },
  { kind: 'float', value: Number.NEGATIVE_INFINITY },
  { kind: 'decimal', value: '-12345678901234567890.000000000001' },
  { kind: 'text', value: "it's \u0000-free but ünïcødé 🚀" },
  { kind: 'bytes', value: new Uint8Array([0, 1, 254, 255]) },
  { kind: 'json', value: '{"a": [1, 2, {"b": null}]}' },
  { kind: 'date', value: '2024-02-29' },
  { kind: 'time', value: '23:59:59.999999' },
  { kind: 'timestamp', value: '2024-02-29 23:59:59.123456' },
  { kind: 'timestamptz', value: '2024-02-29 23:59:59.123456+00' },
  { kind: 'uuid', value: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' },
  { kind: 'enum', value: 'happy' },
  { kind: 'interval', value: '1 year 2 mons 3 days 04:05:06.789' },
  {
    kind: 'array',
    value: [
      { kind: 'array', value: [{ kind: 'integer', value: '1' }, NULL_VALUE] },
      { kind: 'array', value: [] },
    ],
  },
];

test('a batch with every value kind survives encode/decode unchanged', () => {
  const batch: ChangeBatch = {
    source: 'pg1',
    partition: 5,
    ops: [
      {
        kind: 'update',
        table,
        key: [{ kind: 'integer', value: '9223372036854775807' }],
        before: everyKind,
        after: everyKind,
        position: { commit: 0xffff_ffff_ffff_fff0n, index: 7 },
        commitTimeUs: 1_732_000_000_123_456,
      },
      {
        kind: 'truncate',
        table,
        key: [],
        position: { commit: 0x1_0000_0000n, index: 0, token: new Uint8Array([1, 2, 3]) },
        commitTimeUs: 0,
        barrier: [0, 1, 2, 300],
      },
      {
        kind: 'ddl',
        table,
        key: [],
        ddl: 'ALTER TABLE t ADD c int',
        position: { commit: 2n, index: 1 },
        commitTimeUs: 1,
      },
    ],
  };
  const decoded = decodeBatch(encodeBatch(batch));
  assert.equal(decoded.source, 'pg1');
  assert.equal(decoded.partition, 5);
  assert.equal(decoded.ops.length, 3);
  const [update, truncate, ddl] = decoded.ops;
  assert.deepEqual(update.table, table);
  assert.deepEqual(update.after, everyKind.map(normalizeBytes));
  assert.deepEqual(update.before, everyKind.map(normalizeBytes));
  assert.deepEqual(update.key, [{ kind: 'integer', value: '9223372036854775807' }]);
  assert.deepEqual(update.position, { commit: 0xffff_ffff_ffff_fff0n, index: 7 });
  assert.equal(update.commitTimeUs, 1_732_000_000_123_456);
  assert.equal(truncate.kind, 'truncate');
  assert.equal(truncate.after, undefined);
  assert.deepEqual(Array.from(truncate.position.token ?? []), [1, 2, 3]);
  assert.deepEqual(truncate.barrier, [0, 1, 2, 300]);
  assert.equal(update.barrier, undefined, 'no barrier unless set');
  assert.equal(ddl.ddl, 'ALTER TABLE t ADD c int');
  assert.equal(decoded.ops[0].table, decoded.ops[1].table, 'one schema object per table in a batch');
});

function normalizeBytes(value: Value): Value {
  return value.kind === 'bytes' ? { kind: 'bytes', value: Buffer.from(value.value) } : value;
}

test('a watermark survives encode/decode', () => {
  const watermark = {
    source: 'pg1',
    seq: 123456789,
    position: { commit: 0x16b3748n, index: 0 },
    timeUs: 1_732_000_000_000_001,
  };
  assert.deepEqual(decodeWatermark(encodeWatermark(watermark)), watermark);
});

test('truncated or foreign bytes give an EnvelopeDecodeError, never a half-decoded batch', () => {
  const bytes = encodeBatch({
    source: 'pg1',
    partition: 1,
    ops: [{ kind: 'insert', table, key: [], after: everyKind, position: { commit: 1n, index: 0 }, commitTimeUs: 0 }],
  });
  assert.throws(() => decodeBatch(bytes.subarray(0, bytes.length - 5)), EnvelopeDecodeError);
  assert.throws(() => decodeBatch(Buffer.from('{"not":"protobuf"}')), EnvelopeDecodeError);
});

test('the committed generated code matches proto/cdc/v1/change.proto', async () => {
  const root = resolve(__dirname, '../../..');
  const out = mkdtempSync(join(tmpdir(), 'proto-'));
  execFileSync(
    process.execPath,
    [
      '-e',
      `import(${JSON.stringify(join(root, 'tools/proto/generate.mjs'))}).then(m => m.generate(${JSON.stringify(out)}))`,
    ],
    { stdio: 'pipe' },
  );
  for (const file of ['change.js', 'change.d.ts']) {
    assert.equal(
      readFileSync(join(out, file), 'utf8'),
      readFileSync(join(__dirname, 'generated', file), 'utf8'),
      `${file} is stale: run npm run proto`,
    );
  }
});

test('the hand-written batch codec matches the generated protobuf code in both directions', () => {
  const batch: ChangeBatch = {
    source: 'pg1',
    partition: 3,
    ops: [
      {
        kind: 'update',
        table,
        key: [{ kind: 'integer', value: '-9223372036854775808' }],
        before: everyKind,
        after: everyKind,
        position: { commit: 0x1_2345_6789n, index: 70000, token: new Uint8Array([9]) },
        commitTimeUs: 1_732_000_000_123_456,
        barrier: [3, 700],
      },
      {
        kind: 'delete',
        table,
        key: [{ kind: 'integer', value: '0' }],
        position: { commit: 0n, index: 0 },
        commitTimeUs: -5,
      },
    ],
  };
  const ours = encodeBatch(batch);
  const generated = cdc.v1.ChangeBatch.decode(ours);
  // Re-encoding what the generated decoder read gives the same bytes: same fields, same numbers.
  assert.deepEqual(Buffer.from(cdc.v1.ChangeBatch.encode(generated).finish()), Buffer.from(ours));
  assert.equal(generated.ops[0].key?.[0].integer?.toString(), '-9223372036854775808');
  assert.deepEqual(generated.ops[0].barrier, [3, 700]);
  assert.deepEqual(decodeBatch(ours).ops[0].barrier, [3, 700]);
  assert.equal(generated.ops[0].after?.[6].integer?.toString(), '9223372036854775807');
  assert.equal(generated.ops[0].after?.[8].unsigned?.toString(), '18446744073709551615');
  assert.equal(generated.ops[0].after?.[19].timestamptz, '2024-02-29 23:59:59.123456+00');
  assert.equal(generated.tables[0].columns?.[0].name, 'id');
  assert.deepEqual(decodeBatch(cdc.v1.ChangeBatch.encode(generated).finish()), decodeBatch(ours));
});
