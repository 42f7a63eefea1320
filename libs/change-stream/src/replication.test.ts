import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jetstreamManager, type ConsumerInfo, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { startNats, startNatsCluster, until, type NatsCluster, type NatsServer } from '@cdc/testenv';
import { ensureDeadLetterStream, DEAD_LETTER_STREAM } from './dead-letter';
import { openBucket, Replication, ReplicasUnavailableError } from './replication';
import { ensureSourceStream } from './stream-setup';

const log = pino({ level: 'silent' });
let cluster: NatsCluster;
let single: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  [cluster, single] = await Promise.all([
    startNatsCluster({ name: 'replication' }),
    startNats({ name: 'replication' }),
  ]);
  nc = await connect({ servers: cluster.urls });
  // Placing and catching up copies can take longer than the 5 s default on a loaded machine (a
  // clean-clone run timed out scaling a stream to three): the services retry such a timeout at
  // start-up (withJetStreamRetry); this test calls the steps once, so it gives them more time.
  jsm = await jetstreamManager(nc, { timeout: 30_000 });
});

after(async () => {
  await nc?.close();
  await Promise.all([cluster?.destroy(), single?.destroy()]);
});

test('the check refuses what the cluster the client sees cannot hold, in one line', async () => {
  await Replication.withView(1, { server: 'nats://a:4222' }).assertPlaceable('x');
  await assert.rejects(
    Replication.withView(3, { server: 'nats://a:4222' }).assertPlaceable('stream CDC_shop'),
    new ReplicasUnavailableError(
      'nats.replicas is 3 but the NATS server at nats://a:4222 is not part of a cluster, so stream CDC_shop cannot have 3 copies: ' +
        'run a JetStream cluster of at least 3 servers, or set nats.replicas: 1',
    ),
  );
  await assert.rejects(
    Replication.withView(5, {
      server: 'nats://a:4222',
      cluster: 'east',
      connectUrls: ['a:4222', 'b:4222', 'c:4222'],
    }).assertPlaceable('KV bucket cdc_progress'),
    /^ReplicasUnavailableError: nats.replicas is 5 but the NATS cluster "east" has 3 servers reachable \(a:4222, b:4222, c:4222\), so KV bucket cdc_progress cannot have 5 copies/,
  );
  // no_advertise hides the servers: JetStream's own answer decides (see explain()).
  await Replication.withView(3, { server: 'nats://a:4222', cluster: 'east' }).assertPlaceable('x');
});

test('replicas 3: the source stream, its consumers, the dead letters and the KV buckets get three copies', async () => {
  const replication = Replication.of(nc, 3, log);
  await ensureSourceStream(jsm, { source: 'r3', partitions: 2, destinations: ['d'], replication });
  await ensureDeadLetterStream(jsm, replication);
  const kv = await openBucket(nc, 'r3_bucket', { history: 1 }, replication);
  await kv.put('k', 'v');
  for (const stream of ['CDC_r3', DEAD_LETTER_STREAM, 'KV_r3_bucket']) {
    const info = await jsm.streams.info(stream);
    assert.equal(info.config.num_replicas, 3, stream);
    assert.equal(info.cluster?.replicas?.length, 2, `${stream} has two followers`);
  }
  for (const consumer of ['d_p0', 'd_p1']) {
    const info = await jsm.consumers.info('CDC_r3', consumer);
    assert.equal(info.cluster?.replicas?.length, 2, `consumer ${consumer} has the stream's three copies`);
  }
});

test('an existing stream and bucket with one copy are scaled to three, consumers too, messages kept', async () => {
  await ensureSourceStream(jsm, { source: 'grow', partitions: 1, destinations: ['d'] });
  await openBucket(nc, 'grow_bucket', { history: 1 });
  const js = jsm.jetstream();
  await js.publish('cdc.grow.0', 'kept');
  assert.equal((await jsm.streams.info('CDC_grow')).config.num_replicas, 1);

  const lines: string[] = [];
  const capture = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line).msg) });
  const replication = Replication.of(nc, 3, capture);
  await ensureSourceStream(jsm, { source: 'grow', partitions: 1, destinations: ['d'], replication });
  await openBucket(nc, 'grow_bucket', { history: 1 }, replication);
  assert.deepEqual(lines, [
    'scaled stream CDC_grow from 1 to 3 replicas',
    'scaled stream KV_grow_bucket from 1 to 3 replicas',
  ]);
  // While a stream or consumer is scaled, its info request can time out (its new group is
  // electing a leader): that counts as "not yet".
  let info: StreamInfo | undefined;
  await until(
    'CDC_grow on 3 current replicas',
    async () => {
      info = await jsm.streams.info('CDC_grow');
      return info.cluster?.replicas?.length === 2 && info.cluster.replicas.every((r) => r.current);
    },
    { timeoutMs: 60_000, intervalMs: 200, retryErrors: true },
  );
  assert.equal(info?.state.messages, 1);
  assert.equal((await jsm.streams.info('KV_grow_bucket')).config.num_replicas, 3);
  // Probed with a short timeout: a consumer whose copies are being placed may not answer at once.
  const probe = await jetstreamManager(nc, { timeout: 2_000 });
  let consumer: ConsumerInfo | undefined;
  await until(
    'consumer d_p0 on 3 replicas',
    async () => {
      consumer = await probe.consumers.info('CDC_grow', 'd_p0');
      return consumer.cluster?.replicas?.length === 2;
    },
    { timeoutMs: 60_000, intervalMs: 200, retryErrors: true },
  );
  assert.equal(consumer?.num_pending, 1);
});

test('replicas 5 on a 3-server cluster, and 3 on a single server: one line, nothing created', async () => {
  const five = Replication.of(nc, 5, log, 300);
  await assert.rejects(
    ensureSourceStream(jsm, { source: 'five', partitions: 1, destinations: ['d'], replication: five }),
    (error: Error) => {
      assert.ok(error instanceof ReplicasUnavailableError);
      assert.match(error.message, /^nats\.replicas is 5 but the NATS cluster "cdc" has 3 servers reachable/);
      return true;
    },
  );
  await assert.rejects(openBucket(nc, 'five_bucket', {}, five), ReplicasUnavailableError);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  assert.ok(!names.includes('CDC_five') && !names.includes('KV_five_bucket'), names.join(', '));

  const alone = await connect({ servers: single.url });
  try {
    const aloneJsm = await jetstreamManager(alone);
    await assert.rejects(
      ensureSourceStream(aloneJsm, {
        source: 'alone',
        partitions: 1,
        destinations: ['d'],
        replication: Replication.of(alone, 3, log),
      }),
      new RegExp(
        `^ReplicasUnavailableError: nats.replicas is 3 but the NATS server at 127.0.0.1:${single.port} is not part of a cluster`,
      ),
    );
    assert.equal((await aloneJsm.getAccountInfo()).streams, 0);
  } finally {
    await alone.close();
  }
});
