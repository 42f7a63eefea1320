import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { decodeBatch, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { startNatsCluster, until, type NatsCluster } from '@cdc/testenv';
import { jetStreamAvailability } from './jetstream-availability';
import { ChangePublisher } from './publisher';
import { Replication } from './replication';
import { ensureSourceStream } from './stream-setup';

// The publisher on a real 3-server cluster with an R3 stream: it waits out a lost quorum (two of
// three servers killed -9) with one error line once the outage passes the limit, and stores every
// message exactly once when the servers come back.
const silent = pino({ level: 'silent' });
let cluster: NatsCluster;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  cluster = await startNatsCluster({ name: 'outage' });
  nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  jetStreamAvailability.stop();
  await nc?.close();
  await cluster?.destroy();
});

const table: TableSchema = {
  schema: 'public',
  table: 't',
  hasKey: true,
  columns: [{ name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 }],
};

function insert(n: number): ChangeOp {
  const value = { kind: 'integer' as const, value: String(n) };
  return {
    kind: 'insert',
    table,
    key: [value],
    after: [value],
    position: { commit: BigInt(n), index: 0 },
    commitTimeUs: 1,
  };
}

test('a lost quorum: one error line after the limit, one line when it is back, every op stored once', async () => {
  const lines: Array<{ level: number; msg: string }> = [];
  jetStreamAvailability.configure({
    alertAfterMs: 2_000,
    log: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  });
  await ensureSourceStream(jsm, {
    source: 'outage',
    partitions: 1,
    destinations: ['d'],
    replication: Replication.of(nc, 3, silent),
  });
  const publisher = new ChangePublisher({
    js: jetstream(nc),
    source: 'outage',
    partitions: 1,
    log: silent,
    maxOps: 10,
    maxBytes: 100_000,
    maxDelayMs: 5,
    maxBufferedOps: 1_000,
    publishTimeoutMs: 1_000,
  });
  try {
    for (let n = 1; n <= 20; n++) publisher.add(insert(n));
    await publisher.flush();

    // The stream's leader and one follower: one copy of three is left, no majority.
    const leader = await cluster.waitForStreamLeader('CDC_outage');
    const other = cluster.servers.find((s) => s !== leader)!;
    await Promise.all([leader.kill(), other.kill()]);
    for (let n = 21; n <= 40; n++) publisher.add(insert(n));
    const flushed = publisher.flush();
    await until('the quorum-lost line', () => lines.some((l) => l.level === 50), 20_000);
    const alert = lines.find((l) => l.level === 50)!;
    assert.match(
      alert.msg,
      /^NATS JetStream has refused or timed out every write for \d+ s \(last: publish to cdc\.outage\.0: /,
    );
    assert.match(alert.msg, /the cluster has likely lost quorum/);

    await Promise.all([leader.start(), other.start()]);
    await flushed;
    await until('the recovery line', () => lines.some((l) => /accepts writes again/.test(l.msg)), 30_000);
    assert.equal(lines.filter((l) => l.level === 50).length, 1, 'one error line for the outage');
    // A message retried after a lost ack is stored once (its id): every op exactly once, in order.
    const stored: number[] = [];
    for (let seq = 1; ; seq++) {
      const message = await jsm.direct.getMessage('CDC_outage', { seq, next_by_subj: 'cdc.outage.0' });
      if (!message) break;
      for (const op of decodeBatch(message.data).ops) stored.push(Number(op.position.commit));
      seq = message.seq;
    }
    assert.deepEqual(
      stored,
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  } finally {
    publisher.close();
  }
});
