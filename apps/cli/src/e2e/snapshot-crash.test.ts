import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPipelineFixture, waitFor, waitForEqualTables, type PipelineFixture } from './pipeline-fixture';

// The bulk lane under a crash: the initial snapshot goes in with COPY as it is (no key looked
// up), so a chunk applied twice would be a duplicate-key failure in a keyed table and silent
// duplicates in a keyless one. Kill -9 the applier in the middle of the load, start it again:
// every row once, in both kinds of table. Each destination table has an audit trigger that
// records every row written, and a statement trigger that slows each write down so the kill
// lands mid-load on any machine.
const TABLES = ['public.bulk', 'public.bulk_nokey'];
const KEYED_ROWS = 60_000;
const KEYLESS_ROWS = 20_000;

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: 2,
    // Small chunks, one or two a batch: many COPY transactions, each with its checkpoint row.
    sourceExtra: '    snapshot:\n      chunk_rows: 5000\n',
    destinationBatch: { max_bytes: 4096 },
  });
  await fixture.sourceQuery(`
    CREATE TABLE bulk (id bigint PRIMARY KEY, payload text NOT NULL);
    INSERT INTO bulk SELECT g, 'row ' || g || repeat('x', 60) FROM generate_series(1, ${KEYED_ROWS}) g;
    CREATE TABLE bulk_nokey (n int, payload text);
    ALTER TABLE bulk_nokey REPLICA IDENTITY FULL;
    INSERT INTO bulk_nokey SELECT g % 1000, 'same ' || (g % 1000) FROM generate_series(1, ${KEYLESS_ROWS}) g;
  `);
  await fixture.destinationQuery(`
    CREATE TABLE bulk (id bigint PRIMARY KEY, payload text NOT NULL);
    CREATE TABLE bulk_nokey (n int, payload text);
    CREATE TABLE written (tbl text, id bigint);
    CREATE FUNCTION record_keyed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO written VALUES ('bulk', NEW.id); RETURN NEW; END $$;
    CREATE FUNCTION record_keyless() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO written VALUES ('bulk_nokey', NULL); RETURN NEW; END $$;
    CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.15); RETURN NULL; END $$;
    CREATE TRIGGER record AFTER INSERT OR UPDATE ON bulk FOR EACH ROW EXECUTE FUNCTION record_keyed();
    CREATE TRIGGER record AFTER INSERT OR UPDATE ON bulk_nokey FOR EACH ROW EXECUTE FUNCTION record_keyless();
    CREATE TRIGGER slow AFTER INSERT ON bulk FOR EACH STATEMENT EXECUTE FUNCTION slow_write();
    CREATE TRIGGER slow AFTER INSERT ON bulk_nokey FOR EACH STATEMENT EXECUTE FUNCTION slow_write();
  `);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

test('kill -9 of the applier in the middle of a COPY snapshot: every row once, keyed or keyless', async () => {
  fixture.start('coordinator');
  fixture.start('reader');
  const applier = fixture.start('applier');
  const count = async () => Number((await fixture.destinationQuery('SELECT count(*)::int AS n FROM bulk'))[0].n);
  await waitFor('the snapshot load to begin at the destination', async () => (await count()) > 0);
  await fixture.stop(applier, 'SIGKILL');
  const atKill = await count();
  assert.ok(atKill < KEYED_ROWS, `the applier was killed mid-load (${atKill} of ${KEYED_ROWS} rows there)`);
  const [written] = await fixture.destinationQuery(`SELECT count(*)::int AS n FROM written WHERE tbl = 'bulk'`);
  assert.equal(written.n, atKill, 'each row written once so far');

  fixture.start('applier');
  await waitForEqualTables(fixture, TABLES);
  const twice = await fixture.destinationQuery(
    `SELECT id, count(*)::int AS n FROM written WHERE tbl = 'bulk' GROUP BY id HAVING count(*) > 1 LIMIT 5`,
  );
  assert.deepEqual(twice, [], 'keyed rows written more than once');
  const [keyed] = await fixture.destinationQuery(`SELECT count(*)::int AS n FROM written WHERE tbl = 'bulk'`);
  assert.equal(keyed.n, KEYED_ROWS, 'one write per keyed row');
  const [keyless] = await fixture.destinationQuery(`SELECT count(*)::int AS n FROM written WHERE tbl = 'bulk_nokey'`);
  assert.equal(keyless.n, KEYLESS_ROWS, 'one write per keyless row (a chunk loaded twice would add its rows again)');
});
