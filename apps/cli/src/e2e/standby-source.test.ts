import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  startPipelineFixture,
  tableDigest,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// Reading from a physical standby (PostgreSQL 16+ decodes on a standby). The source's url is a
// hot standby from the same binaries, primary_url its primary; every write goes to the primary.
// The slot, the initial snapshot and the stream are the standby's; the publication and the live
// backfill's markers are the primary's. The primary is idle when the reader creates its slot on
// the standby: that waits for a running-transactions record from the primary, which an idle
// primary never writes unless asked (pg_log_standby_snapshot). Then the primary fails and the
// standby is promoted: the reader goes on there as the primary, from the slot it had, with the
// publication and the live backfill's markers on it now; restarted, it starts there too.
const VERSION = Number(process.env.CDC_STANDBY_PG_VERSION ?? 16);
const TABLES = ['public.accounts', 'public.events'];

let fixture: PipelineFixture;
let reader: ServiceProcess;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: 4,
    sourceVersion: VERSION,
    readFromStandby: { name: 'standby' },
    sourceExtra: '    table_discovery_interval_s: 1\n',
  });
  await fixture.sourceQuery(`
    CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text);
    INSERT INTO accounts SELECT g, 1000, repeat('n', 3000) || g FROM generate_series(1, 2000) g;
    CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
    CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
    INSERT INTO events SELECT g, DATE '2025-01-01' + (g % 700), 'first ' || g FROM generate_series(1, 1000) g;
    CREATE PUBLICATION cdc_shop FOR TABLE accounts, events WITH (publish_via_partition_root = true);
  `);
  // Nothing left for autovacuum to do (its analyze would write WAL), then idle: the background
  // writer logs running transactions only after other WAL, at most every 15 s, so after this
  // wait the primary writes nothing by itself.
  for (const table of ['accounts', 'events_2025', 'events_2026']) await fixture.sourceQuery(`VACUUM ANALYZE ${table}`);
  await new Promise((r) => setTimeout(r, 16_000));
  fixture.start('coordinator');
  fixture.start('applier');
  reader = fixture.start('reader');
});

after(async () => {
  if (fixture) await fixture.destroy();
});

test(`PostgreSQL ${VERSION}: the slot and the snapshot on a standby of an idle primary`, async () => {
  const started = Date.now();
  await waitFor('the slot created on the standby', async () => /replication slot created/.test(reader.log()), 30_000);
  const createdAfterS = (Date.now() - started) / 1000;
  // Without asking the primary for a running-transactions record it waits indefinitely (seen: no slot in 30 s).
  assert.ok(createdAfterS < 8, `slot created after ${createdAfterS} s`);
  await waitForEqualTables(fixture, TABLES);
  const onStandby = await fixture.standby!.query(
    `SELECT slot_type, active FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
    [],
    'shop',
  );
  assert.equal(onStandby.rows[0]?.slot_type, 'logical', 'the logical slot is on the standby');
  const onPrimary = await fixture.sourceQuery(`SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`);
  assert.deepEqual(onPrimary, [], 'no logical slot on the primary');
});

test('changes written on the primary stream from the standby; a table created meanwhile is backfilled', async () => {
  await fixture.sourceQuery(`
    UPDATE accounts SET balance = balance - 10 WHERE id % 7 = 0;
    UPDATE accounts SET balance = balance + 1 WHERE id % 11 = 0;
    DELETE FROM accounts WHERE id % 50 = 0;
    INSERT INTO accounts SELECT g, 5, NULL FROM generate_series(2001, 2300) g;
    INSERT INTO events SELECT g, DATE '2026-02-01' + (g % 100), 'streamed ' || g FROM generate_series(1001, 1300) g;
    UPDATE events SET v = 'updated' WHERE id % 100 = 0;
    CREATE TABLE orders (id int PRIMARY KEY, account int NOT NULL, total numeric(10, 2));
    INSERT INTO orders SELECT g, g % 2000 + 1, g * 1.5 FROM generate_series(1, 3000) g;
  `);
  // The live backfill of orders writes its markers on the primary; the standby's stream reads them.
  await waitFor('orders backfilled', async () => /live backfill of public\.orders done/.test(reader.log()), 60_000);
  await fixture.sourceQuery('UPDATE orders SET total = 0 WHERE id % 3 = 0; DELETE FROM orders WHERE id > 2900');
  await waitForEqualTables(fixture, [...TABLES, 'public.orders']);
  assert.doesNotMatch(reader.log(), /"level":"error"/, 'no error logged');

  // cdc status reads the slot where the reader is: the standby.
  const status = spawnSync(
    process.execPath,
    [resolve(__dirname, '../../../../dist/cdc.cjs'), 'status', '--config', fixture.configFile, '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(status.status, 0, status.stderr);
  const [shop] = JSON.parse(status.stdout);
  assert.equal(shop.sourceError, undefined);
  assert.equal(shop.slot.active, true);
});

test('the standby promoted: the reader goes on from its slot there, as the primary, and restarts there', async () => {
  const standby = fixture.standby!;
  const onNewPrimary = async (sql: string) => (await standby.query(sql, [], 'shop')).rows;
  const pid = reader.child.pid;
  await fixture.source.kill();
  await standby.query('SELECT pg_promote()');
  // Writes on the new primary, and a table created there: its live backfill's markers are
  // written on the new primary (primary_url is gone).
  await onNewPrimary(`
    UPDATE accounts SET balance = balance + 100 WHERE id % 13 = 0;
    DELETE FROM events WHERE id % 40 = 0;
    CREATE TABLE refunds (id int PRIMARY KEY, amount numeric(10, 2));
    INSERT INTO refunds SELECT g, g * 0.5 FROM generate_series(1, 500) g;
  `);
  await waitFor('refunds backfilled', async () => /live backfill of public\.refunds done/.test(reader.log()), 60_000);
  await onNewPrimary('UPDATE refunds SET amount = 0 WHERE id % 5 = 0; DELETE FROM accounts WHERE id % 97 = 0');
  const tables = [...TABLES, 'public.orders', 'public.refunds'];
  await waitForEqualTo(onNewPrimary, tables);
  assert.match(reader.log(), /was promoted: reading from it as the primary/);
  assert.equal(reader.child.pid, pid);
  assert.equal(reader.child.exitCode, null, 'the same reader goes on');
  assert.match(
    reader.log(),
    /url \(postgres:\/\/\S+\) is a primary now, holding this source's slot: the standby was promoted/,
  );

  // Restarted, it starts there as the primary (primary_url is not refused) and streams on.
  await fixture.stop(reader, 'SIGTERM');
  reader = fixture.start('reader');
  await onNewPrimary('INSERT INTO refunds SELECT g, 1 FROM generate_series(501, 600) g');
  await waitForEqualTo(onNewPrimary, tables);
  assert.match(reader.log(), /is a primary now, holding this source's slot/);
  assert.doesNotMatch(reader.log(), /left timeline/);
  assert.equal(reader.child.exitCode, null);
});

/** Waits until the destination's tables equal those `query` reads (the promoted standby). */
async function waitForEqualTo(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
  tables: readonly string[],
): Promise<void> {
  let difference = '';
  await waitFor(
    'the destination to equal the promoted standby',
    async () => {
      for (const table of tables) {
        const [left, right] = await Promise.all([
          tableDigest(query, table),
          tableDigest(fixture.destinationQuery, table).catch(() => 'missing'),
        ]);
        difference = `${table}: source ${left}, destination ${right}`;
        if (left !== right) return false;
      }
      return true;
    },
    90_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${difference})`);
  });
}
