import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCommitted, type PartitionProgress } from './committed';

const entry = (destination: string, partition: number, seq: number): PartitionProgress => ({
  source: 'pg1',
  destination,
  partition,
  seq,
  position: { commit: BigInt(seq * 100), index: 0 },
  appliedAtMs: 0,
  lastStreamSeq: 0,
});

test('committed is the lowest watermark over every partition of every destination', () => {
  const progress = [entry('a', 0, 7), entry('a', 1, 5), entry('b', 0, 9), entry('b', 1, 6)];
  const committed = computeCommitted('pg1', ['a', 'b'], 2, progress);
  assert.equal(committed?.seq, 5);
  assert.equal(committed?.position.commit, 500n);
});

test('a partition without progress holds the source back', () => {
  assert.equal(computeCommitted('pg1', ['a'], 3, [entry('a', 0, 7), entry('a', 1, 8)]), undefined);
});

test('progress of other sources and unconfigured destinations is ignored', () => {
  const other = { ...entry('a', 0, 1), source: 'pg2' };
  const committed = computeCommitted('pg1', ['a'], 1, [other, entry('a', 0, 4), entry('zombie', 0, 1)]);
  assert.equal(committed?.seq, 4);
});
