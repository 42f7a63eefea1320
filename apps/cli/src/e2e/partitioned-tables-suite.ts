import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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
// Also: a partition attached while running, and a partitioned table added to the config while
// the reader was stopped (it is backfilled at the next start). Registered by
// partitioned-tables.test.ts (Debian's 15) and postgres-versions.test.ts (other majors).
export function partitionedTablesSuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;

  before(async () => {
    fixture = await startPipelineFixture({ tables: ['public.events'], partitions: 4, ...versions });
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
    fixture.start('coordinator');
    fixture.start('applier');
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

  test('a partition attached while running streams into the same table', async () => {
    await fixture.sourceQuery(`
      CREATE TABLE events_2027 (LIKE events INCLUDING ALL);
      ALTER TABLE events ATTACH PARTITION events_2027 FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
      INSERT INTO events SELECT g, DATE '2027-02-01', 'in 2027' FROM generate_series(3001, 3050) g;
    `);
    await waitForEqualTables(fixture, ['public.events']);
    assert.deepEqual(await destinationTables(), ['events']);
  });

  test('a partitioned table added to the config while the reader was stopped is backfilled at its next start', async () => {
    assert.equal(await fixture.stop(reader, 'SIGTERM'), 0);
    const config = readFileSync(fixture.configFile, 'utf8');
    writeFileSync(
      fixture.configFile,
      config.replace('tables: ["public.events"]', 'tables: ["public.events","public.metrics"]'),
    );
    await fixture.sourceQuery('UPDATE metrics SET n = n + 1 WHERE id <= 10');
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
}
