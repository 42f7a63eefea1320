import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { HEADER_KIND, decodeBatch, type ChangeOp } from '@cdc/change-envelope';
import { findFreePort } from '@cdc/testenv';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// Two things issue 5 asks for, on one pipeline:
// 1. lag usable for autoscaling: with no applier running, `cdc status` and the coordinator's
//    /metrics show pending messages and the age of the oldest unapplied op per partition; with
//    appliers, each instance's owned partitions (status and /metrics), and the ages drop to 0.
// 2. `partition_by: key`: a hot table's rows spread over the partitions, while updates that
//    move a row to another partition (with an unchanged TOASTed column) and TRUNCATEs stay
//    correct, with an applier killed -9 midway; an observer consumer reads every message to
//    show how the ops were routed.
const PARTITIONS = 8;
const BUNDLE = join(resolve(__dirname, '../../../..'), 'dist/cdc.cjs');

let fixture: PipelineFixture;
let nc: NatsConnection;
const ports: Record<'coordinator' | 'applierA' | 'applierB' | 'applierC', number> = {
  coordinator: 0,
  applierA: 0,
  applierB: 0,
  applierC: 0,
};
const appliers: ServiceProcess[] = [];

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: PARTITIONS,
    sourceExtra: '    partition_by:\n      public.events: key',
    destinationExtra: '    membership:\n      heartbeat_ms: 300\n      ttl_ms: 1500',
  });
  for (const name of Object.keys(ports) as Array<keyof typeof ports>) ports[name] = await findFreePort();
  await fixture.sourceQuery(`
    CREATE TABLE events (id bigint PRIMARY KEY, n int NOT NULL, body text);
    ALTER TABLE events ALTER COLUMN body SET STORAGE EXTERNAL; -- out of line, uncompressed: an update without it sends it as unchanged
    CREATE TABLE orders (id int PRIMARY KEY, qty int NOT NULL);
    INSERT INTO events SELECT g, 0, CASE WHEN g % 10 = 0 THEN repeat(md5(g::text), 100) END FROM generate_series(1, 500) g;
  `);
  nc = await connect({ servers: fixture.nats.url });
});

after(async () => {
  await nc?.close();
  if (fixture) await fixture.destroy();
});

async function metric(port: number, name: string): Promise<Array<{ labels: string; value: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const samples: Array<{ labels: string; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.push({ labels: match[1] ?? '', value: Number(match[2]) });
  }
  return samples;
}

interface StatusJson {
  partitions: Array<{ partition: number; pendingMessages: number | null; oldestUnappliedAgeSeconds: number | null }>;
  appliers: Array<{ instance: string; ownedPartitions: number }>;
}

