import { test } from 'node:test';
import assert from 'node:assert/strict';
import Long from 'long';
import { binlogdata, vtgate } from './generated/vitess';
import { decodeVStreamResponse } from './vstream-wire';

// The lean decoder reads ROW events itself and hands every other event to the generated code:
// both must see what the generated decoder sees.
const T = binlogdata.VEventType;

function row(values: Array<string | null>) {
  const parts: Array<Buffer | null> = values.map((value) => (value === null ? null : Buffer.from(value)));
  return {
    lengths: parts.map((part) => Long.fromNumber(part === null ? -1 : part.length)),
    values: Buffer.concat(parts.flatMap((part) => (part === null ? [] : [part]))),
  };
}

test('ROW events read by the lean decoder equal what the generated decoder reads; other events pass through', () => {
  const response = vtgate.VStreamResponse.encode({
    events: [
      { type: T.BEGIN, timestamp: Long.fromNumber(1_700_000_000), keyspace: 'ks', shard: '-80' },
      {
        type: T.FIELD,
        fieldEvent: { tableName: 'ks.t', fields: [{ name: 'id' }, { name: 'v' }] },
        keyspace: 'ks',
        shard: '-80',
      },
      {
        type: T.ROW,
        timestamp: Long.fromNumber(1_700_000_001),
        rowEvent: {
          tableName: 'ks.t',
          rowChanges: [
            { after: row(['1', 'é ü']) },
            { before: row(['2', null]), after: row(['2', '']) },
            { before: row(['3', 'x'.repeat(300)]) },
          ],
          isInternalTable: false,
        },
        keyspace: 'ks',
        shard: '-80',
      },
      { type: T.VGTID, vgtid: { shardGtids: [{ keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-5' }] } },
      { type: T.COMMIT, keyspace: 'ks', shard: '-80' },
    ],
  }).finish();
  const lean = decodeVStreamResponse(response);
  const generated = vtgate.VStreamResponse.decode(response).events;
  assert.equal(lean.length, generated.length);
  for (const [i, event] of lean.entries()) {
    const want = generated[i];
    assert.equal(event.type, want.type);
    assert.equal(event.keyspace, want.keyspace);
    assert.equal(event.shard, want.shard);
    if (event.type !== T.ROW) {
      assert.deepEqual(event, want, 'decoded by the generated code');
      continue;
    }
    assert.equal(Number(event.timestamp), Number(want.timestamp));
    assert.equal(event.rowEvent?.tableName, want.rowEvent?.tableName);
    const rows = (r: { lengths?: Array<Long | number> | null; values?: Uint8Array | null } | null | undefined) =>
      r ? { lengths: (r.lengths ?? []).map(Number), values: Buffer.from(r.values ?? []).toString('utf8') } : undefined;
    assert.deepEqual(
      event.rowEvent?.rowChanges?.map((c) => [rows(c.before), rows(c.after)]),
      want.rowEvent?.rowChanges?.map((c) => [rows(c.before), rows(c.after)]),
    );
  }
});
