import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { partitionOf, type ChangeOp, type TableSchema } from '@cdc/change-envelope';
import { PartitionConsumer, type ChangePublisher } from '@cdc/change-stream';
import { openTestSource } from '@cdc/change-stream/testing';
import { findDestination, parseConfig, type PipelineConfig } from '@cdc/config';
import type { Sink } from '@cdc/apply';
import { ProgressStore } from '@cdc/progress';
import { health } from '@cdc/telemetry';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runApplier } from './applier';
import { createSink } from './sinks';

const log = pino({ level: 'silent' });
const PARTITIONS = 4;
let pg: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let config: PipelineConfig;
let publisher: ChangePublisher;
let commit = 0;

before(async () => {
  [pg, nats] = await Promise.all([
    startPostgres({ name: 'applier-test', logical: false }),
    startNats({ name: 'applier-test' }),
  ]);
  nc = await connect({ servers: nats.url });
  const url = await pg.createDatabase('replica');
  config = parseConfig(
    `nats: { url: "${nats.url}" }
sources:
  - { name: src, type: postgres, url: "postgres://u@127.0.0.1/src", tables: ["public.*"], partitions: ${PARTITIONS} }
destinations:
  - { name: replica, type: postgres, url: "${url}", sources: [src], create_tables: true, batch: { max_wait_ms: 10 } }
`,
    'test.yaml',
  );
  publisher = await openTestSource(nc, {
    source: 'src',
    partitions: PARTITIONS,
    destinations: ['replica'],
    log,
    maxOps: 50,
    maxDelayMs: 2,
  });
});