function status(): StatusJson {
  const run = spawnSync(process.execPath, [BUNDLE, 'status', '--config', fixture.configFile, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as StatusJson[])[0];
}

test('lag: pending and oldest unapplied age per partition without appliers, owned partitions per instance with them', async () => {
  // The observer keeps every message in the interest-retention stream for the second test.
  const jsm = await jetstreamManager(nc);
  fixture.start('coordinator', { env: { CDC_HTTP_ADDR: `127.0.0.1:${ports.coordinator}` } });
  fixture.start('reader');
  await waitFor(
    'the reader to create the stream',
    async () => (await jsm.streams.info('CDC_shop')).config.metadata !== undefined,
  );
  await jsm.consumers.add('CDC_shop', {
    durable_name: 'observer',
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
  });
  // No applier yet; the reader created the destination's consumers with the stream.
  await fixture.sourceQuery(`INSERT INTO orders SELECT g, g FROM generate_series(1, 200) g`);
  await waitFor('status to show a backlog with its age', async () => {
    const s = status();
    return s.partitions.some((p) => (p.pendingMessages ?? 0) > 0 && (p.oldestUnappliedAgeSeconds ?? 0) > 0);
  });
  await waitFor(
    'the coordinator gauges to show the backlog',
    async () =>
      (await metric(ports.coordinator, 'cdc_partition_pending_messages')).some((s) => s.value > 0) &&
      (await metric(ports.coordinator, 'cdc_partition_oldest_unapplied_seconds')).some((s) => s.value > 0),
    30_000,
  );
  const text = spawnSync(process.execPath, [BUNDLE, 'status', '--config', fixture.configFile], { encoding: 'utf8' });
  assert.match(text.stdout, /oldest unapplied/);
  assert.match(text.stdout, /\d+\.\d s ago/, 'the text status shows an age');

  appliers.push(fixture.start('applier', { env: { CDC_HTTP_ADDR: `127.0.0.1:${ports.applierA}` } }));
  appliers.push(fixture.start('applier', { env: { CDC_HTTP_ADDR: `127.0.0.1:${ports.applierB}` } }));
  await waitForEqualTables(fixture, ['public.orders', 'public.events'], 120_000);
  await waitFor('both appliers to own partitions, together all of them', async () => {
    const owned = [
      ...(await metric(ports.applierA, 'cdc_applier_owned_partitions')),
      ...(await metric(ports.applierB, 'cdc_applier_owned_partitions')),
    ];
    return owned.length === 2 && owned.every((s) => s.value > 0) && owned[0].value + owned[1].value === PARTITIONS;
  });
  await waitFor('status to list both appliers with their share', async () => {
    const s = status();
    return s.appliers.length === 2 && s.appliers.reduce((sum, a) => sum + a.ownedPartitions, 0) === PARTITIONS;
  });
  await waitFor(
    'every partition to have nothing unapplied',
    async () =>
      status().partitions.every((p) => p.oldestUnappliedAgeSeconds === 0) &&
      (await metric(ports.coordinator, 'cdc_partition_oldest_unapplied_seconds')).every((s) => s.value === 0),
    30_000,
  );
});

test('partition_by: key spreads a table over the partitions; row moves and TRUNCATE stay correct through a kill -9', async () => {
  const moved: number[] = [];
  let next = 501;
  for (let round = 0; round < 30; round += 1) {
    await fixture.sourceQuery('BEGIN');
    await fixture.sourceQuery(`INSERT INTO events SELECT g, 0, NULL FROM generate_series($1::int, $1::int + 19) g`, [
      next,
    ]);
    next += 20;
    await fixture.sourceQuery('UPDATE events SET n = n + 1 WHERE id % 7 = $1', [round % 7]);
    await fixture.sourceQuery('DELETE FROM events WHERE id = $1', [next - 3]);
    await fixture.sourceQuery('INSERT INTO orders VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty', [
      1000 + round,
      round,
    ]);
    await fixture.sourceQuery('COMMIT');
    // A key change: the row (with its TOASTed body left unchanged) moves to another partition,
    // and its next change under the new key must not overtake the move.
    const from = 10 * (round + 1);
    const to = 100_000 + from;
    await fixture.sourceQuery('UPDATE events SET id = $2, n = n + 100 WHERE id = $1', [from, to]);
    await fixture.sourceQuery('UPDATE events SET n = n + 1 WHERE id = $1', [to]);
    moved.push(to);
    if (round === 12) await fixture.stop(appliers[0], 'SIGKILL');
    if (round === 14)
      appliers.push(fixture.start('applier', { env: { CDC_HTTP_ADDR: `127.0.0.1:${ports.applierC}` } }));
    if (round === 20) {
      await fixture.sourceQuery('TRUNCATE events');
      await fixture.sourceQuery(
        `INSERT INTO events SELECT g, 1, CASE WHEN g % 10 = 0 THEN repeat(md5(g::text), 100) END FROM generate_series(1, 300) g`,
      );
      next = 301;
    }
  }
  await waitForEqualTables(fixture, ['public.events', 'public.orders'], 180_000);
  const bodies = await fixture.destinationQuery(
    `SELECT count(*)::int AS n FROM events WHERE id > 100000 AND body IS NOT NULL`,
  );
  assert.ok(Number(bodies[0].n) > 0, 'rows moved after the truncate kept their TOASTed body');

  // How the reader routed the ops: read every message through the observer.
  const js = jetstream(nc);
  const consumer = await js.consumers.get('CDC_shop', 'observer');
  const partitionsOf = new Map<string, Set<number>>();
  const barriers: Array<{ kind: string; table: string; barrier: readonly number[]; partition: number }> = [];
  const seen = (op: ChangeOp, partition: number) => {
    const table = op.table.table;
    if (!partitionsOf.has(table)) partitionsOf.set(table, new Set());
    partitionsOf.get(table)!.add(partition);
    if (op.barrier) barriers.push({ kind: op.kind, table, barrier: op.barrier, partition });
  };
  const info = await consumer.info();
  let left = info.num_pending;
  while (left > 0) {
    const batch = await consumer.fetch({ max_messages: Math.min(left, 500), expires: 5_000 });
    let got = 0;
    for await (const message of batch) {
      got += 1;
      if (message.headers?.get(HEADER_KIND) !== 'data') continue;
      const decoded = decodeBatch(message.data);
      for (const op of decoded.ops) seen(op, decoded.partition);
    }
    if (got === 0) break;
    left -= got;
  }
  assert.equal(partitionsOf.get('orders')?.size, 1, 'a table partitioned by table stays in one partition');
  assert.ok(
    (partitionsOf.get('events')?.size ?? 0) >= PARTITIONS - 1,
    `events spread over ${partitionsOf.get('events')?.size} partitions`,
  );
  const truncates = barriers.filter((b) => b.kind === 'truncate');
  // The snapshot's truncate and the workload's, each copied into every partition.
  assert.ok(truncates.length >= 2 * PARTITIONS, `${truncates.length} truncate copies`);
  assert.ok(truncates.every((b) => b.barrier.length === PARTITIONS));
  const moves = barriers.filter((b) => b.kind === 'update');
  assert.ok(moves.length >= 2 * 20, `${moves.length} copies of row moves across partitions`);
  assert.ok(moves.every((b) => b.barrier.length === 2 && b.barrier.includes(b.partition)));
});
