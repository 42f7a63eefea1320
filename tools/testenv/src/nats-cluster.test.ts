import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { startNatsCluster, until, type NatsCluster } from './index';

let cluster: NatsCluster;
let nc: NatsConnection;

before(async () => {
  cluster = await startNatsCluster({ name: 'testenv-cluster' });
  nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
});

after(async () => {
  await nc?.close().catch(() => undefined);
  await cluster?.destroy();
});

test('three servers with routes form one JetStream meta group', async () => {
  assert.equal(cluster.servers.length, 3);
  assert.deepEqual(
    cluster.servers.map((s) => s.name),
    ['testenv-cluster-n1', 'testenv-cluster-n2', 'testenv-cluster-n3'],
  );
  const leader = await cluster.waitForMetaLeader();
  assert.ok(cluster.servers.includes(leader));
  for (const server of cluster.servers) {
    const routes = await server.monitor<{ num_routes: number }>('/routez');
    assert.ok((routes?.num_routes ?? 0) >= 2, `${server.name} routes to both others`);
  }
  const jsm = await jetstreamManager(nc);
  const account = await jsm.getAccountInfo();
  assert.equal(account.streams, 0);
});

test('an R3 stream keeps its messages through a kill -9 of its leader, and a wiped server catches up', async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'R3', subjects: ['r3.>'], num_replicas: 3, storage: StorageType.File });
  const js = jsm.jetstream();
  for (let i = 0; i < 20; i++) await js.publish('r3.a', `m${i}`, { msgID: `m${i}` });
  const leader = await cluster.waitForStreamLeader('R3');
  const info = await jsm.streams.info('R3');
  assert.equal(info.cluster?.leader, leader.name);
  assert.equal(info.cluster?.replicas?.length, 2);

  const { killed, successor: next } = await cluster.killStreamLeader('R3');
  assert.equal(killed, leader);
  assert.equal(leader.isRunning(), false);
  assert.notEqual(next.name, leader.name);
  // Published with a new leader and a server down: the remaining two are a quorum.
  for (let i = 20; i < 30; i++) await js.publish('r3.a', `m${i}`, { msgID: `m${i}`, timeout: 10_000 });

  await leader.wipeStore();
  assert.equal(existsSync(leader.storeDir), false);
  await leader.start();
  await cluster.waitForCurrent();
  // The wiped server has no messages of its own: it is current once it copied them from its peers.
  await waitForStreamOn(leader, 'R3', 30);
  assert.equal((await jsm.streams.info('R3')).state.messages, 30);
});

async function waitForStreamOn(
  server: NatsCluster['servers'][number],
  stream: string,
  messages: number,
): Promise<void> {
  let seen = -1;
  await until(
    `${server.name} to hold ${messages} messages of ${stream}`,
    async () => {
      const jsz = await server.monitor<{
        account_details?: Array<{ stream_detail?: Array<{ name: string; state?: { messages: number } }> }>;
      }>('/jsz?acc=$G&streams=true');
      seen = jsz?.account_details?.[0]?.stream_detail?.find((s) => s.name === stream)?.state?.messages ?? -1;
      return seen === messages;
    },
    30_000,
    200,
  ).catch(() => assert.fail(`${server.name} holds ${seen} messages of ${stream}, expected ${messages}`));
}
