import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import type { PipelineConfig, PostgresDestinationConfig, PostgresSourceConfig } from '@cdc/config';
import { ProgressStore } from '@cdc/progress';
import { startNats, until, type NatsServer } from '@cdc/testenv';
import { runCoordinator, updateCommitted } from './coordinator';

// The coordinator against a real JetStream KV bucket, with the config built here.
const log = pino({ level: 'silent' });
let nats: NatsServer;
let nc: NatsConnection;
let store: ProgressStore;

before(async () => {
  nats = await startNats({ name: 'coordinator' });
  nc = await connect({ servers: nats.url });
  store = await ProgressStore.open(nc);
});

after(async () => {
  await nc?.close();
  await nats?.destroy();
});

function source(name: string, partitions: number): PostgresSourceConfig {
  return {
    name,
    type: 'postgres',
    url: `postgres://cdc@127.0.0.1:1/${name}`,
    publication: `cdc_${name}`,
    slot: `cdc_${name}`,
    tables: ['public.*'],
    partitions,
    snapshot: { enabled: true, parallelism: 1, chunkRows: 1000 },
    publish: { maxOps: 100, maxBytes: 100_000, maxDelayMs: 5, watermarkIntervalMs: 100 },
    statusIntervalMs: 100,
    tableDiscoveryIntervalS: 0,
    largeTransactions: { stream: true, spillDir: tmpdir() },
  };
}

function destination(name: string, sources: string[]): PostgresDestinationConfig {
  return {
    name,
    type: 'postgres',
    url: `postgres://applier@127.0.0.1:1/${name}`,
    sources,
    createTables: true,
    tables: {},
    batch: { maxOps: 100, maxWaitMs: 10, maxIdleMs: 10, maxBytes: 16777216 },
    concurrency: 1,
    membership: { heartbeatMs: 1000, ttlMs: 5000 },
    onError: 'stop',
  };
}

function pipeline(sources: PostgresSourceConfig[], destinations: PostgresDestinationConfig[]): PipelineConfig {
  return { nats: { url: nats.url }, sources, destinations, coordinator: { intervalMs: 50 } };
}

/** What an applier writes after committing watermark `seq` of a partition; position derived from seq. */
async function progress(src: string, dst: string, partition: number, seq: number): Promise<void> {
  await store.recordProgress({
    source: src,
    destination: dst,
    partition,
    seq,
    position: { commit: BigInt(seq) * 1_000n + 7n, index: 0 },
    appliedAtMs: Date.now(),
    lastStreamSeq: seq * 10,
  });
}

test('updateCommitted writes the lowest watermark over every partition of every destination of the source', async () => {
  const config = pipeline(
    [source('alpha', 3), source('beta', 1)],
    [destination('east', ['alpha']), destination('west', ['alpha', 'beta']), destination('other', ['beta'])],
  );
  const seqs: Array<[string, number, number]> = [
    ['east', 0, 17],
    ['east', 1, 12],
    ['east', 2, 15],
    ['west', 0, 14],
    ['west', 1, 9], // the lowest: alpha is committed up to watermark 9 and no further
    ['west', 2, 20],
  ];
  for (const [dst, partition, seq] of seqs) await progress('alpha', dst, partition, seq);
  // Neither another source's progress nor a destination that is not configured (any more) counts.
  await progress('beta', 'west', 0, 3);
  await progress('alpha', 'decommissioned', 0, 1);
  await progress('alpha', 'other', 0, 2); // "other" does not consume alpha

  await updateCommitted(store, config, 'alpha', 3, log);
  const committed = await store.readCommitted('alpha');
  assert.ok(committed, 'committed.alpha written');
  assert.equal(committed.source, 'alpha');
  assert.equal(committed.seq, 9);
  assert.equal(committed.position.commit, 9_007n, 'the position travels with the lowest seq');
  assert.equal(committed.position.index, 0);
  assert.equal(await store.readCommitted('beta'), undefined, 'only the source asked for is written');

  // Raising the lowest partition moves committed to the next lowest.
  await progress('alpha', 'west', 1, 30);
  await updateCommitted(store, config, 'alpha', 3, log);
  assert.equal((await store.readCommitted('alpha'))?.seq, 12);
  assert.equal((await store.readCommitted('alpha'))?.position.commit, 12_007n);
});

