import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePgOutput, PgOutputDecodeError } from './pgoutput';

// Random and truncated pgoutput messages: the decoder returns a message or throws
// PgOutputDecodeError, never another error, and never loops.

function u8(n: number): Buffer {
  return Buffer.from([n]);
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
}
const cstring = (text: string) => Buffer.concat([Buffer.from(text), u8(0)]);
const text = (value: string) => Buffer.concat([Buffer.from('t'), u32(Buffer.byteLength(value)), Buffer.from(value)]);
const tuple = (...values: Buffer[]) => Buffer.concat([u16(values.length), ...values]);

/** One valid message of each kind the decoder knows. */
const VALID: Buffer[] = [
  Buffer.concat([Buffer.from('B'), u64(0x16b3748n), u64(1000n), u32(777)]),
  Buffer.concat([Buffer.from('C'), u8(0), u64(0x16b3748n), u64(0x16b3800n), u64(1000n)]),
  Buffer.concat([Buffer.from('O'), u64(5n), cstring('origin')]),
  Buffer.concat([
    Buffer.from('R'),
    u32(16384),
    cstring('public'),
    cstring('orders'),
    Buffer.from('d'),
    u16(2),
    u8(1),
    cstring('id'),
    u32(20),
    u32(0xffffffff),
    u8(0),
    cstring('note'),
    u32(25),
    u32(0xffffffff),
  ]),
  Buffer.concat([Buffer.from('Y'), u32(70000), cstring('public'), cstring('mood')]),
  Buffer.concat([Buffer.from('I'), u32(16384), Buffer.from('N'), tuple(text('1'), text('hello'))]),
  Buffer.concat([
    Buffer.from('U'),
    u32(16384),
    Buffer.from('O'),
    tuple(text('1'), Buffer.from('n')),
    Buffer.from('N'),
    tuple(text('1'), Buffer.from('u')),
  ]),
  Buffer.concat([Buffer.from('D'), u32(16384), Buffer.from('K'), tuple(text('1'), Buffer.from('n'))]),
  Buffer.concat([Buffer.from('T'), u32(1), u8(0), u32(16384)]),
  Buffer.concat([Buffer.from('M'), u8(1), u64(9n), cstring('prefix'), u32(3), Buffer.from('abc')]),
  // Streaming of in-progress transactions (protocol 2+)
  Buffer.concat([Buffer.from('S'), u32(741), u8(1)]),
  Buffer.from('E'),
  Buffer.concat([Buffer.from('c'), u32(741), u8(0), u64(0x16b3748n), u64(0x16b3800n), u64(1000n)]),
  Buffer.concat([Buffer.from('A'), u32(741), u32(742)]),
];

/** A small deterministic PRNG, so a failure can be reproduced. */
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

function decodesOrFailsTyped(input: Buffer, what: string): void {
  try {
    decodePgOutput(input);
  } catch (error) {
    if (!(error instanceof PgOutputDecodeError)) {
      assert.fail(`${what}: ${input.toString('hex')} threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    }
  }
}

test('every valid message decodes', () => {
  for (const message of VALID) assert.doesNotThrow(() => decodePgOutput(message), message.subarray(0, 1).toString());
});

test('every truncation of every message fails with PgOutputDecodeError or decodes', () => {
  for (const message of VALID) {
    for (let length = 0; length < message.length; length += 1) {
      decodesOrFailsTyped(message.subarray(0, length), `truncated to ${length}`);
    }
  }
});

test('random byte changes and random buffers fail with PgOutputDecodeError or decode', () => {
  const next = random(20261123);
  const started = Date.now();
  for (let round = 0; round < 20_000; round += 1) {
    const base = VALID[Math.floor(next() * VALID.length)];
    const mutated = Buffer.from(base);
    const flips = 1 + Math.floor(next() * 4);
    for (let i = 0; i < flips; i += 1) mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
    decodesOrFailsTyped(mutated, `mutation round ${round}`);
    const noise = Buffer.from(Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)));
    decodesOrFailsTyped(noise, `random round ${round}`);
  }
  assert.ok(Date.now() - started < 20_000, 'decoding garbage must stay fast');
});
