import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { startNats, type NatsServer } from '@cdc/testenv';
import { runCoordinator, updateCommitted } from './coordinator';

const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;
let store: ProgressStore;
let config: PipelineConfig;

before(async () => {
  nats = await startNats({ name: 'coordinator-test' });
  nc = await connect({ servers: nats.url });
  store = await ProgressStore.open(nc);
  config = parseConfig(
    `nats: { url: "${nats.url}" }
sources:
  - { name: src, type: postgres, url: "postgres://u@127.0.0.1/db", tables: ["public.*"], partitions: 2 }
destinations:
  - { name: a, type: postgres, url: "postgres://u@127.0.0.1/a", sources: [src] }
  - { name: b, type: postgres, url: "postgres://u@127.0.0.1/b", sources: [src] }
coordinator: { interval_ms: 50 }
`,
    'test.yaml',
  );
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

async function record(destination: string, partition: number, seq: number): Promise<void> {
  await store.recordProgress({
    source: 'src',
    destination,
    partition,
    seq,
    position: { commit: BigInt(seq * 1000), index: 0 },
    appliedAtMs: Date.now(),
    lastStreamSeq: seq,
  });
}

test('nothing is committed until every partition of every destination has progress', async () => {
  await record('a', 0, 5);
  await record('a', 1, 6);
  await record('b', 0, 7);
  await updateCommitted(store, config, 'src', 2, log);
  assert.equal(await store.readCommitted('src'), undefined);
});

test('committed is the lowest watermark, with its position', async () => {
  await record('b', 1, 4);
  await updateCommitted(store, config, 'src', 2, log);
  const committed = await store.readCommitted('src');
  assert.equal(committed?.seq, 4);
  assert.equal(committed?.position.commit, 4000n);
});

test('the committed position never moves backwards', async () => {
  for (const [destination, partition] of [
    ['a', 0],
    ['a', 1],
    ['b', 0],
    ['b', 1],
  ] as const)
    await record(destination, partition, 9);
  await updateCommitted(store, config, 'src', 2, log);
  assert.equal((await store.readCommitted('src'))?.seq, 9);
  await record('b', 1, 3); // stale progress, e.g. an applier restored from an old checkpoint
  await updateCommitted(store, config, 'src', 2, log);
  assert.equal((await store.readCommitted('src'))?.seq, 9);
});

test('the coordinator service advances committed as progress arrives and stops on abort', async () => {
  const controller = new AbortController();
  const running = runCoordinator({ config, signal: controller.signal, log });
  for (const [destination, partition] of [
    ['a', 0],
    ['a', 1],
    ['b', 0],
    ['b', 1],
  ] as const)
    await record(destination, partition, 12);
  const deadline = Date.now() + 5_000;
  while ((await store.readCommitted('src'))?.seq !== 12 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal((await store.readCommitted('src'))?.seq, 12);
  controller.abort();
  await running;
});