after(async () => {
  publisher?.close();
  await nc?.close();
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function table(name: string, nullable = true): TableSchema {
  return {
    schema: 'public',
    table: name,
    hasKey: true,
    columns: [
      { name: 'id', type: 'integer', key: true, nullable: false, typeOid: 23, elementTypeOid: 0 },
      { name: 'v', type: 'text', key: false, nullable, typeOid: 25, elementTypeOid: 0 },
    ],
  };
}

function insert(target: TableSchema, id: number, v: string | null): ChangeOp {
  commit += 1;
  return {
    kind: 'insert',
    table: target,
    key: [{ kind: 'integer', value: String(id) }],
    after: [{ kind: 'integer', value: String(id) }, v === null ? { kind: 'null' } : { kind: 'text', value: v }],
    position: { commit: BigInt(commit), index: 0 },
    commitTimeUs: 0,
  };
}

async function rows(name: string): Promise<number> {
  const { rows: result } = await pg
    .query(`SELECT count(*)::int AS n FROM public.${name}`, [], 'replica')
    .catch(() => ({ rows: [{ n: -1 }] }));
  return Number(result[0].n);
}

/** The table the poison-op test rejects at the destination: on another partition than `lenient`. */
function poisonTableName(): string {
  let name = 'strict_a';
  for (let i = 0; partitionOf('public', name, PARTITIONS) === partitionOf('public', 'lenient', PARTITIONS); i += 1)
    name = `strict_${i}`;
  return name;
}

test('applies into created tables, records progress per partition, stops cleanly and resumes without loss', async () => {
  const orders = table('orders');
  for (let id = 1; id <= 500; id += 1) publisher.add(insert(orders, id, `v${id}`));
  publisher.addWatermark({ source: 'src', seq: 1, position: { commit: BigInt(commit), index: 0 }, timeUs: 0 });
  await publisher.flush();

  const first = new AbortController();
  const running = runApplier({ config, destination: 'replica', signal: first.signal, log });
  await until('500 rows', async () => (await rows('orders')) === 500);
  const store = await ProgressStore.open(nc);
  await until(
    'progress for every partition',
    async () => (await store.readProgress('src')).filter((p) => p.seq === 1).length === PARTITIONS,
  );
  first.abort();
  await running;

  for (let id = 501; id <= 800; id += 1) publisher.add(insert(orders, id, `v${id}`));
  await publisher.flush();
  const second = new AbortController();
  const again = runApplier({ config, destination: 'replica', signal: second.signal, log });
  await until('800 rows', async () => (await rows('orders')) === 800);
  second.abort();
  await again;
});

test('a poison op stops only its own partition, with an error naming it', async () => {
  // Two tables on different partitions; one rejects NULL at the destination.
  const strictName = poisonTableName();
  await pg.query(`CREATE TABLE public.${strictName} (id integer PRIMARY KEY, v text NOT NULL)`, [], 'replica');
  const strict = table(strictName);
  const lenient = table('lenient');
  publisher.add(insert(strict, 1, null));
  for (let id = 1; id <= 20; id += 1) publisher.add(insert(lenient, id, 'ok'));
  await publisher.flush();

  const controller = new AbortController();
  const running = runApplier({ config, destination: 'replica', signal: controller.signal, log });
  await until('the healthy partition to apply', async () => (await rows('lenient')) === 20);
  await new Promise((r) => setTimeout(r, 500));
  controller.abort();
  const partition = partitionOf('public', strictName, PARTITIONS);
  await assert.rejects(running, new RegExp(`partitions src/${partition} stopped on errors`));
  assert.equal(await rows(strictName), 0, 'the rejected op was not applied');
});

test('a partition taken over from an owner that died holding pulled messages catches up without waiting for redelivery', async () => {
  // The poison op of the test above still stops its partition: use another one.
  const strictName = poisonTableName();
  let name = 'handover_0';
  for (let i = 1; partitionOf('public', name, PARTITIONS) === partitionOf('public', strictName, PARTITIONS); i += 1)
    name = `handover_${i}`;
  const handover = table(name);
  // Two messages of 50 ops (what a consumer prefetches), and nothing after them: the tail of a backlog.
  for (let id = 1; id <= 100; id += 1) publisher.add(insert(handover, id, `v${id}`));
  await publisher.flush();

  // The previous owner pulls them (one batch taken, the rest prefetched) and dies without acking.
  const partition = partitionOf('public', name, PARTITIONS);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const previous = await PartitionConsumer.open(js, jsm, 'src', 'replica', partition);
  const pulled = await previous.nextBatch({ maxOps: 10, maxWaitMs: 10 }, new AbortController().signal);
  assert.ok(pulled && pulled.ops.length > 0);
  await previous.close();
  const info = await jsm.consumers.info('CDC_src', `replica_p${partition}`);
  assert.ok(info.num_ack_pending >= 1 && info.num_pending === 0, 'every message delivered, none acked');

  // The consumer would redeliver them only after ack_wait (120 s); the new owner must not wait.
  const controller = new AbortController();
  const running = runApplier({ config, destination: 'replica', signal: controller.signal, log }).catch(
    () => undefined, // the poison partition reports itself on shutdown
  );
  await until('the 100 rows', async () => (await rows(name)) === 100, 30_000);
  controller.abort();
  await running;
});

test('a partition that finds its destination gone as it starts waits for it, instead of stopping for good', async () => {
  const poison = partitionOf('public', poisonTableName(), PARTITIONS);
  let name = 'outage_0';
  for (let i = 1; partitionOf('public', name, PARTITIONS) === poison; i += 1) name = `outage_${i}`;
  const partition = partitionOf('public', name, PARTITIONS);
  const outageTable = table(name);
  for (let id = 1; id <= 50; id += 1) publisher.add(insert(outageTable, id, `v${id}`));
  await publisher.flush();

  // The real destination, stopped for real at the moment the partition reads its checkpoint.
  const real = await createSink(findDestination(config, 'replica'));
  let stopped = false;
  let restarted: Promise<void> | undefined;
  const sink: Sink = {
    readCheckpoint: async (source, p) => {
      if (p === partition && !stopped) {
        stopped = true;
        await pg.stop();
        restarted = new Promise((r) => setTimeout(r, 1_500)).then(() => pg.start());
      }
      return real.readCheckpoint(source, p);
    },
    applyBatch: (batch) => real.applyBatch(batch),
    close: () => real.close(),
  };
  const controller = new AbortController();
  const outcome = runApplier({ config, destination: 'replica', signal: controller.signal, log, sink }).then(
    () => undefined,
    (error: Error) => error,
  );
  await until(`the ${name} rows after the outage`, async () => (await rows(name)) === 50, 60_000);
  assert.ok(stopped, 'the destination was stopped as the partition started');
  await restarted;
  controller.abort();
  // The poison partition of an earlier test may report itself stopped; this one must not.
  const error = await outcome;
  assert.doesNotMatch(error?.message ?? '', new RegExp(`src/${partition}(?![0-9])`));
});

test('an applier started while NATS is down waits for it (one line, not ready), then applies once a nats-server starts', async () => {
  const late = table('late_start');
  for (let id = 1; id <= 20; id += 1) publisher.add(insert(late, id, `v${id}`));
  await publisher.flush();
  await nats.stop();
  let natsDown = true;
  const lines: Array<{ msg: string }> = [];
  const waitingLog = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const controller = new AbortController();
  const running = runApplier({ config, destination: 'replica', signal: controller.signal, log: waitingLog });
  let outcome: unknown = 'running';
  running.then(
    () => (outcome = 'resolved'),
    (error: unknown) => (outcome = error),
  );
  try {
    await until('the waiting line', () => lines.some((line) => line.msg.startsWith('waiting for NATS at')));
    assert.deepEqual(
      lines.filter((line) => line.msg.startsWith('waiting for NATS at')).map((line) => line.msg),
      [`waiting for NATS at ${nats.url}: applier replica starts once it answers (/readyz is false meanwhile)`],
    );
    assert.ok(health.readiness().notReady.includes('applier replica: nats'), '/readyz false while waiting');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(outcome, 'running', 'still waiting, not exited');

    await nats.start();
    natsDown = false;
    await until('the 20 rows published before', async () => (await rows('late_start')) === 20, 60_000);
    assert.equal(health.readiness().notReady.includes('applier replica: nats'), false);
  } finally {
    if (natsDown) await nats.start();
    controller.abort();
    await running.catch(() => undefined);
  }
  // (The poison-op test's partition still stops on its op: only NATS is what this test is about.)
  assert.doesNotMatch(String(outcome), /NATS/);
});
