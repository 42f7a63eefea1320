import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// A partitioned source table replicates as ONE destination table: its snapshot reads the
// partitioned table, and its streamed changes must arrive under the same name (the publication
// publishes via the partition root). Without that, every change after the snapshot went into
// destination tables named after the partitions and the destination's table stopped changing.
// Also: a partition attached while running with rows of its own (ATTACH writes no row changes:
// the reader finds the partition and backfills its rows), a partitioned table added to the
// config while the pipeline was stopped (backfilled at the next start), and a partition
// detached while running (its rows stay at the destination, its later changes do not follow;
// cdc verify --repair removes them). Registered by partitioned-tables.test.ts (Debian's 15) and
// postgres-versions.test.ts (other majors).
const BUNDLE = join(resolve(__dirname, '../../../..'), 'dist/cdc.cjs');

export function partitionedTablesSuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;
  let applier: ServiceProcess;
  let coordinator: ServiceProcess;

  before(async () => {
    fixture = await startPipelineFixture({
      tables: ['public.events'],
      partitions: 4,
      // Partitions attached or detached are found at table discovery.
      sourceExtra: '    table_discovery_interval_s: 1\n',
      ...versions,
    });
    await fixture.sourceQuery(`
      CREATE TABLE events (id bigint NOT NULL, at date NOT NULL, v text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
      CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO events SELECT g, DATE '2025-01-01' + (g % 700), 'first ' || g FROM generate_series(1, 2000) g;
      CREATE TABLE metrics (id int PRIMARY KEY, n int NOT NULL) PARTITION BY HASH (id);
      CREATE TABLE metrics_0 PARTITION OF metrics FOR VALUES WITH (MODULUS 2, REMAINDER 0);
      CREATE TABLE metrics_1 PARTITION OF metrics FOR VALUES WITH (MODULUS 2, REMAINDER 1);
      INSERT INTO metrics SELECT g, g FROM generate_series(1, 500) g;
    `);
    coordinator = fixture.start('coordinator');
    applier = fixture.start('applier');
    reader = fixture.start('reader');
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  async function destinationTables(): Promise<string[]> {
    const rows = await fixture.destinationQuery(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    return rows.map((row) => String(row.name));
  }

  test('the snapshot and the streamed changes of a partitioned table land in one destination table', async () => {
    await waitForEqualTables(fixture, ['public.events']);
    await fixture.sourceQuery(`
      INSERT INTO events SELECT g, DATE '2026-03-01' + (g % 200), 'streamed ' || g FROM generate_series(2001, 2100) g;
      UPDATE events SET v = 'updated' WHERE id % 200 = 0;
      DELETE FROM events WHERE id % 300 = 1;
      UPDATE events SET at = DATE '2026-12-31' WHERE id = 7;
    `);
    await waitForEqualTables(fixture, ['public.events']);
    const updated = await fixture.destinationQuery("SELECT count(*)::int AS n FROM events WHERE v = 'updated'");
    assert.ok(Number(updated[0].n) >= 10, 'updates streamed into events');
    assert.deepEqual(await destinationTables(), ['events'], 'no table named after a partition');
  });

  test('a partition attached while running with rows of its own: its rows are backfilled into the table', async () => {
    // ATTACH PARTITION writes no row changes: without the backfill these 400 rows never arrive.
    await fixture.sourceQuery(`
      CREATE TABLE events_2027 (LIKE events INCLUDING ALL);
      INSERT INTO events_2027 SELECT g, DATE '2027-01-01' + (g % 300), 'before attach ' || g FROM generate_series(3001, 3400) g;
      ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
      UPDATE events SET v = 'changed after attach' WHERE id BETWEEN 3001 AND 3010;
      DELETE FROM events WHERE id BETWEEN 3011 AND 3015;
      INSERT INTO events SELECT g, DATE '2027-02-01', 'in 2027' FROM generate_series(3501, 3550) g;
    `);
    await waitForEqualTables(fixture, ['public.events']);
    const [attached] = await fixture.destinationQuery(
      "SELECT count(*)::int AS n FROM events WHERE v LIKE 'before attach %' OR v = 'changed after attach'",
    );
    assert.equal(attached.n, 395);
    assert.match(reader.log(), /partition public\.events_2027 was attached to public\.events with rows/);
    assert.deepEqual(await destinationTables(), ['events']);
    // An empty partition attached (or created) needs no backfill: its rows stream.
    await fixture.sourceQuery(`
      CREATE TABLE events_2028 PARTITION OF events FOR VALUES FROM ('2028-01-01') TO ('2029-01-01');
      INSERT INTO events SELECT g, DATE '2028-03-01', 'in 2028' FROM generate_series(3601, 3620) g;
    `);
    await waitForEqualTables(fixture, ['public.events']);
    assert.deepEqual(await destinationTables(), ['events']);
  });

  test('a partitioned table added to the config while the pipeline was stopped reaches the destination at its restart', async () => {
    for (const service of [reader, applier, coordinator]) assert.equal(await fixture.stop(service, 'SIGTERM'), 0);
    const config = readFileSync(fixture.configFile, 'utf8');
    writeFileSync(
      fixture.configFile,
      config.replace('tables: ["public.events"]', 'tables: ["public.events","public.metrics"]'),
    );
    await fixture.sourceQuery('UPDATE metrics SET n = n + 1 WHERE id <= 10');
    await fixture.sourceQuery(
      "INSERT INTO events SELECT g, DATE '2026-05-01', 'while stopped' FROM generate_series(4001, 4020) g",
    );
    coordinator = fixture.start('coordinator');
    applier = fixture.start('applier');
    reader = fixture.start('reader');
    await waitForEqualTables(fixture, ['public.metrics', 'public.events']);
    await fixture.sourceQuery(
      'INSERT INTO metrics SELECT g, 0 FROM generate_series(501, 600) g; DELETE FROM metrics WHERE id = 1',
    );
    await waitForEqualTables(fixture, ['public.metrics']);
    await waitFor('only the two partitioned tables at the destination', async () => {
      const tables = await destinationTables();
      return tables.join(',') === 'events,metrics';
    });
  });
  test('a partition detached while running: its rows stay at the destination, its later changes do not follow', async () => {
    const [held] = await fixture.sourceQuery('SELECT count(*)::int AS n FROM events_2025');
    await fixture.sourceQuery('ALTER TABLE events DETACH PARTITION events_2025');
    await fixture.sourceQuery(`
      UPDATE events_2025 SET v = 'after detach' WHERE id % 10 = 0;
      DELETE FROM events_2025 WHERE id % 10 = 1;
      INSERT INTO events_2025 VALUES (900001, DATE '2025-06-01', 'after detach');
      INSERT INTO events SELECT g, DATE '2026-07-01', 'after detach, in events' FROM generate_series(5001, 5010) g;
    `);
    await waitFor('the reader to warn that the partition left', async () =>
      /partition public\.events_2025 left public\.events \(detached or dropped\)/.test(reader.log()),
    );
    await waitFor('the insert into events after the detach at the destination', async () => {
      const [row] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM events WHERE id BETWEEN 5001 AND 5010');
      return row.n === 10;
    });
    // Destination = source + the detached partition's rows as they were when it was detached.
    const [source] = await fixture.sourceQuery('SELECT count(*)::int AS n FROM events');
    const [destination] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM events');
    assert.equal(destination.n, Number(source.n) + Number(held.n));
    const [later] = await fixture.destinationQuery(
      "SELECT count(*)::int AS n FROM events WHERE v = 'after detach' OR id = 900001",
    );
    assert.equal(later.n, 0, 'no change made in the detached table reached the destination');
    assert.deepEqual(await destinationTables(), ['events', 'metrics'], 'the detached table is not replicated');

    // The way the warning gives to make the destination equal again.
    const run = spawnSync(
      process.execPath,
      [BUNDLE, 'verify', '--config', fixture.configFile, '--source', 'shop', '--tables', 'public.events', '--repair'],
      { encoding: 'utf8', timeout: 180_000 },
    );
    assert.equal(run.status, 1, `verify finds the detached rows: ${run.stdout}${run.stderr}`);
    await waitForEqualTables(fixture, ['public.events']);
  });
}
