import { test } from 'node:test';
import Long from 'long';
import assert from 'node:assert/strict';
import type { ChangeOp } from '@cdc/change-envelope';
import { binlogdata } from './generated/vitess';
import { formatVgtid } from './gtid';
import { VStreamDecoder } from './vstream-decoder';

// The event sequences below are the ones vtgate v0.22 sends (go/vt/vtgate/vstream_manager.go):
// per shard, a transaction's events in one group ending at its COMMIT, and for a reshard
// journal with include_reshard_journal_events or stop_on_reshard, the JOURNAL event followed
// by the rest of its transaction (VGTID, COMMIT) before the stream moves on or ends.
const T = binlogdata.VEventType;
const KEYSPACE = 'customer';

type Event = binlogdata.IVEvent;

function vgtid(shards: Record<string, number>): binlogdata.IVGtid {
  return {
    shardGtids: Object.entries(shards).map(([shard, n]) => ({
      keyspace: KEYSPACE,
      shard,
      gtid: `MariaDB/0-1-${n}`,
    })),
  };
}

const on = (shard: string, event: Event): Event => ({ ...event, keyspace: KEYSPACE, shard });

function insertTransaction(shard: string, id: number, position: Record<string, number>): Event[] {
  return [
    on(shard, { type: T.BEGIN, timestamp: Long.fromNumber(1_700_000_000) }),
    on(shard, {
      type: T.FIELD,
      fieldEvent: {
        tableName: `${KEYSPACE}.t`,
        fields: [{ name: 'id', type: 265 /* INT64 */, columnType: 'bigint', flags: 2 | 1 }],
      },
    }),
    on(shard, {
      type: T.ROW,
      rowEvent: {
        tableName: `${KEYSPACE}.t`,
        rowChanges: [{ after: { lengths: [Long.fromNumber(String(id).length)], values: Buffer.from(String(id)) } }],
      },
    }),
    { type: T.VGTID, vgtid: vgtid(position) },
    on(shard, { type: T.COMMIT }),
  ];
}

function journalTransaction(shard: string, position: Record<string, number>): Event[] {
  return [
    on(shard, { type: T.BEGIN, timestamp: Long.fromNumber(1_700_000_001) }),
    on(shard, {
      type: T.JOURNAL,
      journal: {
        migrationType: binlogdata.MigrationType.SHARDS,
        participants: [{ keyspace: KEYSPACE, shard }],
        shardGtids: [
          { keyspace: KEYSPACE, shard: '-80', gtid: 'MariaDB/0-2-10' },
          { keyspace: KEYSPACE, shard: '80-', gtid: 'MariaDB/0-3-10' },
        ],
      },
    }),
    { type: T.VGTID, vgtid: vgtid(position) },
    on(shard, { type: T.COMMIT }),
  ];
}

function decoderFor(start: binlogdata.IVGtid) {
  const resumable: string[] = [];
  const ops: ChangeOp[] = [];
  const journals: string[] = [];
  const decoder = new VStreamDecoder({
    source: 'test',
    keyspace: KEYSPACE,
    start,
    lookupTable: async () => undefined,
    handlers: {
      op: (op) => void ops.push(op),
      resumable: (position) => void resumable.push(formatVgtid(position)),
      copyCompleted: () => undefined,
      journal: (_journal, lane) => void journals.push(lane),
    },
  });
  return { decoder, resumable, ops, journals };
}

test('a VGtid past the reshard journal of a shard it still names is never resumable', async () => {
  const { decoder, resumable, ops, journals } = decoderFor(vgtid({ '0': 100 }));
  await decoder.handle(insertTransaction('0', 1, { '0': 101 }));
  await decoder.handle(journalTransaction('0', { '0': 102 }));
  // Heartbeats while vtgate waits for the other participants (or ends the stream).
  await decoder.handle([{ type: T.HEARTBEAT }]);
  assert.deepEqual(journals, [`${KEYSPACE}/0`]);
  assert.equal(ops.length, 1);
  const last = resumable[resumable.length - 1];
  assert.match(last, /MariaDB\/0-1-101/, 'the resume point stays before the journal transaction');
  assert.ok(
    !resumable.some((position) => position.includes('0-1-102')),
    `never past the journal: ${resumable.join(' | ')}`,
  );
});

test('once vtgate has moved to the new shards, their positions are resumable again', async () => {
  const { decoder, resumable } = decoderFor(vgtid({ '0': 100 }));
  await decoder.handle(journalTransaction('0', { '0': 101 }));
  // vtgate replaced the old shard by the journal's shard_gtids; the new shards stream on.
  await decoder.handle(insertTransaction('-80', 5, { '-80': 11, '80-': 10 }));
  const last = resumable[resumable.length - 1];
  assert.match(last, /-80/);
  assert.doesNotMatch(last, /customer\/0[@:]/);
  assert.ok(!resumable.some((position) => position.includes('0-1-101')));
});

test('a journal of one shard among several holds the resume point for every shard until the switch', async () => {
  const { decoder, resumable, ops } = decoderFor(vgtid({ '-80': 50, '80-': 70 }));
  await decoder.handle(insertTransaction('-80', 1, { '-80': 51, '80-': 70 }));
  await decoder.handle(journalTransaction('-80', { '-80': 52, '80-': 70 }));
  // The other participant still streams its own changes before it reaches its journal.
  await decoder.handle(insertTransaction('80-', 2, { '-80': 52, '80-': 71 }));
  assert.equal(ops.length, 2, 'ops after the journal are still handed over (re-read and skipped after a restart)');
  assert.ok(
    !resumable.some((position) => position.includes('0-1-52')),
    `no resume point past the journal of -80: ${resumable.join(' | ')}`,
  );
  assert.match(resumable[resumable.length - 1], /0-1-51/);
});
