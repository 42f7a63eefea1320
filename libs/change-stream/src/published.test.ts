import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { startNats, type NatsServer } from '@cdc/testenv';
import { ChangePublisher } from './publisher';
import { readPublishedPosition } from './published';
import { ensureSourceStream } from './stream-setup';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'published-test' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const table: TableSchema = { schema: 'public', table: 'orders', hasKey: true, columns: [] };

function op(commit: bigint, key: number): ChangeOp {
  return {
    kind: 'insert',
    table,
    key: [{ kind: 'integer', value: String(key) }],
    after: [{ kind: 'integer', value: String(key) }],
    position: { commit, index: 0 },
    commitTimeUs: 0,
  };
}

test('the published position: the highest last message of the partitions, a watermark or a data message', async () => {
  const jsm = await jetstreamManager(nc);
  await ensureSourceStream(jsm, { source: 'moving', partitions: 3, destinations: ['d'] });
  assert.equal(await readPublishedPosition(jsm, 'moving', 3), undefined, 'nothing published');

  const publisher = new ChangePublisher({
    js: jetstream(nc),
    source: 'moving',
    partitions: 3,
    log,
    maxOps: 1,
    maxBytes: 1e6,
    maxDelayMs: 1,
    maxBufferedOps: 1e6,
  });
  // Keys spread over the partitions; partition 2 may stay empty, which adds nothing.
  publisher.add(op(100n, 1));
  publisher.add(op(200n, 2));
  await publisher.flush();
  const data = await readPublishedPosition(jsm, 'moving', 3);
  assert.equal(data, 200n, 'the last data message');

  // A watermark goes to every partition: the highest is its position now.
  publisher.addWatermark({ source: 'moving', seq: 1, position: { commit: 350n, index: 0 }, timeUs: 0 });
  await publisher.flush();
  publisher.close();
  assert.equal(await readPublishedPosition(jsm, 'moving', 3), 350n);
});
