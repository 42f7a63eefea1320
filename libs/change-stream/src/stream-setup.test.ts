import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  AckPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstreamManager,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { startNats, type NatsServer } from '@cdc/testenv';
import { PartitionCountMismatchError, consumerName, ensureSourceStream } from './stream-setup';

let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startNats({ name: 'stream-setup' });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

async function consumers(stream: string): Promise<Map<string, ConsumerInfo>> {
  const result = new Map<string, ConsumerInfo>();
  for await (const consumer of jsm.consumers.list(stream)) result.set(consumer.name, consumer);
  return result;
}

test('ensureSourceStream creates an interest-retention stream with direct get, the partition count and a durable per destination and partition', async () => {
  await ensureSourceStream(jsm, { source: 'shop', partitions: 3, destinations: ['replica', 'warehouse'] });

  const info = await jsm.streams.info('CDC_shop');
  assert.deepEqual(info.config.subjects, ['cdc.shop.*']);
  assert.equal(info.config.retention, RetentionPolicy.Interest);
  assert.equal(info.config.allow_direct, true);
  assert.equal(info.config.metadata?.cdc_partitions, '3');
  assert.equal(info.config.storage, StorageType.File);
  assert.equal(info.config.discard, DiscardPolicy.New);
  assert.equal(info.config.duplicate_window, 120 * 1_000_000_000);

  const found = await consumers('CDC_shop');
  assert.deepEqual([...found.keys()].sort(), [
    'replica_p0',
    'replica_p1',
    'replica_p2',
    'warehouse_p0',
    'warehouse_p1',
    'warehouse_p2',
  ]);
  for (const destination of ['replica', 'warehouse']) {
    for (let partition = 0; partition < 3; partition += 1) {
      const consumer = found.get(consumerName(destination, partition));
      assert.ok(consumer);
      assert.equal(consumer.config.durable_name, `${destination}_p${partition}`, 'durable');
      assert.equal(consumer.config.filter_subject, `cdc.shop.${partition}`, 'one partition subject each');
      assert.equal(consumer.config.ack_policy, AckPolicy.All);
      assert.equal(consumer.config.ack_wait, 120 * 1_000_000_000);
    }
  }

  // Interest retention with those consumers: a published message stays until every destination acked it.
  await nc.request('cdc.shop.1', new TextEncoder().encode('x'));
  assert.equal((await jsm.streams.info('CDC_shop')).state.messages, 1);
});

test('calling ensureSourceStream again is idempotent and adds the consumers of a new destination', async () => {
  await ensureSourceStream(jsm, { source: 'again', partitions: 2, destinations: ['a'] });
  const before = await consumers('CDC_again');
  await ensureSourceStream(jsm, { source: 'again', partitions: 2, destinations: ['a', 'b'] });
  const afterwards = await consumers('CDC_again');
  assert.deepEqual([...afterwards.keys()].sort(), ['a_p0', 'a_p1', 'b_p0', 'b_p1']);
  for (const name of ['a_p0', 'a_p1'])
    assert.equal(afterwards.get(name)?.created, before.get(name)?.created, `${name} was kept, not recreated`);
  const info = await jsm.streams.info('CDC_again');
  assert.equal(info.config.metadata?.cdc_partitions, '2');
});

test('a different partition count for an existing stream throws PartitionCountMismatchError naming both counts', async () => {
  await ensureSourceStream(jsm, { source: 'fixed', partitions: 4, destinations: ['d'] });
  let thrown: unknown;
  try {
    await ensureSourceStream(jsm, { source: 'fixed', partitions: 6, destinations: ['d', 'late'] });
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof PartitionCountMismatchError, `expected PartitionCountMismatchError, got ${thrown}`);
  assert.equal(thrown.name, 'PartitionCountMismatchError');
  assert.match(thrown.message, /\b4 partitions\b/);
  assert.match(thrown.message, /\b6\b/);
  assert.match(thrown.message, /CDC_fixed/);
  // Refused before anything changed: same metadata, no consumers for the extra partitions or destination.
  const info = await jsm.streams.info('CDC_fixed');
  assert.equal(info.config.metadata?.cdc_partitions, '4');
  assert.deepEqual([...(await consumers('CDC_fixed')).keys()].sort(), ['d_p0', 'd_p1', 'd_p2', 'd_p3']);

  // Fewer partitions is refused too.
  await assert.rejects(
    ensureSourceStream(jsm, { source: 'fixed', partitions: 2, destinations: ['d'] }),
    (error: Error) =>
      error instanceof PartitionCountMismatchError && /4 partitions/.test(error.message) && /\b2\b/.test(error.message),
  );
});
