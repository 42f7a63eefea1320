import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { HEADER_KIND, decodeBatch, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { startNats, until, type NatsServer } from '@cdc/testenv';
import { ChangePublisher, type PauseReason } from './publisher';
import { ensureSourceStream } from './stream-setup';

// A source stream with max_bytes: when it is full the publisher holds its messages (the reader
// then stops reading the source), reports the pause, loses and doubles nothing, and goes on by
// itself once the stream drains.
const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  nats = await startNats({ name: 'stream-full' });
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

const table: TableSchema = {
  schema: 'public',
  table: 't',
  hasKey: true,
  columns: [
    { name: 'id', type: 'int8', key: true, nullable: false, typeOid: 20, elementTypeOid: 0 },
    { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
  ],
};

function insert(n: number): ChangeOp {
  const id = { kind: 'integer' as const, value: String(n) };
  return {
    kind: 'insert',
    table,
    key: [id],
    after: [id, { kind: 'text', value: 'x'.repeat(500) }],
    position: { commit: BigInt(n), index: 0 },
    commitTimeUs: 1,
  };
}

function newPublisher(source: string, pauses: Array<PauseReason | undefined>): ChangePublisher {
  return new ChangePublisher({
    js: jetstream(nc),
    source,
    partitions: 1,
    log,
    maxOps: 4,
    maxBytes: 4_000,
    maxDelayMs: 5,
    maxBufferedOps: 20,
    onPause: (reason) => pauses.push(reason),
  });
}

/** Every op stored in the stream, by commit, in stream order. */
async function storedOps(stream: string): Promise<number[]> {
  const out: number[] = [];
  for (let seq = 1; ; seq++) {
    const message = await jsm.direct.getMessage(stream, { seq });
    if (!message) break;
    if (message.header?.get(HEADER_KIND) === 'watermark') {
      seq = message.seq;
      continue;
    }
    for (const op of decodeBatch(message.data).ops) out.push(Number(op.position.commit));
    seq = message.seq;
  }
  return out;
}

test('a full stream (max_bytes) pauses the publisher, keeps every message, and it resumes once drained', async () => {
  await ensureSourceStream(jsm, { source: 'full', partitions: 1, destinations: ['d'], maxBytes: 20_000 });
  assert.equal((await jsm.streams.info('CDC_full')).config.max_bytes, 20_000);
  const pauses: Array<PauseReason | undefined> = [];
  const publisher = newPublisher('full', pauses);
  try {
    // ~60 kB of ops into a 20 kB stream with nobody applying: the publisher waits, the reader would too.
    let added = 0;
    const writer = (async () => {
      for (let n = 1; n <= 120; n++) {
        publisher.add(insert(n));
        added = n;
        if (publisher.full) await publisher.waitForCapacity();
      }
      await publisher.flush();
    })();
    await until('the pause', () => publisher.pausedBy === 'max_bytes', 15_000);
    assert.deepEqual(pauses, ['max_bytes']);
    const info = await jsm.streams.info('CDC_full');
    assert.ok(info.state.bytes <= 20_000, `stream holds ${info.state.bytes} bytes`);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.ok(added < 120, `the writer waits (added ${added} of 120)`);
    assert.equal(publisher.pausedBy, 'max_bytes', 'still paused: nothing applied');

    // An applier acks what is stored (interest retention removes it): room again, the writer goes on.
    const consumer = await jetstream(nc).consumers.get('CDC_full', 'd_p0');
    const applied: number[] = [];
    const applying = (async () => {
      const messages = await consumer.consume({ max_messages: 10 });
      for await (const message of messages) {
        for (const op of decodeBatch(message.data).ops) applied.push(Number(op.position.commit));
        await message.ackAck();
        if (applied.length >= 120) break;
      }
    })();
    await writer;
    await applying;
    assert.deepEqual(
      applied,
      Array.from({ length: 120 }, (_, i) => i + 1),
      'every op once, in order',
    );
    await until('the resume', () => publisher.pausedBy === undefined, 15_000);
    assert.deepEqual(pauses, ['max_bytes', undefined]);
    assert.equal((await jsm.consumers.info('CDC_full', 'd_p0')).config.ack_policy, AckPolicy.All);
  } finally {
    publisher.close();
  }
});

test('holdForAge holds every message until released, reported as max_age_s', async () => {
  await ensureSourceStream(jsm, { source: 'aged', partitions: 1, destinations: ['d'] });
  const pauses: Array<PauseReason | undefined> = [];
  const publisher = newPublisher('aged', pauses);
  try {
    publisher.holdForAge(true);
    for (let n = 1; n <= 3; n++) publisher.add(insert(n));
    const flushed = publisher.flush();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await storedOps('CDC_aged'), [], 'nothing published while held');
    assert.equal(publisher.pausedBy, 'max_age_s');
    publisher.holdForAge(false);
    await flushed;
    assert.deepEqual(await storedOps('CDC_aged'), [1, 2, 3]);
    await until('the resume', () => publisher.pausedBy === undefined, 15_000);
    assert.deepEqual(pauses, ['max_age_s', undefined]);
  } finally {
    publisher.close();
  }
});
