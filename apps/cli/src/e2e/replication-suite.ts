import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  startPipelineFixture,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// Snapshot + streaming of every supported type, TOAST, truncate, keyless tables and hostile
// identifiers, through the real services against real Postgres and NATS servers. Registered by
// replication.test.ts (Debian's 15 on both sides) and postgres-versions.test.ts (other majors).
const TABLES = [
  'public.type_zoo',
  'public.toasty',
  'public.keyless',
  'public.full_identity',
  'public.truncated',
  '"Sales ""Schema"""."Weird ""Name"""',
];

export function replicationSuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  const services: ServiceProcess[] = [];

  before(async () => {
    fixture = await startPipelineFixture({ tables: ['public.*', 'Sales "Schema".*'], partitions: 4, ...versions });
    await fixture.sourceQuery(`
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE type_zoo (
        id bigserial PRIMARY KEY, i2 int2, i4 int4, i8 int8, num numeric(30,10), num_free numeric, f4 float4, f8 float8,
        flag bool, t text, vc varchar(20), ch char(3), raw bytea, js json, jsb jsonb, u uuid, d date, tm time, tmtz timetz,
        ts timestamp, tstz timestamptz, iv interval, ints int4[], texts text[], grid int4[][], feeling mood
      );
      CREATE TABLE toasty (id int PRIMARY KEY, counter int NOT NULL, big text);
      CREATE TABLE keyless (a int, b text);
      ALTER TABLE keyless REPLICA IDENTITY FULL;
      CREATE TABLE full_identity (id int PRIMARY KEY, v text);
      ALTER TABLE full_identity REPLICA IDENTITY FULL;
      CREATE TABLE truncated (id int PRIMARY KEY, v text);
      CREATE SCHEMA "Sales ""Schema""";
      CREATE TABLE "Sales ""Schema"""."Weird ""Name""" ("Key Col" int PRIMARY KEY, "select" text, "MiXeD" int, "semi;colon" text);
    `);
    await insertZooRows(0, 20);
    await fixture.sourceQuery(`
      INSERT INTO toasty SELECT g, 0, (SELECT string_agg(md5(g::text || x::text), '') FROM generate_series(1, 200) x) FROM generate_series(1, 5) g;
      INSERT INTO keyless VALUES (1, 'a'), (1, 'a'), (2, 'b');
      INSERT INTO full_identity SELECT g, 'v' || g FROM generate_series(1, 10) g;
      INSERT INTO truncated SELECT g, 'before' FROM generate_series(1, 10) g;
      INSERT INTO "Sales ""Schema"""."Weird ""Name""" VALUES (1, $$'); DROP TABLE toasty; --$$, 1, 'x\\y"z');
    `);
    services.push(fixture.start('coordinator'), fixture.start('applier'), fixture.start('reader'));
  });

  after(async () => {
    if (fixture) {
      for (const service of services) await fixture.stop(service, 'SIGTERM');
      await fixture.destroy();
    }
  });

  async function insertZooRows(from: number, count: number): Promise<void> {
    await fixture.sourceQuery(
      `INSERT INTO type_zoo (i2, i4, i8, num, num_free, f4, f8, flag, t, vc, ch, raw, js, jsb, u, d, tm, tmtz, ts, tstz, iv, ints, texts, grid, feeling)
       SELECT (g % 32767)::int2, g * 1000, CASE WHEN g % 2 = 0 THEN 9223372036854775807 ELSE -9223372036854775808 END,
              g * 1.0123456789, CASE WHEN g % 3 = 0 THEN 'NaN'::numeric ELSE 123456789012345678901234567890.5 END,
              CASE WHEN g % 4 = 0 THEN 'Infinity'::float4 ELSE 1.1 END, CASE WHEN g % 5 = 0 THEN 'NaN'::float8 ELSE 1e308 END,
              g % 2 = 0, 'text ' || g || E' with \\n newline, \\t tab, ''quote'', "dq", ünïcødé 🚀', 'vc' || g, 'ab',
              decode('00ff10' || lpad(to_hex(g), 4, '0'), 'hex'), '{"a": [1, 2.50, null],  "b": "x"}', jsonb_build_object('k', g, 'nested', jsonb_build_array(1, 'two')),
              ('a0eebc99-9c0b-4ef8-bb6d-' || lpad(g::text, 12, '0'))::uuid, DATE '2024-02-29' + g, TIME '23:59:59.999999', TIMETZ '12:00:00+05:30',
              TIMESTAMP '2024-01-01 00:00:00.123456' + g * INTERVAL '1 day', TIMESTAMPTZ '1999-12-31 23:59:59.5+02' + g * INTERVAL '1 hour',
              INTERVAL '1 year 2 months 3 days 04:05:06.789', ARRAY[g, NULL, 3], ARRAY['a,b', NULL, 'q"u\\ote', ''],
              ARRAY[[1, 2], [3, 4]], (ARRAY['sad', 'ok', 'happy']::mood[])[1 + g % 3]
         FROM generate_series($1::int, $1::int + $2::int - 1) g`,
      [from, count],
    );
    await fixture.sourceQuery(`INSERT INTO type_zoo (id) VALUES (DEFAULT)`); // a row of NULLs
  }

  test('the initial snapshot reaches the destination with every type and hostile identifiers', async () => {
    await waitForEqualTables(fixture, TABLES);
  });

  test('streamed inserts, updates, deletes and truncates reach the destination', async () => {
    await insertZooRows(100, 30);
    await fixture.sourceQuery(`
      UPDATE type_zoo SET t = t || ' updated', num = num + 1, texts = texts || ARRAY['new'] WHERE id % 3 = 0;
      DELETE FROM type_zoo WHERE id % 7 = 0;
      UPDATE type_zoo SET id = id + 100000 WHERE id = 2;  -- a primary key change
      UPDATE toasty SET counter = counter + 1;            -- the big TOASTed column is not sent
      UPDATE toasty SET counter = counter + 1 WHERE id = 1;
      DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless WHERE a = 1 LIMIT 1);
      UPDATE keyless SET b = 'bb' WHERE a = 2;
      INSERT INTO keyless VALUES (3, NULL), (3, NULL);
      UPDATE full_identity SET v = v || '!' WHERE id <= 5;
      DELETE FROM full_identity WHERE id = 10;
      TRUNCATE truncated;
      INSERT INTO truncated VALUES (1, 'after');
      UPDATE "Sales ""Schema"""."Weird ""Name""" SET "select" = 'Robert''); DROP TABLE students;--', "MiXeD" = 2;
      INSERT INTO "Sales ""Schema"""."Weird ""Name""" VALUES (2, NULL, NULL, E'\\\\x00');
    `);
    await fixture.sourceQuery(
      'BEGIN; INSERT INTO truncated VALUES (2, $$in tx$$); UPDATE truncated SET v = $$in tx 2$$ WHERE id = 2; COMMIT;',
    );
    await waitForEqualTables(fixture, TABLES);
    const toasted = await fixture.destinationQuery('SELECT id, counter, length(big) AS len FROM toasty ORDER BY id');
    assert.deepEqual(
      toasted.map((row) => [row.id, row.counter, row.len]),
      [
        [1, 2, 6400],
        [2, 1, 6400],
        [3, 1, 6400],
        [4, 1, 6400],
        [5, 1, 6400],
      ],
      'TOASTed column kept by updates that did not send it',
    );
  });

  test('the destination holds one checkpoint row per partition that received data', async () => {
    const rows = await fixture.destinationQuery(
      `SELECT count(*)::int AS n FROM "_cdc"."checkpoint" WHERE source = 'shop'`,
    );
    assert.ok(Number(rows[0].n) >= 1 && Number(rows[0].n) <= 4, `checkpoint rows: ${rows[0].n}`);
  });

  test('cdc status shows the committed position, slot lag and every partition', async () => {
    const bundle = resolve(__dirname, '../../../../dist/cdc.cjs');
    const json = spawnSync(process.execPath, [bundle, 'status', '--config', fixture.configFile, '--json'], {
      encoding: 'utf8',
    });
    assert.equal(json.status, 0, json.stderr);
    const [status] = JSON.parse(json.stdout);
    assert.equal(status.source, 'shop');
    assert.match(status.committedPosition, /^[0-9A-F]+\/[0-9A-F]+$/);
    assert.equal(status.slot.name, 'cdc_shop');
    assert.equal(status.slot.active, true);
    assert.match(status.slot.lagBytes, /^\d+$/);
    assert.equal(status.partitions.length, 4);
    for (const partition of status.partitions) {
      assert.equal(partition.destination, 'replica');
      assert.equal(typeof partition.pendingMessages, 'number');
      assert.equal(typeof partition.lastAppliedWatermark, 'number');
      assert.match(partition.owner, /-\d+-[0-9a-f]{6}$/, 'the applier instance holding the partition');
    }
    const text = spawnSync(process.execPath, [bundle, 'status', '--config', fixture.configFile], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      /source shop\n {2}committed: [0-9A-F]+\/[0-9A-F]+ \(watermark \d+\)\n {2}slot cdc_shop: active/,
    );
  });

  test('SIGTERM stops every service cleanly (exit 0) while changes flow', async () => {
    await fixture.sourceQuery(`INSERT INTO truncated SELECT g, 'late' FROM generate_series(100, 2000) g`);
    for (const service of services.splice(0).reverse()) {
      const started = Date.now();
      const code = await fixture.stop(service, 'SIGTERM');
      assert.equal(code, 0, `${service.kind} exit code (log: ${service.logFile})`);
      assert.ok(Date.now() - started < 15_000, `${service.kind} stopped in ${Date.now() - started} ms`);
    }
    // Restarted, the pipeline picks up where the clean stop left it.
    services.push(fixture.start('coordinator'), fixture.start('applier'), fixture.start('reader'));
    await waitForEqualTables(fixture, TABLES);
  });
}
