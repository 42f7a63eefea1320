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

test('random batches: the byte writer gives exactly the generated code bytes, and the same ops back', () => {
  let state = 7;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const text = () => {
    // Short ASCII, short non-ASCII, and strings around and past the one-byte length boundary.
    const length = pick([0, 1, 5, 42, 43, 127, 128, 129, 300, 0, 1, 5, 20_000]);
    const alphabet = pick(['abc', 'aé', 'x🚀', 'ü']);
    let result = '';
    while (result.length < length) result += pick([...alphabet]);
    return result;
  };
  const integer = () =>
    pick([
      '0',
      '-1',
      '127',
      '128',
      '-64',
      '-65',
      String(2 ** 31),
      String(-(2 ** 31) - 1),
      '999999999999999',
      '-999999999999999',
      '1000000000000000',
      '-9223372036854775808',
      '9223372036854775807',
      '4503599627370497',
    ]);
  const value = (depth: number): Value => {
    switch (
      pick([
        'null',
        'unchanged',
        'boolean',
        'integer',
        'unsigned',
        'float',
        'bytes',
        'array',
        'text',
        'interval',
        'json',
      ])
    ) {
      case 'null':
        return NULL_VALUE;
      case 'unchanged':
        return UNCHANGED_VALUE;
      case 'boolean':
        return { kind: 'boolean', value: next() < 0.5 };
      case 'integer':
        return { kind: 'integer', value: integer() };
      case 'unsigned':
        return { kind: 'unsigned', value: pick(['0', '1', '18446744073709551615', '9007199254740993', '300']) };
      case 'float':
        return { kind: 'float', value: pick([0, -0.5, 1e300, Number.NaN, Number.POSITIVE_INFINITY]) };
      case 'bytes':
        return { kind: 'bytes', value: new Uint8Array(pick([0, 3, 200])).map((_, i) => i) };
      case 'array':
        return {
          kind: 'array',
          value: depth > 2 ? [] : Array.from({ length: pick([0, 1, 3, 40]) }, () => value(depth + 1)),
        };
      case 'interval':
        return { kind: 'interval', value: text() };
      case 'json':
        return { kind: 'json', value: text() };
      default:
        return { kind: 'text', value: text() };
    }
  };
  const tables: TableSchema[] = Array.from({ length: 140 }, (_, i) => ({
    ...table,
    table: `t${i}${i % 7 === 0 ? 'é'.repeat(90) : ''}`,
  }));
  const kinds = ['insert', 'update', 'delete', 'truncate', 'ddl', 'snapshot-row'] as const;
  for (let round = 0; round < 60; round += 1) {
    const ops = Array.from({ length: pick([1, 2, 10, 150]) }, () => {
      const row = () => Array.from({ length: pick([0, 1, 4]) }, () => value(0));
      const op: { -readonly [K in keyof ChangeBatch['ops'][number]]: ChangeBatch['ops'][number][K] } = {
        kind: pick(kinds),
        table: pick(tables),
        key: row(),
        position: {
          commit: pick([0n, 1n, 0x1_2345_6789n, 2n ** 53n + 1n, 2n ** 64n - 1n]),
          index: pick([0, 1, 200, 2 ** 32 - 1]),
        },
        commitTimeUs: pick([0, -5, 1_732_000_000_123_456, 2 ** 53 - 1]),
      };
      if (next() < 0.3) op.before = row();
      if (next() < 0.7) op.after = row();
      if (next() < 0.1) op.ddl = text();
      if (next() < 0.1) op.barrier = [0, pick([1, 300, 70000])];
      if (next() < 0.1) op.position = { ...op.position, token: new Uint8Array([1, 2]), lane: text() };
      return op;
    });
    const batch: ChangeBatch = { source: pick(['', 's', text()]), partition: pick([0, 1, 200]), ops };
    const ours = encodeBatch(batch);
    const generated = cdc.v1.ChangeBatch.encode(cdc.v1.ChangeBatch.decode(ours)).finish();
    assert.deepEqual(Buffer.from(ours), Buffer.from(generated), `round ${round}: canonical protobuf bytes`);
    const decoded = decodeBatch(ours);
    assert.equal(decoded.ops.length, ops.length);
    assert.deepEqual(
      decoded.ops.map((op) => [op.kind, op.table.table, op.key.map(normalize), op.position.commit, op.commitTimeUs]),
      ops.map((op) => [op.kind, op.table.table, op.key.map((v) => normalize(v)), op.position.commit, op.commitTimeUs]),
      `round ${round}: decodes to the same ops`,
    );
  }
});

/** Values compared by content: integers as canonical decimal text (64-bit wrap included), bytes as numbers. */
function normalize(value: Value): unknown {
  if (value.kind === 'integer') return { kind: 'integer', value: BigInt.asIntN(64, BigInt(value.value)).toString() };
  if (value.kind === 'bytes') return { kind: 'bytes', value: [...value.value] };
  if (value.kind === 'array') return { kind: 'array', value: value.value.map(normalize) };
  return value;
}
