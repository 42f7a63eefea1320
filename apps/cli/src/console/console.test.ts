import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceStatus } from '../status';
import { SampleHistory } from './history';
import { findProblems } from './problems';
import { isLoopback, parseListen } from './server';

function status(overrides: Partial<SourceStatus> = {}): SourceStatus {
  return {
    source: 'shop',
    type: 'postgres',
    committedSeq: 10,
    committedPosition: '0/1',
    slot: { name: 'cdc_shop', active: true, confirmedFlush: '0/1', lagBytes: '0' },
    partitions: [0, 1].map((partition) => ({
      destination: 'replica',
      partition,
      pendingMessages: 0,
      unackedMessages: 0,
      lastAppliedWatermark: 10,
      lastAppliedPosition: '0/1',
      lastAppliedAt: null,
      oldestUnappliedCommitAt: null,
      oldestUnappliedAgeSeconds: 0,
      owner: 'a',
    })),
    appliers: [{ destination: 'replica', instance: 'a', ownedPartitions: 2 }],
    ...overrides,
  };
}

test('findProblems: a healthy pipeline has none', () => {
  assert.deepEqual(findProblems([status()], [{ destination: 'replica', count: 0, lastError: null }]), []);
});

test('findProblems: no applier, unowned partitions, an inactive slot, a slot near its WAL limit or invalidated, stale changes, dead letters, an unreadable source', () => {
  const texts = (statuses: SourceStatus[], dead = 0) =>
    findProblems(statuses, [{ destination: 'replica', count: dead, lastError: dead ? 'value too long' : null }]).map(
      (p) => `${p.severity} ${p.where}: ${p.text}`,
    );
  const base = status();
  assert.deepEqual(texts([status({ appliers: [], partitions: base.partitions.map((p) => ({ ...p, owner: null })) })]), [
    'error destination replica: no applier is running: 2 partitions of shop are not applied',
  ]);
  assert.deepEqual(texts([status({ partitions: [base.partitions[0], { ...base.partitions[1], owner: null }] })]), [
    'error destination replica: no applier owns partitions p1 of shop',
  ]);
  assert.match(
    texts([status({ slot: { ...base.slot!, active: false, lagBytes: '500' } })])[0],
    /^error source shop: slot cdc_shop is inactive: no reader is streaming \(lag 500 bytes/,
  );
  assert.deepEqual(
    texts([status({ slot: { ...base.slot!, problem: 'source shop: replication slot "cdc_shop" holds …' } })]),
    ['warning source shop: replication slot "cdc_shop" holds …'],
  );
  assert.deepEqual(
    texts([
      status({ slot: { ...base.slot!, invalidated: 'wal_removed', problem: 'source shop: … cdc resnapshot …' } }),
    ]),
    ['error source shop: … cdc resnapshot …'],
  );
  assert.deepEqual(
    texts([status({ partitions: [{ ...base.partitions[0], oldestUnappliedAgeSeconds: 75 }, base.partitions[1]] })]),
    ['warning destination replica: 1 partitions of shop have changes waiting longer than 30 s (oldest 75 s)'],
  );
  assert.deepEqual(texts([status()], 3), [
    'warning destination replica: 3 dead letters (cdc dlq list); last: value too long',
  ]);
  assert.match(
    texts([status({ sourceError: 'postgres://x:***@h/db: ECONNREFUSED' })])[0],
    /^error source shop: cannot read the source: .*ECONNREFUSED/,
  );
});

test('SampleHistory: rates between samples, applied summed over destinations, counters going back give no rate', () => {
  const history = new SampleHistory(60_000);
  const sample = (at: number, published: number, a: number, b: number | null) => ({
    at,
    published,
    applied: { a, b },
    lagBytes: 7,
    copiedRows: { t: at / 10 },
  });
  history.add('shop', sample(0, 100, 10, 0));
  history.add('shop', sample(2_000, 300, 50, 20));
  history.add('shop', sample(4_000, 50, 60, null));
  assert.deepEqual(history.rates('shop'), [
    { at: 2_000, publishedPerSecond: 100, appliedPerSecond: 30, lagBytes: 7 },
    { at: 4_000, publishedPerSecond: null, appliedPerSecond: null, lagBytes: 7 },
  ]);
  assert.equal(history.copyRate('shop', 't', 4_000), 100);
  history.add('shop', sample(70_000, 60, 70, 1));
  assert.equal(history.of('shop').length, 1, 'samples older than the window are dropped');
});

test('--listen: host:port, [v6]:port, :port; loopback told apart', () => {
  assert.deepEqual(parseListen('127.0.0.1:9480'), { host: '127.0.0.1', port: 9480 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseListen(':8080'), { host: '127.0.0.1', port: 8080 });
  assert.throws(() => parseListen('9480'), /--listen takes host:port/);
  assert.throws(() => parseListen('h:99999'), /--listen takes host:port/);
  assert.equal(isLoopback('127.0.0.1'), true);
  assert.equal(isLoopback('::1'), true);
  assert.equal(isLoopback('0.0.0.0'), false);
  assert.equal(isLoopback('10.0.0.5'), false);
});
