import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { HEADER_KIND, decodeBatch, decodeWatermark, type ChangeOp, type Watermark } from '@cdc/change-envelope';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { parseLsn } from '@cdc/postgres-source';
import { ProgressStore } from '@cdc/progress';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { runPostgresReader } from './reader';

// The reader alone, with no applier: what it publishes, and what it confirms to the slot.
const log = pino({ level: 'silent' });
let pg: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let store: ProgressStore;

before(async () => {
  [pg, nats] = await Promise.all([startPostgres({ name: 'reader-test' }), startNats({ name: 'reader-test' })]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  store = await ProgressStore.open(nc);
});

after(async () => {
  await nc?.close();
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFor(source: string, url: string, extra = ''): PipelineConfig {
  return parseConfig(
    `nats: { url: "${nats.url}" }
sources:
  - name: ${source}
    type: postgres
    url: "${url}"
    tables: ["public.*"]
    partitions: 2
    status_interval_ms: 100
    publish: { watermark_interval_ms: 100 }
${extra}
destinations:
  - { name: d, type: postgres, url: "postgres://u@127.0.0.1/x", sources: [${source}] }
`,
    'test.yaml',
  );
}

interface Partition {
  ops: ChangeOp[];
  watermarks: Watermark[];
  order: string[];
}

async function readStream(source: string, partition: number): Promise<Partition> {
  const result: Partition = { ops: [], watermarks: [], order: [] };
  let seq = 1;
  for (;;) {
    const message = await jsm.direct.getMessage(`CDC_${source}`, { seq, next_by_subj: `cdc.${source}.${partition}` });
    if (!message) return result;
    if (message.header?.get(HEADER_KIND) === 'watermark') {
      result.watermarks.push(decodeWatermark(message.data));
      result.order.push('watermark');
    } else {
      for (const op of decodeBatch(message.data).ops) {
        result.ops.push(op);
        result.order.push(op.kind);
      }
    }
    seq = message.seq + 1;
  }
}

async function confirmedFlush(database: string, slot: string): Promise<bigint> {
  const { rows } = await pg.query(
    'SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
    database,
  );
  return parseLsn(String(rows[0].lsn));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('snapshot then stream; the slot confirms only what is committed, and then exactly that', async () => {
  const url = await pg.createDatabase('shop');
  await pg.query(
    'CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, v text); INSERT INTO a SELECT g, g::text FROM generate_series(1, 50) g; INSERT INTO b VALUES (1, $$x$$)',
    [],
    'shop',
  );
  const controller = new AbortController();
  const running = runPostgresReader({ config: configFor('shop', url), source: 'shop', signal: controller.signal, log });
  try {
    await until(
      'the snapshot watermark',
      async () => (await store.readSnapshotState<{ status: string }>('shop'))?.status === 'done',
    );
    const start = await confirmedFlush('shop', 'cdc_shop');
    await pg.query(
      `INSERT INTO a VALUES (51, 'new'); UPDATE b SET v = 'y' WHERE id = 1; DELETE FROM a WHERE id = 2`,
      [],
      'shop',
    );
    let seen: Partition[] = [];
    await until('the streamed ops and a watermark after them', async () => {
      seen = [await readStream('shop', 0), await readStream('shop', 1)];
      const kinds = seen.flatMap((p) => p.ops.map((o) => o.kind));
      return (
        kinds.includes('insert') &&
        kinds.includes('update') &&
        kinds.includes('delete') &&
        seen.every((p) => p.watermarks.length >= 2)
      );
    });
    for (const partition of seen) {
      const snapshotKinds = partition.order.filter((kind) => kind === 'truncate' || kind === 'snapshot-row');
      if (snapshotKinds.length > 0) assert.equal(snapshotKinds[0], 'truncate', 'each table starts with a truncate');
      const positions = partition.ops.map((o) => o.position);
      for (let i = 1; i < positions.length; i += 1) {
        const [p, q] = [positions[i - 1], positions[i]];
        assert.ok(
          q.commit > p.commit || (q.commit === p.commit && q.index > p.index),
          'positions grow within a partition',
        );
      }
      const seqs = partition.watermarks.map((w) => w.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'watermark seqs grow',
      );
    }
    const snapshotRows = seen.flatMap((p) => p.ops).filter((o) => o.kind === 'snapshot-row');
    assert.equal(snapshotRows.length, 51);

    // Nothing committed yet (no applier): the slot must not move past where it started.
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await confirmedFlush('shop', 'cdc_shop'), start, 'slot advanced without a committed position');

    // Commit the newest watermark's position: the reader confirms exactly that.
    const newest = seen.flatMap((p) => p.watermarks).sort((x, y) => y.seq - x.seq)[0];
    await store.writeCommitted({
      source: 'shop',
      seq: newest.seq,
      position: newest.position,
      computedAtMs: Date.now(),
    });
    await until(
      'the slot to confirm the committed position',
      async () => (await confirmedFlush('shop', 'cdc_shop')) === newest.position.commit,
    );
  } finally {
    controller.abort();
    await running;
  }
});

test('a reader stopped in the middle of its snapshot starts the snapshot over on restart', async () => {
  const url = await pg.createDatabase('big');
  await pg.query(
    `CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, repeat('v', 50) FROM generate_series(1, 200000) g`,
    [],
    'big',
  );
  const config = configFor('big', url, '    snapshot: { parallelism: 1, chunk_rows: 2000 }');
  const first = new AbortController();
  const running = runPostgresReader({ config, source: 'big', signal: first.signal, log });
  await until(
    'the snapshot to begin',
    async () => (await store.readSnapshotState<{ status: string }>('big'))?.status === 'in-progress',
  );
  await new Promise((r) => setTimeout(r, 300));
  first.abort();
  await running.catch(() => undefined);
  assert.equal((await store.readSnapshotState<{ status: string }>('big'))?.status, 'in-progress');

  const second = new AbortController();
  const again = runPostgresReader({ config, source: 'big', signal: second.signal, log });
  try {
    await until(
      'the second snapshot to finish',
      async () => (await store.readSnapshotState<{ status: string }>('big'))?.status === 'done',
      60_000,
    );
    const partitions = [await readStream('big', 0), await readStream('big', 1)];
    const truncates = partitions.flatMap((p) => p.ops).filter((o) => o.kind === 'truncate').length;
    assert.equal(truncates, 2, 'both snapshot attempts began with a truncate of the table');
    const rows = new Set(
      partitions
        .flatMap((p) => p.ops)
        .filter((o) => o.kind === 'snapshot-row')
        .map((o) => (o.key[0] as { value: string }).value),
    );
    assert.equal(rows.size, 200000, 'the second snapshot read every row');
  } finally {
    second.abort();
    await again;
  }
});
