// Over 400 lines on purpose: two end-to-end scenarios of row filters and destination rules (PG 15 pushed down, PG 14 in the reader), each a long sequence of writes and checks that reads top to bottom.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { HEADER_KIND, decodeBatch, expandRows, type ChangeOp } from '@cdc/change-envelope';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { runApplier } from '@cdc/applier';
import { runCoordinator } from '@cdc/coordinator';
import { runPostgresReader } from '@cdc/reader-postgres';
import { runVerify } from '@cdc/verify';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';

/*
 * Issue 19, PG -> PG in-process (reader, applier, coordinator): a source row filter pushed down
 * into the publication and the snapshot, a destination filter evaluated by the applier, and
 * column transforms. The reader runs alone first, so the stream still holds everything it
 * published when it is read back (interest retention keeps what the destination has not acked);
 * then the applier and coordinator drain it.
 */

const log = pino({ level: 'silent' });
const KEY = 'issue-19-transform-key-0123456789';
const FILTER = "region = 'eu' AND NOT deleted";
const PARTITIONS = 2;

let sources: Map<number, PostgresServer>;
let destination: PostgresServer;
let nats: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

before(async () => {
  let source14: PostgresServer, source15: PostgresServer;
  [source15, source14, destination, nats] = await Promise.all([
    startPostgres({ name: 'rules-source' }),
    startPostgres({ name: 'rules-source-14', version: 14 }),
    startPostgres({ name: 'rules-dest', logical: false }),
    startNats({ name: 'rules' }),
  ]);
  sources = new Map([
    [15, source15],
    [14, source14],
  ]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

after(async () => {
  await nc?.close();
  await Promise.all([...(sources?.values() ?? []), destination, nats].map((server) => server?.destroy()));
});

/** The config of issue 19's shape, through the config parser. */
function configOf(name: string, sourceUrl: string, destinationUrl: string, filter = FILTER): PipelineConfig {
  return parseConfig(
    `
nats: { url: ${JSON.stringify(nats.url)} }
sources:
  - name: ${name}
    type: postgres
    url: ${JSON.stringify(sourceUrl)}
    tables: ["public.*"]
    partitions: ${PARTITIONS}
    snapshot: { parallelism: 2, chunk_rows: 1000 }
    publish: { max_delay_ms: 5, watermark_interval_ms: 100 }
    status_interval_ms: 100
    table_discovery_interval_s: 1
    filters:
      public.orders: "${filter}"
      live_orders: "${FILTER}"
destinations:
  - name: dw
    type: postgres
    url: ${JSON.stringify(destinationUrl)}
    sources: [${name}]
    create_tables: true
    batch: { max_ops: 500, max_wait_ms: 10 }
    concurrency: 2
    membership: { heartbeat_ms: 200, ttl_ms: 1000 }
    filters: { public.users: "id < 1000" }
    transforms:
      public.users: { email: hash, backup_email: mask_email, ssn: hash, phone: mask_phone, note: redact }
      customers: { email: hash }
    transform_key: \${TRANSFORM_KEY}
coordinator: { interval_ms: 100 }
`,
    'row-rules.yaml',
    { TRANSFORM_KEY: KEY },
  );
}

/** Every op the stream holds for a table, snapshot chunks opened into rows. */
async function streamedOps(name: string, table: string): Promise<ChangeOp[]> {
  const ops: ChangeOp[] = [];
  for (let partition = 0; partition < PARTITIONS; partition += 1) {
    for (let seq = 1; ;) {
      const message = await jsm.direct.getMessage(`CDC_${name}`, { seq, next_by_subj: `cdc.${name}.${partition}` });
      if (!message) break;
      if (message.header?.get(HEADER_KIND) !== 'watermark') {
        for (const op of decodeBatch(message.data).ops) {
          if (op.kind !== 'ddl' && `${op.table.schema}.${op.table.table}` === table) ops.push(...expandRows(op));
        }
      }
      seq = message.seq + 1;
    }
  }
  return ops;
}

const idOf = (op: ChangeOp): string | undefined => {
  const row = op.after ?? op.before;
  const value = row?.[0] ?? op.key[0];
  return value && 'value' in value ? String(value.value) : undefined;
};

test('PG 15 -> PG: the row filter pushed down into the publication and snapshot, a destination filter, masked columns', () =>
  scenario(15));

test('PG 14 -> PG: the same row filter evaluated by the reader (no publication row filters before 15)', () =>
  scenario(14));

async function scenario(version: number): Promise<void> {
  const name = `shop${version}`;
  const source = sources.get(version)!;
  const sourceUrl = await source.createDatabase('shop');
  const destinationUrl = await destination.createDatabase(`dw${version}`);
  const q = (sql: string) => source.query(sql, [], 'shop');
  const dq = async (sql: string) => (await destination.query(sql, [], `dw${version}`)).rows;
  await q(`CREATE TABLE orders (id int PRIMARY KEY, region text, deleted bool NOT NULL DEFAULT false, amount int);
           ALTER TABLE orders REPLICA IDENTITY FULL;
           CREATE TABLE users (id int PRIMARY KEY, email text, backup_email text, ssn varchar(11), phone text, note text);
           CREATE TABLE customers (id int PRIMARY KEY, email text)`);
  // Before the reader starts: read by the snapshot. Ids 100.. are outside the filter for good.
  await q(`INSERT INTO orders SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, i % 5 = 0, i FROM generate_series(1, 40) i;
           INSERT INTO orders SELECT i, 'us', false, i FROM generate_series(100, 119) i;
           INSERT INTO users VALUES (1, 'alice@example.com', 'alice.b@example.org', '123-45-6789', '+1 (555) 123-4567', 'likes cats'),
                                    (2, 'bob@example.com', 'bob.b@example.org', '987-65-4321', '+44 20 7946 0958', 'vip'),
                                    (1001, 'eve@example.com', NULL, '555-55-5555', NULL, 'outside the destination filter');
           INSERT INTO customers VALUES (10, 'alice@example.com'), (11, 'carol@example.com')`);

  const config = configOf(name, sourceUrl, destinationUrl);
  let stopReader = new AbortController();
  let reader = runPostgresReader({ config, source: name, signal: stopReader.signal, log });
  await until(
    'the reader streams',
    async () =>
      (await q(`SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cdc_${name}' AND active`)).rows.length > 0,
    30_000,
  );

  // The filter is in the publication, rendered from the parsed expression.
  if (version >= 15) {
    const published = await q(
      `SELECT tablename, rowfilter FROM pg_publication_tables WHERE pubname = 'cdc_${name}' ORDER BY 1`,
    );
    assert.deepEqual(
      published.rows.map((row) => [row.tablename, row.rowfilter]),
      [
        ['customers', null],
        ['orders', "((region = 'eu'::text) AND (NOT deleted))"],
        ['users', null],
      ],
    );
  }

  // Live: inserts in and out, updates moving rows in and out, updates inside, deletes, a truncate.
  await q(
    `INSERT INTO orders SELECT i, CASE WHEN i % 3 = 0 THEN 'eu' ELSE 'apac' END, false, i FROM generate_series(41, 70) i`,
  );
  await q(`INSERT INTO orders SELECT i, 'us', false, i FROM generate_series(120, 139) i`);
  await q(`UPDATE orders SET region = 'eu' WHERE id BETWEEN 1 AND 9 AND region = 'us'`); // into the filter
  await q(`UPDATE orders SET region = 'us' WHERE id IN (12, 14)`); // out of it
  await q(`UPDATE orders SET deleted = true WHERE id = 16`); // out of it
  await q(`UPDATE orders SET deleted = false WHERE id = 20`); // into it (was eu and deleted)
  await q(`UPDATE orders SET amount = amount * 10 WHERE region = 'eu'`); // inside (and outside, unpublished)
  await q(`UPDATE orders SET amount = -1 WHERE id >= 100`); // outside: never published
  await q(`DELETE FROM orders WHERE id IN (18, 22, 101)`);
  await q(`INSERT INTO users VALUES (3, 'carol@example.com', 'c@example.net', '111-22-3333', '030 1234567', 'new')`);
  await q(`UPDATE users SET note = 'changed note', phone = '+49 170 9876543' WHERE id = 2`);
  await q(`INSERT INTO customers VALUES (12, 'bob@example.com')`);
  await q(`TRUNCATE customers`);
  await q(`INSERT INTO customers VALUES (10, 'alice@example.com'), (13, 'bob@example.com')`);
  // A table created while streaming: discovered, added to the publication with its filter and
  // backfilled live, reading only matching rows; then changed live.
  await q(`CREATE TABLE live_orders (id int PRIMARY KEY, region text, deleted bool NOT NULL DEFAULT false, amount int);
           ALTER TABLE live_orders REPLICA IDENTITY FULL;
           INSERT INTO live_orders SELECT i, CASE WHEN i % 2 = 0 THEN 'eu' ELSE 'us' END, false, i FROM generate_series(1, 30) i`);
  await until(
    'live_orders backfilled',
    async () => (await streamedOps(name, 'public.live_orders')).some((op) => idOf(op) === '30'),
    30_000,
  );
  await q(`INSERT INTO live_orders VALUES (31, 'us', false, 31), (32, 'eu', false, 32)`);
  await q(`UPDATE live_orders SET region = 'eu' WHERE id = 1`); // into the filter
  await q(`UPDATE live_orders SET region = 'us' WHERE id = 2`); // out of it
  await until(
    'the reader to publish the last change',
    async () => (await streamedOps(name, 'public.customers')).some((op) => op.kind === 'insert' && idOf(op) === '13'),
    30_000,
  );

  // live_orders in the stream: no row that was never inside the filter (odd ids but 1).
  const liveOps = await streamedOps(name, 'public.live_orders');
  assert.deepEqual(
    liveOps.filter((op) => Number(idOf(op)) % 2 === 1 && idOf(op) !== '1').map((op) => `${op.kind} ${idOf(op)}`),
    [],
  );
  assert.ok(
    liveOps.some((op) => idOf(op) === '1' && op.kind === 'insert'),
    'row 1 entered the filter: an insert',
  );
  assert.ok(
    liveOps.some((op) => idOf(op) === '2' && op.kind === 'delete'),
    'row 2 left it: a delete',
  );

  // What reached JetStream for orders: never a row outside the filter.
  const orderOps = await streamedOps(name, 'public.orders');
  const neverInFilter = new Set(Array.from({ length: 40 }, (_, i) => String(100 + i)));
  const leaked = orderOps.filter((op) => neverInFilter.has(idOf(op) ?? ''));
  assert.deepEqual(
    leaked.map((op) => `${op.kind} ${idOf(op)}`),
    [],
  );
  for (const op of orderOps) {
    if (op.after === undefined || op.kind === 'delete') continue;
    const [region, deleted] = [op.after[1], op.after[2]];
    assert.ok(
      region.kind === 'text' && region.value === 'eu' && deleted.kind === 'boolean' && !deleted.value,
      `${op.kind} ${idOf(op)}`,
    );
  }
  const inFilterAtEnd = Number((await q(`SELECT count(*) FROM orders WHERE ${FILTER}`)).rows[0].count);
  const totalOrders = Number((await q('SELECT count(*) FROM orders')).rows[0].count);
  const stream = await jsm.streams.info(`CDC_${name}`);
  console.log(
    `PostgreSQL ${version}: orders: ${orderOps.length} ops in the stream (rows inside the filter at the end: ${inFilterAtEnd} of ${totalOrders}); ` +
      `stream: ${stream.state.messages} messages, ${stream.state.bytes} bytes`,
  );
  // The moves are there as the publication turns them: out of the filter a delete, into it an insert.
  const kindsOf = (id: string) => orderOps.filter((op) => idOf(op) === id).map((op) => op.kind);
  assert.deepEqual(kindsOf('12'), ['snapshot-row', 'delete']);
  assert.deepEqual(kindsOf('16'), ['snapshot-row', 'delete']);
  assert.deepEqual(kindsOf('3'), ['insert', 'update']);
  assert.deepEqual(kindsOf('20'), ['insert', 'update']);

  // A destination filter is the applier's: user 1001 is in the stream.
  assert.ok(
    (await streamedOps(name, 'public.users')).some((op) => idOf(op) === '1001'),
    'user 1001 in the stream',
  );

  // Now the applier drains it.
  const stopOthers = new AbortController();
  const applier = runApplier({ config, destination: 'dw', signal: stopOthers.signal, log });
  const coordinator = runCoordinator({ config, signal: stopOthers.signal, log });
  try {
    const expected = async () =>
      JSON.stringify((await q(`SELECT id, region, deleted, amount FROM orders WHERE ${FILTER} ORDER BY id`)).rows);
    await until(
      'the destination to equal the filtered source',
      async () => {
        try {
          return (
            JSON.stringify(await dq('SELECT id, region, deleted, amount FROM orders ORDER BY id')) ===
            (await expected())
          );
        } catch {
          return false;
        }
      },
      60_000,
    );
    await until(
      'live_orders at the destination equal to the filtered source',
      async () => {
        try {
          const want = (await q(`SELECT id, region, deleted, amount FROM live_orders WHERE ${FILTER} ORDER BY id`))
            .rows;
          return (
            JSON.stringify(await dq('SELECT id, region, deleted, amount FROM live_orders ORDER BY id')) ===
            JSON.stringify(want)
          );
        } catch {
          return false;
        }
      },
      60_000,
    );
    await until(
      'users and customers applied',
      async () => {
        try {
          return (
            (await dq('SELECT count(*)::int AS n FROM users'))[0].n === 3 &&
            (await dq('SELECT count(*)::int AS n FROM customers'))[0].n === 2
          );
        } catch {
          return false;
        }
      },
      30_000,
    );

    // The destination filter: user 1001 reached the stream (checked above) but not the destination.
    assert.deepEqual(
      (await dq('SELECT id FROM users ORDER BY id')).map((row) => row.id),
      [1, 2, 3],
    );

    // No clear value anywhere in the destination's transformed tables.
    const clear = [
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'alice.b',
      'bob.b',
      '123-45-6789',
      '987-65-4321',
      '111-22-3333',
      '555-55-5555',
      '123-4567',
      '7946 0958',
      '9876543',
      'likes cats',
      'vip',
      'changed note',
      'new',
    ];
    const everything = JSON.stringify([...(await dq('SELECT * FROM users')), ...(await dq('SELECT * FROM customers'))]);
    assert.deepEqual(
      clear.filter((value) => everything.includes(value)),
      [],
    );
    const users = await dq('SELECT id, email, backup_email, ssn, phone, note FROM users ORDER BY id');
    assert.deepEqual(
      users.map((row) => [row.backup_email, row.phone, row.note]),
      [
        ['a******@example.org', '+* (***) ***-4567', 'REDACTED'],
        ['b****@example.org', '+** *** ***6543', 'REDACTED'],
        ['c@example.net', '*** ***4567', 'REDACTED'],
      ],
    );
    assert.match(String(users[0].ssn), /^[0-9a-f]{11}$/, 'hex digest cut to varchar(11)');
    // Equal inputs hash equal across tables: users.email and customers.email.
    const customers = await dq('SELECT id, email FROM customers ORDER BY id');
    assert.equal(customers[0].email, users[0].email); // alice
    assert.equal(customers[1].email, users[1].email); // bob
    assert.notEqual(users[0].email, users[1].email);
    assert.match(String(users[0].email), /^[0-9a-f]{64}$/);

    // cdc verify compares through the filters, leaving transformed columns out.
    const report = await runVerify({ config, source: name, destination: 'dw', waitTimeoutMs: 30_000 });
    assert.deepEqual(
      report.tables.map((t) => [t.table, t.status]),
      [
        ['public.customers', 'equal'],
        ['public.live_orders', 'equal'],
        ['public.orders', 'equal'],
        ['public.users', 'equal'],
      ],
      JSON.stringify(report.tables.map((t) => [t.table, t.notes, t.differences])),
    );
    assert.ok(
      report.tables.find((t) => t.table === 'public.users')!.notes.some((n) => n.includes('ssn is transformed')),
    );

    if (version >= 15) {
      // The filter changed while the pipeline runs (a reader restart with the new config): the
      // publication gets the new one, and the destination table is emptied and backfilled through
      // it, so rows it no longer matches leave and rows it now matches arrive.
      stopReader.abort();
      await reader;
      const changedFilter = "region IN ('eu', 'apac') AND amount > 50";
      stopReader = new AbortController();
      reader = runPostgresReader({
        config: configOf(name, sourceUrl, destinationUrl, changedFilter),
        source: name,
        signal: stopReader.signal,
        log,
      });
      await until(
        'the new filter in the publication',
        async () =>
          (
            await q(
              `SELECT rowfilter FROM pg_publication_tables WHERE pubname = 'cdc_${name}' AND tablename = 'orders'`,
            )
          ).rows[0]?.rowfilter === "((region = ANY (ARRAY['eu'::text, 'apac'::text])) AND (amount > 50))",
        30_000,
      );
      await q(`INSERT INTO orders VALUES (200, 'apac', false, 500), (201, 'us', false, 500)`);
      await q(`UPDATE orders SET amount = 1 WHERE id = 42`); // out of the new filter
      const want = async () =>
        JSON.stringify(
          (await q(`SELECT id, region, deleted, amount FROM orders WHERE ${changedFilter} ORDER BY id`)).rows,
        );
      await until(
        'the destination to equal the source under the new filter',
        async () => {
          try {
            return (
              JSON.stringify(await dq('SELECT id, region, deleted, amount FROM orders ORDER BY id')) === (await want())
            );
          } catch {
            return false;
          }
        },
        60_000,
      );
    }
  } finally {
    stopOthers.abort();
    stopReader.abort();
    await Promise.allSettled([applier, coordinator, reader]);
  }
}
