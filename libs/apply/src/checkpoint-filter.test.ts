import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { checkpointOfRow, decodeCheckpointLanes, encodeCheckpointLanes, opsAfterCheckpoint } from './checkpoint-filter';

const table: TableSchema = { schema: 'public', table: 't', hasKey: true, columns: [] };
const op = (commit: number, index: number): ChangeOp => ({
  kind: 'insert',
  table,
  key: [],
  position: { commit: BigInt(commit), index },
  commitTimeUs: 0,
});
const positions = (ops: ChangeOp[]) => ops.map((o) => `${o.position.commit}:${o.position.index}`);

test('without a checkpoint every op is pending', () => {
  assert.deepEqual(positions(opsAfterCheckpoint([op(1, 0), op(1, 1)], undefined)), ['1:0', '1:1']);
});

test('ops at or below the checkpoint are skipped', () => {
  const ops = [op(1, 0), op(1, 1), op(2, 0), op(3, 0)];
  const checkpoint = { streamSeq: 9, lanes: new Map([['', { commit: 2n, index: 0 }]]) };
  assert.deepEqual(positions(opsAfterCheckpoint(ops, checkpoint)), ['3:0']);
});

test('a re-published run inside one batch is applied once', () => {
  const ops = [op(1, 0), op(2, 0), op(2, 1), op(2, 0), op(2, 1), op(3, 0)];
  assert.deepEqual(positions(opsAfterCheckpoint(ops, undefined)), ['1:0', '2:0', '2:1', '3:0']);
});

const onLane = (lane: string, commit: number, index: number, kind: ChangeOp['kind'] = 'insert'): ChangeOp => ({
  ...op(commit, index),
  kind,
  position: { commit: BigInt(commit), index, lane },
});
const lanePositions = (ops: ChangeOp[]) =>
  ops.map((o) => `${o.position.lane}@${o.position.commit}:${o.position.index}`);

test('lanes (Vitess shards) are ordered each on its own', () => {
  const checkpoint = {
    streamSeq: 3,
    lanes: new Map([
      ['ks/-80', { commit: 100n, index: 0, lane: 'ks/-80' }],
      ['ks/80-', { commit: 5n, index: 2, lane: 'ks/80-' }],
    ]),
  };
  const ops = [onLane('ks/80-', 5, 2), onLane('ks/80-', 6, 0), onLane('ks/-80', 99, 0), onLane('ks/-80', 101, 0)];
  assert.deepEqual(lanePositions(opsAfterCheckpoint(ops, checkpoint)), ['ks/80-@6:0', 'ks/-80@101:0']);
  // A lane the checkpoint has never seen (a new shard after a reshard) starts fresh.
  assert.deepEqual(lanePositions(opsAfterCheckpoint([onLane('ks/-40', 1, 0)], checkpoint)), ['ks/-40@1:0']);
});

test('a copy-phase row on a lane is applied when its snapshot is not older than the checkpoint, whatever its index', () => {
  const checkpoint = { streamSeq: 3, lanes: new Map([['ks/0', { commit: 40n, index: 900, lane: 'ks/0' }]]) };
  const ops = [
    onLane('ks/0', 39, 1000, 'snapshot-row'), // read at an older snapshot: stale image, skipped
    onLane('ks/0', 40, 3, 'snapshot-row'), // re-read after a resumed copy at the same snapshot
    onLane('ks/0', 40, 2, 'insert'), // a transaction at or below the checkpoint stays skipped
  ];
  assert.deepEqual(lanePositions(opsAfterCheckpoint(ops, checkpoint)), ['ks/0@40:3']);
  // Postgres snapshot rows (lane '') keep the strict rule.
  const pg = { streamSeq: 3, lanes: new Map([['', { commit: 40n, index: 900 }]]) };
  assert.deepEqual(opsAfterCheckpoint([{ ...op(40, 3), kind: 'snapshot-row' }], pg), []);
});

test('checkpoint lanes survive their text form', () => {
  const lanes = new Map([
    ['', { commit: 18446744073709551615n, index: 4 }],
    ['ks/80-', { commit: 12n, index: 0, lane: 'ks/80-' }],
  ]);
  const text = encodeCheckpointLanes(lanes);
  assert.equal(text, '{"":"18446744073709551615:4","ks/80-":"12:0"}');
  assert.deepEqual(decodeCheckpointLanes(text), lanes);
  assert.throws(() => decodeCheckpointLanes('{"x":"12"}'), /lane "x" is not "<commit>:<index>"/);
  assert.throws(() => decodeCheckpointLanes('[1]'), /must be a JSON object/);
});

test("a sink's checkpoint row: none without a row or before its first write; else the sequence and the lanes", () => {
  assert.equal(checkpointOfRow(undefined), undefined);
  assert.equal(checkpointOfRow({ stream_seq: null, positions: null }), undefined);
  const lanes = new Map([['ks/-80', { commit: 5n, index: 1, lane: 'ks/-80' }]]);
  assert.deepEqual(checkpointOfRow({ stream_seq: '42', positions: encodeCheckpointLanes(lanes) }), {
    streamSeq: 42,
    lanes,
  });
  assert.equal(checkpointOfRow({ stream_seq: null, positions: '{}' })?.streamSeq, 0);
});
