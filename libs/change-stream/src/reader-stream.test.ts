import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { startNats, type NatsServer } from '@cdc/testenv';
import { setUpReaderStream, type ReaderStateStore } from './reader-stream';
import type { Replication } from './replication';

/** A logger that keeps its warnings' messages. */
function recordingLog(): { log: pino.Logger; warnings: string[] } {
  const warnings: string[] = [];
  const log = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level === 40) warnings.push(entry.msg);
      },
    },
  );
  return { log, warnings };
}

const NO_DESTINATION = 'no destination consumes this source: changes are published but nothing applies them';

let nats: NatsServer;
let nc: NatsConnection;

before(async () => {
  nats = await startNats({ name: 'reader-stream' });
  nc = await connect({ servers: nats.url });
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

class RecordedStates implements ReaderStateStore {
  readonly written: { source: string; paused: string | null }[] = [];
  constructor(readonly replication: Replication) {}
  async writeReaderState(source: string, state: { paused: 'max_bytes' | 'max_age_s' | null }): Promise<void> {
    this.written.push({ source, paused: state.paused });
  }
}

test('setUpReaderStream creates the stream and its consumers, opens the store with its replication and passes the reader its limits', async () => {
  const recorded = recordingLog();
  const stream = await setUpReaderStream(nc, {
    source: 'orders',
    partitions: 2,
    destinations: ['replica'],
    nats: { replicas: 1, maxBytes: 50_000_000 },
    publish: { maxOps: 100, maxBytes: 1_000_000, maxDelayMs: 5, maxBufferedBytes: 4096 },
    maxBufferedOps: 12_345,
    openProgress: async (replication) => new RecordedStates(replication),
    log: recorded.log,
    signal: new AbortController().signal,
  });

  const info = await (await jetstreamManager(nc)).streams.info('CDC_orders');
  assert.equal(info.config.max_bytes, 50_000_000);
  assert.equal(info.config.metadata?.cdc_partitions, '2');
  assert.equal(stream.progress.replication, stream.replication, 'the store is opened with the stream replication');
  assert.equal(stream.limits.maxBufferedOps, 12_345, 'each reader sizes its own buffer');
  assert.equal(stream.limits.maxOps, 100);
  assert.equal(stream.limits.maxBufferedBytes, 4096);
  assert.ok(stream.limits.maxBytes <= 1_000_000, 'messages stay below the server max_payload');
  assert.deepEqual(stream.streamLimits, { maxBytes: 50_000_000, maxAgeS: undefined });
  assert.ok(!recorded.warnings.includes(NO_DESTINATION), 'a consumed source is not warned about');

  const publisher = stream.newPublisher();
  try {
    assert.equal(stream.watchAge(publisher, 1_000), undefined, 'no age watch without nats.max_age_s');
  } finally {
    publisher.close();
  }
});

test('setUpReaderStream watches the stream age when nats.max_age_s is set, and warns that no destination consumes the source', async () => {
  const recorded = recordingLog();
  const stream = await setUpReaderStream(nc, {
    source: 'aged',
    partitions: 1,
    destinations: [],
    nats: { maxAgeS: 60 },
    publish: { maxOps: 10, maxBytes: 100_000, maxDelayMs: 1 },
    maxBufferedOps: 10_000,
    openProgress: async (replication) => new RecordedStates(replication),
    log: recorded.log,
    signal: new AbortController().signal,
  });
  assert.deepEqual(
    recorded.warnings.filter((msg) => msg === NO_DESTINATION),
    [NO_DESTINATION],
  );
  const publisher = stream.newPublisher();
  const stop = stream.watchAge(publisher, 1_000);
  try {
    assert.equal(typeof stop, 'function');
  } finally {
    stop?.();
    publisher.close();
  }
});
