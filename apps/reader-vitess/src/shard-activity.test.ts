import { test } from 'node:test';
import assert from 'node:assert/strict';
import Long from 'long';
import { ShardActivity } from './shard-activity';

const vgtid = (...shards: string[]) => ({ shardGtids: shards.map((shard) => ({ keyspace: 'ks', shard, gtid: 'x' })) });

test('the newest event time per streamed shard, from numbers (our ROW reader) and Longs (protobufjs)', () => {
  const activity = new ShardActivity('src', 'ks');
  activity.streaming(vgtid('80-', '-80'));
  activity.seen([
    { shard: '-80', timestamp: 1_700_000_000 as unknown as Long },
    { shard: '-80', timestamp: Long.fromNumber(1_700_000_005) },
    { shard: '80-', timestamp: 0 as unknown as Long }, // no time: ignored
    { timestamp: Long.fromNumber(1_700_000_009) }, // no shard: ignored
  ]);
  activity.seen([{ shard: '-80', timestamp: 1_600_000_000 as unknown as Long }]); // older: kept the newer
  const state = activity.state(new Date('2023-11-14T22:13:30Z'));
  assert.deepEqual(state.shards, [
    { shard: '-80', lastEventAt: new Date(1_700_000_005_000).toISOString() },
    { shard: '80-', lastEventAt: null },
  ]);
  assert.equal(state.keyspace, 'ks');
});

test('a reshard: the old shards leave the record, the pass is kept (the last ten), across restarts', () => {
  const activity = new ShardActivity('src', 'ks');
  activity.streaming(vgtid('0'));
  activity.seen([{ shard: '0', timestamp: 1_700_000_000 as unknown as Long }]);
  activity.passed('ks/0', 'ks/-80, ks/80-', new Date('2026-12-07T00:00:00Z'));
  activity.streaming(vgtid('-80', '80-'));
  const state = activity.state();
  assert.deepEqual(
    state.shards.map((s) => s.shard),
    ['-80', '80-'],
  );
  assert.deepEqual(state.reshards, [{ from: 'ks/0', to: 'ks/-80, ks/80-', at: '2026-12-07T00:00:00.000Z' }]);

  const restarted = new ShardActivity('src', 'ks');
  restarted.restore(state);
  for (let i = 0; i < 12; i += 1) restarted.passed(`a${i}`, `b${i}`);
  assert.equal(restarted.state().reshards.length, 10);
  assert.equal(restarted.state().reshards.at(-1)?.from, 'a11');
  // Another keyspace's record is not carried over.
  const other = new ShardActivity('src', 'other');
  other.restore(state);
  assert.deepEqual(other.state().reshards, []);
});
