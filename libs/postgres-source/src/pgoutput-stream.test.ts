import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePgOutput, POSTGRES_EPOCH_US, PgOutputDecodeError, streamedDataXid, tupleStrings } from './pgoutput';

// The streaming messages of pgoutput protocol 2+, byte by byte as "Logical Replication Message
// Formats" in the PostgreSQL documentation lays them out.

const u8 = (n: number) => Buffer.from([n]);
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
function i64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
}
const cstring = (text: string) => Buffer.concat([Buffer.from(text), u8(0)]);
const text = (value: string) => Buffer.concat([Buffer.from('t'), u32(Buffer.byteLength(value)), Buffer.from(value)]);

const STREAM_START = Buffer.concat([Buffer.from('S'), u32(4_000_000_001), u8(1)]);
const STREAM_STOP = Buffer.from('E');
// xid, flags, commit LSN, end LSN, commit time (µs since 2000-01-01)
const STREAM_COMMIT = Buffer.concat([
  Buffer.from('c'),
  u32(741),
  u8(0),
  i64(0x1_6b37_48n),
  i64(0x1_6b38_00n),
  i64(1000n),
]);
// xid, subtransaction xid, then with streaming = parallel: abort LSN, abort time
const STREAM_ABORT = Buffer.concat([Buffer.from('A'), u32(741), u32(742)]);
const STREAM_ABORT_PARALLEL = Buffer.concat([STREAM_ABORT, i64(0x2_0000_0010n), i64(2000n)]);

test('Stream Start, Stop, Commit and Abort decode to their fields', () => {
  assert.deepEqual(decodePgOutput(STREAM_START), { tag: 'streamStart', xid: 4_000_000_001, firstSegment: true });
  assert.deepEqual(decodePgOutput(Buffer.concat([Buffer.from('S'), u32(5), u8(0)])), {
    tag: 'streamStart',
    xid: 5,
    firstSegment: false,
  });
  assert.deepEqual(decodePgOutput(STREAM_STOP), { tag: 'streamStop' });
  assert.deepEqual(decodePgOutput(STREAM_COMMIT), {
    tag: 'streamCommit',
    xid: 741,
    commitLsn: 0x1_6b37_48n,
    endLsn: 0x1_6b38_00n,
    commitTimeUs: 1000 + POSTGRES_EPOCH_US,
  });
  assert.deepEqual(decodePgOutput(STREAM_ABORT), { tag: 'streamAbort', xid: 741, subxid: 742 });
  assert.deepEqual(decodePgOutput(STREAM_ABORT_PARALLEL, { abortInfo: true }), {
    tag: 'streamAbort',
    xid: 741,
    subxid: 742,
    abortLsn: 0x2_0000_0010n,
    abortTimeUs: 2000 + POSTGRES_EPOCH_US,
  });
  // Without parallel streaming the abort info is not there: asking for it is a truncation.
  assert.throws(() => decodePgOutput(STREAM_ABORT, { abortInfo: true }), PgOutputDecodeError);
});

test('inside a stream block each data message carries its (sub)transaction xid after the tag', () => {
  const relation = Buffer.concat([
    Buffer.from('R'),
    u32(742), // xid
    u32(16384),
    cstring('public'),
    cstring('t'),
    Buffer.from('d'),
    u16(1),
    u8(1),
    cstring('id'),
    u32(23),
    u32(0xffffffff),
  ]);
  const insert = Buffer.concat([Buffer.from('I'), u32(742), u32(16384), Buffer.from('N'), u16(1), text('7')]);
  const truncate = Buffer.concat([Buffer.from('T'), u32(741), u32(1), u8(2), u32(16384)]);
  const message = Buffer.concat([Buffer.from('M'), u32(741), u8(1), i64(9n), cstring('p'), u32(1), Buffer.from('x')]);
  for (const [payload, xid] of [
    [relation, 742],
    [insert, 742],
    [truncate, 741],
    [message, 741],
  ] as const)
    assert.equal(streamedDataXid(payload), xid);
  assert.equal(streamedDataXid(STREAM_STOP), undefined);
  assert.equal(streamedDataXid(STREAM_COMMIT), undefined);

  const decodedRelation = decodePgOutput(relation, { inStream: true });
  assert.equal(decodedRelation.tag === 'relation' && decodedRelation.table, 't');
  const decodedInsert = decodePgOutput(insert, { inStream: true });
  assert.ok(decodedInsert.tag === 'insert');
  assert.equal(decodedInsert.relationId, 16384);
  assert.deepEqual(tupleStrings(decodedInsert.newTuple), ['7']);
  assert.deepEqual(decodePgOutput(truncate, { inStream: true }), {
    tag: 'truncate',
    cascade: false,
    restartIdentity: true,
    relationIds: [16384],
  });
  const decodedMessage = decodePgOutput(message, { inStream: true });
  assert.ok(decodedMessage.tag === 'message' && decodedMessage.transactional && decodedMessage.prefix === 'p');
  // The same bytes read as outside a block are a different (wrong) message: the framing matters.
  assert.throws(() => decodePgOutput(insert), PgOutputDecodeError);
});

test('every truncation of a streaming message fails with PgOutputDecodeError', () => {
  for (const [message, context] of [
    [STREAM_START, {}],
    [STREAM_COMMIT, {}],
    [STREAM_ABORT, {}],
    [STREAM_ABORT_PARALLEL, { abortInfo: true }],
  ] as const) {
    for (let length = 1; length < message.length; length += 1)
      assert.throws(() => decodePgOutput(message.subarray(0, length), context), PgOutputDecodeError, `${length}`);
  }
  assert.throws(() => streamedDataXid(Buffer.from('I\x00\x01')), PgOutputDecodeError);
});
