// The slot sampler against a real slot: quiet while the destination holds what the slot
// confirms, a violation as soon as the slot passes a transaction the destination lacks.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { partitionOf } from '@cdc/change-envelope';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { bigintToLsn, lsnToBigint, type Query } from './checks';
import { startSlotSampler, type SlotSamples } from './slot';
import type { CommittedTransaction } from './workload';

let server: PostgresServer;
const clients: Client[] = [];

before(async () => {
  server = await startPostgres({ name: 'chaos-slot' });
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.destroy();
});

async function connect(url: string): Promise<Query> {
  const client = new Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return async (sql, params) => (await client.query(sql, params)).rows;
}

const PARTITIONS = 4;

/** Samples until `count` more samples are taken (never a fixed time: a loaded CI machine is slow). */
function startSampling(options: Parameters<typeof startSlotSampler>[0]) {
  const stop = new AbortController();
  let taken = 0;
  let waiter: { until: number; resolve: () => void } | undefined;
  const running = startSlotSampler(
    {
      ...options,
      intervalMs: 20,
      onSample: (samples) => {
        taken = samples.samples;
        if (waiter !== undefined && taken >= waiter.until) waiter.resolve();
      },
    },
    stop.signal,
  );
  return {
    samples: (count: number) =>
      new Promise<void>((resolve, reject) => {
        const until = taken + count;
        const timer = setTimeout(() => reject(new Error(`only ${taken} of ${until} samples in 30 s`)), 30_000);
        waiter = {
          until,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
    stop: () => {
      stop.abort();
      return running;
    },
  };
}

async function sampleFor(options: Parameters<typeof startSlotSampler>[0], count: number): Promise<SlotSamples> {
  const sampling = startSampling(options);
  await sampling.samples(count);
  return sampling.stop();
}

test('a slot confirmed past a transaction missing at the destination, or a checkpoint going back, is a violation', async () => {
  const source = await connect(await server.createDatabase());
  const destination = await connect(await server.createDatabase());
  await source(`CREATE TABLE t (k int)`);
  await source(`SELECT pg_create_logical_replication_slot('chaos_slot_test', 'pgoutput')`);
  await destination(`
    CREATE TABLE txlog (k bigint PRIMARY KEY, ops int NOT NULL);
    CREATE SCHEMA _cdc;
    CREATE TABLE _cdc.checkpoint (source text, partition int, stream_seq bigint, positions text,
      PRIMARY KEY (source, partition));`);
  // Four source transactions, each with the position read right after its COMMIT (as the workload does).
  const committed: CommittedTransaction[] = [];
  for (let k = 1; k <= 4; k += 1) {
    await source('INSERT INTO t VALUES ($1)', [k]);
    const [row] = await source('SELECT pg_current_wal_lsn()::text AS lsn');
    committed.push({ k, lsn: lsnToBigint(String(row.lsn)) });
  }
  const txlogPartition = partitionOf('public', 'txlog', PARTITIONS);
  const checkpoint = (seq: number, lsn: bigint) =>
    destination(
      `INSERT INTO _cdc.checkpoint VALUES ('shop', $1, $2, $3)
         ON CONFLICT (source, partition) DO UPDATE SET stream_seq = EXCLUDED.stream_seq, positions = EXCLUDED.positions`,
      [txlogPartition, seq, JSON.stringify({ '': `${lsn}:0` })],
    );
  const advance = (lsn: bigint) =>
    source(`SELECT pg_replication_slot_advance('chaos_slot_test', $1::pg_lsn)`, [bigintToLsn(lsn)]);
  const options = {
    source,
    destination,
    slot: 'chaos_slot_test',
    sourceName: 'shop',
    partitions: PARTITIONS,
    committed,
  };

  // Transactions 1 and 2 applied (the checkpoint at the second's commit, just before its recorded end).
  await destination('INSERT INTO txlog VALUES (1, 1), (2, 1)');
  await checkpoint(10, committed[1].lsn! - 1n);
  await advance(committed[1].lsn!);
  const quiet = await sampleFor(options, 5);
  assert.deepEqual(quiet.violations, []);
  assert.ok(quiet.samples > 3, `${quiet.samples} samples`);

  // The slot confirms transaction 4; the destination still has only 1 and 2.
  await advance(committed[3].lsn!);
  const ahead = await sampleFor(options, 3);
  assert.ok(
    ahead.violations.some((v) => /only 2 of the 4 transactions/.test(v)),
    ahead.violations.join('\n'),
  );
  assert.ok(
    ahead.violations.some((v) => /checkpoint of txlog's partition/.test(v)),
    ahead.violations.join('\n'),
  );

  // A checkpoint that moves backwards between two samples.
  await destination('INSERT INTO txlog VALUES (3, 1), (4, 1)');
  await checkpoint(20, committed[3].lsn! - 1n);
  const sampling = startSampling(options);
  await sampling.samples(2);
  await checkpoint(15, committed[3].lsn! - 1n);
  await sampling.samples(2);
  const backwards = await sampling.stop();
  assert.ok(
    backwards.violations.some((v) => /went backwards: seq 20 -> 15/.test(v)),
    backwards.violations.join('\n'),
  );
  assert.equal(backwards.violations.filter((v) => /transactions up to it/.test(v)).length, 0);
  await source(`SELECT pg_drop_replication_slot('chaos_slot_test')`);
});
