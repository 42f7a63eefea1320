import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, TableSchema } from './change';
import { EnvelopeDecodeError, decodeBatch, decodeWatermark, encodeBatch, encodeWatermark } from './codec';

// A malformed or truncated JetStream message: decoding returns a batch or throws
// EnvelopeDecodeError (the applier then stops the partition with that error instead of
// acknowledging anything), never another error and never a hang.

const table: TableSchema = {
  schema: 'public',
  table: 'orders',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'note', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
    { name: 'tags', type: 'text[]', key: false, nullable: true, typeOid: 1009, elementTypeOid: 25 },
  ],
};
const ops: ChangeOp[] = [
  {
    kind: 'insert',
    table,
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
    table,
    key: [{ kind: 'integer', value: '1' }],
    before: [{ kind: 'integer', value: '1' }, { kind: 'unchanged' }, { kind: 'null' }],
    after: [{ kind: 'integer', value: '1' }, { kind: 'bytes', value: Uint8Array.from([0, 255]) }, { kind: 'null' }],
    position: { commit: 0x16b3748n, index: 1 },
    commitTimeUs: 1_700_000_000_000_000,
  },
  { kind: 'ddl', table, key: [], position: { commit: 0x16b3800n, index: 0 }, commitTimeUs: 0, ddl: 'ALTER TABLE x' },
];
const BATCH = encodeBatch({ source: 'shop', partition: 3, ops });
const WATERMARK = encodeWatermark({
  source: 'shop',
  seq: 42,
  position: { commit: 7n, index: 0, token: Uint8Array.from([1, 2, 3]) },
  timeUs: 5,
});

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function typedOrOk(decode: () => unknown, what: string): void {
  try {
    decode();
  } catch (error) {
    if (!(error instanceof EnvelopeDecodeError)) {
      assert.fail(`${what}: threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    }
  }
}

test('the valid batch and watermark round-trip, lane included', () => {
  const batch = decodeBatch(BATCH);
  assert.equal(batch.ops.length, 3);
  assert.equal(batch.ops[0].position.lane, 'ks/-80');
  assert.equal(batch.ops[1].position.lane, undefined);
  assert.equal(decodeWatermark(WATERMARK).seq, 42);
});

test('every truncation of a batch and of a watermark fails typed or decodes', () => {
  for (let length = 0; length < BATCH.length; length += 1) {
    typedOrOk(() => decodeBatch(BATCH.subarray(0, length)), `batch truncated to ${length}`);
  }
  for (let length = 0; length < WATERMARK.length; length += 1) {
    typedOrOk(() => decodeWatermark(WATERMARK.subarray(0, length)), `watermark truncated to ${length}`);
  }
});

test('random byte changes and random bytes fail typed or decode, quickly', () => {
  const next = random(4242);
  const started = Date.now();
  for (let round = 0; round < 20_000; round += 1) {
    const mutated = Uint8Array.from(BATCH);
    const flips = 1 + Math.floor(next() * 4);
    for (let i = 0; i < flips; i += 1) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
    typedOrOk(() => decodeBatch(mutated), `batch mutation ${round}`);
    const noise = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
    typedOrOk(() => decodeBatch(noise), `random batch ${round}`);
    typedOrOk(() => decodeWatermark(noise), `random watermark ${round}`);
  }
  assert.ok(Date.now() - started < 30_000, 'decoding garbage must stay fast');
});
