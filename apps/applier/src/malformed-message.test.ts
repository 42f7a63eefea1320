// A malformed or truncated message in a partition's subject (garbage published by anything
// that may publish there): the applier stops that partition with one line naming the stream
// sequence, leaves the message unacknowledged (a restart stops on it again, nothing skipped),
// reports it in /readyz but not /healthz, and the other partitions keep applying.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  encodeBatch,
  partitionOf,
  partitionSubject,
  streamName,
  type ChangeOp,
  type TableSchema,
} from '@cdc/change-envelope';
import { consumerName, type ChangePublisher } from '@cdc/change-stream';
import { openTestSource } from '@cdc/change-stream/testing';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { health, registry } from '@cdc/telemetry';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runApplier } from './applier';

const PARTITIONS = 4;
let pg: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let config: PipelineConfig;
let publisher: ChangePublisher;

before(async () => {
  [pg, nats] = await Promise.all([
    startPostgres({ name: 'malformed-test', logical: false }),
    startNats({ name: 'malformed-test' }),
  ]);
  nc = await connect({ servers: nats.url });
  const url = await pg.createDatabase('replica');
  config = parseConfig(
    `nats: { url: "${nats.url}" }
sources:
  - { name: src, type: postgres, url: "postgres://u@127.0.0.1/src", tables: ["public.*"], partitions: ${PARTITIONS} }
destinations:
  - { name: replica, type: postgres, url: "${url}", sources: [src], create_tables: true, on_error: dead-letter, batch: { max_wait_ms: 10 } }
`,
    'test.yaml',
  );
  publisher = await openTestSource(nc, {
    source: 'src',
    partitions: PARTITIONS,
    destinations: ['replica'],
    log: pino({ level: 'silent' }),
    maxOps: 50,
    maxDelayMs: 2,
  });
});

after(async () => {
  publisher?.close();
  await nc?.close();
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function table(name: string): TableSchema {
  return {
    schema: 'public',
    table: name,
    hasKey: true,
    columns: [
      { name: 'id', type: 'integer', key: true, nullable: false, typeOid: 23, elementTypeOid: 0 },
      { name: 'v', type: 'text', key: false, nullable: true, typeOid: 25, elementTypeOid: 0 },
    ],
  };
}

let commit = 0;
function insert(target: TableSchema, id: number): ChangeOp {
  commit += 1;
  return {
    kind: 'insert',
    table: target,
    key: [{ kind: 'integer', value: String(id) }],
    after: [
      { kind: 'integer', value: String(id) },
      { kind: 'text', value: `v${id}` },
    ],
    position: { commit: BigInt(commit), index: 0 },
    commitTimeUs: 0,
  };
}

async function count(name: string): Promise<number> {
  const { rows } = await pg
    .query(`SELECT count(*)::int AS n FROM public.${name}`, [], 'replica')
    .catch(() => ({ rows: [{ n: -1 }] }));
  return Number(rows[0].n);
}

function capturingLogger(lines: Record<string, unknown>[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'info' }, sink);
}

test('garbage and a truncated message in a partition stop it at that stream sequence, unacknowledged; the others go on', async () => {
  let victimName = 'victim';
  for (
    let i = 0;
    partitionOf('public', victimName, PARTITIONS) === partitionOf('public', 'healthy', PARTITIONS);
    i += 1
  )
    victimName = `victim_${i}`;
  const victim = table(victimName);
  const healthy = table('healthy');
  const partition = partitionOf('public', victimName, PARTITIONS);
  for (let id = 1; id <= 5; id += 1) publisher.add(insert(victim, id));
  await publisher.flush();
  const js = jetstream(nc);
  const good = encodeBatch({ source: 'src', partition, ops: [insert(victim, 6)] });
  // A truncated envelope, then plain garbage, then a good message behind them.
  const truncated = await js.publish(partitionSubject('src', partition), good.subarray(0, Math.floor(good.length / 2)));
  await js.publish(partitionSubject('src', partition), new TextEncoder().encode('"; DROP TABLE x; --'));
  await js.publish(
    partitionSubject('src', partition),
    encodeBatch({ source: 'src', partition, ops: [insert(victim, 7)] }),
  );
  for (let id = 1; id <= 30; id += 1) publisher.add(insert(healthy, id));
  await publisher.flush();

  for (const run of [1, 2]) {
    // Run 2: the bad message waits for its ack_wait before it is redelivered; a new message
    // makes the restarted applier read the unacknowledged ones from the stream first (readStored).
    if (run === 2)
      await js.publish(
        partitionSubject('src', partition),
        encodeBatch({ source: 'src', partition, ops: [insert(victim, 8)] }),
      );
    const lines: Record<string, unknown>[] = [];
    const controller = new AbortController();
    const running = runApplier({
      config,
      destination: 'replica',
      signal: controller.signal,
      log: capturingLogger(lines),
    });
    await until('the healthy partition', async () => (await count('healthy')) === 30);
    await until('the stop', async () => lines.some((line) => line.msg === 'partition stopped'));
    const stop = lines.filter((line) => line.msg === 'partition stopped');
    assert.equal(stop.length, 1, `run ${run}: one error line`);
    assert.match(
      String(stop[0].err),
      new RegExp(
        `source src partition ${partition}: message at stream sequence ${truncated.seq} cannot be decoded .*left unacknowledged`,
      ),
    );
    assert.equal(stop[0].partition, partition);
    assert.ok(!String(stop[0].err).includes('\n'), 'one line');
    assert.equal(await count(victimName), 5, 'the ops before the bad message applied, none after it');
    const readiness = health.readiness();
    assert.ok(
      readiness.notReady.some((name) => name.includes(`partition src/${partition} stopped`)),
      readiness.notReady.join('; '),
    );
    assert.equal(health.liveness().healthy, true, 'a stopped partition does not fail /healthz');
    assert.match(
      await registry.getSingleMetricAsString('cdc_partition_stopped'),
      new RegExp(`cdc_partition_stopped\\{source="src",destination="replica",partition="${partition}"\\} 1`),
    );
    controller.abort();
    await assert.rejects(running, new RegExp(`partitions src/${partition} stopped on errors`));
    const info = await (
      await jetstreamManager(nc)
    ).consumers.info(streamName('src'), consumerName('replica', partition));
    assert.equal(
      info.ack_floor.stream_seq,
      truncated.seq - 1,
      `run ${run}: acked up to the message before the bad one`,
    );
  }
});