test('updateCommitted writes nothing while one partition of one destination has no progress', async () => {
  const config = pipeline([source('gamma', 2)], [destination('one', ['gamma']), destination('two', ['gamma'])]);
  await progress('gamma', 'one', 0, 5);
  await progress('gamma', 'one', 1, 6);
  await progress('gamma', 'two', 0, 7);
  // two/1 has not applied any watermark yet.
  await updateCommitted(store, config, 'gamma', 2, log);
  assert.equal(await store.readCommitted('gamma'), undefined);
  // A partition beyond the configured count does not stand in for the missing one.
  await progress('gamma', 'two', 2, 8);
  await updateCommitted(store, config, 'gamma', 2, log);
  assert.equal(await store.readCommitted('gamma'), undefined);

  await progress('gamma', 'two', 1, 4);
  await updateCommitted(store, config, 'gamma', 2, log);
  assert.equal((await store.readCommitted('gamma'))?.seq, 4);
});

test('updateCommitted never moves the committed position backwards', async () => {
  const config = pipeline([source('delta', 2)], [destination('only', ['delta'])]);
  await progress('delta', 'only', 0, 40);
  await progress('delta', 'only', 1, 41);
  await updateCommitted(store, config, 'delta', 2, log);
  const high = await store.readCommitted('delta');
  assert.equal(high?.seq, 40);

  // Stale, lower progress (e.g. an applier restored from an older checkpoint) arrives afterwards.
  await progress('delta', 'only', 0, 25);
  await updateCommitted(store, config, 'delta', 2, log);
  const kept = await store.readCommitted('delta');
  assert.equal(kept?.seq, 40);
  assert.equal(kept?.position.commit, 40_007n);
  assert.equal(kept?.computedAtMs, high?.computedAtMs, 'not even rewritten');

  // Once the partitions are past it again, it moves forward.
  await progress('delta', 'only', 0, 45);
  await progress('delta', 'only', 1, 46);
  await updateCommitted(store, config, 'delta', 2, log);
  assert.equal((await store.readCommitted('delta'))?.seq, 45);
});

test('runCoordinator writes committed for every source while it runs, and stops when aborted', async () => {
  const config = pipeline(
    [source('svc1', 2), source('svc2', 1)],
    [destination('r1', ['svc1', 'svc2']), destination('r2', ['svc1'])],
  );
  for (const dst of ['r1', 'r2']) for (const partition of [0, 1]) await progress('svc1', dst, partition, 3 + partition);
  await progress('svc2', 'r1', 0, 8);

  const controller = new AbortController();
  let settled = false;
  const running = runCoordinator({ config, signal: controller.signal, log }).finally(() => {
    settled = true;
  });
  try {
    await until(
      'committed for both sources',
      async () => {
        const [one, two] = [await store.readCommitted('svc1'), await store.readCommitted('svc2')];
        return one?.seq === 3 && two?.seq === 8;
      },
      10_000,
      25,
    );
    // Progress that arrives while it runs is picked up on a later round.
    for (const dst of ['r1', 'r2']) for (const partition of [0, 1]) await progress('svc1', dst, partition, 11);
    await until('svc1 to advance', async () => (await store.readCommitted('svc1'))?.seq === 11, 10_000, 25);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // it keeps running for a second
    assert.equal(settled, false, 'the coordinator returned before it was aborted');
  } finally {
    controller.abort();
  }
  let timer: NodeJS.Timeout | undefined;
  const stoppedWithin = await Promise.race([
    running.then(() => 'stopped'),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('still running'), 3_000);
    }),
  ]);
  clearTimeout(timer);
  assert.equal(stoppedWithin, 'stopped');

  // Stopped means stopped: new progress is not turned into a committed position any more.
  for (const dst of ['r1', 'r2']) for (const partition of [0, 1]) await progress('svc1', dst, partition, 20);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await store.readCommitted('svc1'))?.seq, 11);
});
