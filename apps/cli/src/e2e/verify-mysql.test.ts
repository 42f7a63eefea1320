import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { VerifyReport } from '@cdc/verify';
import { startPipelineFixture, waitFor, type MysqlPipelineFixture } from './pipeline-fixture';

// cdc verify across engines: Postgres -> MariaDB. Every common type must print the same
// canonical text on both sides (no chunk even needs a recheck), and one planted difference of
// each kind is found with exactly its key.
const BUNDLE = join(resolve(__dirname, '../../../..'), 'dist/cdc.cjs');
const ROWS = 3_000;

let fixture: MysqlPipelineFixture;

before(async () => {
  fixture = await startPipelineFixture({ destination: 'mysql', tables: ['public.items'], partitions: 2 });
  await fixture.sourceQuery(`
    CREATE TABLE items (
      id int8 PRIMARY KEY, code text NOT NULL, price numeric(12, 2), qty int4, name text, data jsonb,
      at timestamptz, seen timestamp, flag boolean, ratio float8, blob bytea, day date, uid uuid
    );
    INSERT INTO items
      SELECT g, 'c' || g, g * 1.25, g % 97, 'item ' || g || ' é', jsonb_build_object('b', g, 'a', ARRAY[g, g + 1]),
             timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second 250 microseconds',
             timestamp '2020-02-02 10:00:00' + g * interval '1 minute', g % 2 = 0, g / 7.0,
             decode(lpad(to_hex(g), 8, '0'), 'hex'), date '2020-01-01' + g % 1000,
             md5(g::text)::uuid
        FROM generate_series(1, ${ROWS}) g;
    UPDATE items SET name = NULL, data = NULL, ratio = NULL WHERE id % 500 = 0;
  `);
  fixture.start('coordinator');
  fixture.start('applier');
  fixture.start('reader');
  await waitFor('the snapshot at the destination', async () => {
    const [row] = await fixture.destinationQuery('SELECT COUNT(*) AS n FROM replica.items');
    return Number(row.n) === ROWS;
  });
});

after(async () => {
  if (fixture) await fixture.destroy();
});

function verify(...args: string[]): { status: number | null; report: VerifyReport; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [BUNDLE, 'verify', '--config', fixture.configFile, '--json', '--chunk-rows', '500', ...args],
    { encoding: 'utf8', timeout: 120_000 },
  );
  return { status: run.status, report: JSON.parse(run.stdout || '{}') as VerifyReport, stderr: run.stderr };
}

test('Postgres -> MariaDB: equal, every chunk by its in-database checksum', () => {
  const { status, report, stderr } = verify();
  assert.equal(status, 0, stderr);
  const [items] = report.tables;
  assert.equal(items.destinationTable, 'replica.items');
  assert.equal(items.rows, ROWS);
  // Six full chunks and the open-ended last one (where extra rows past the last key would be).
  assert.equal(items.chunks, ROWS / 500 + 1);
  // Same canonical text on both engines: no chunk's checksum differed.
  assert.equal(items.rechecked, 0);
});

test('Postgres -> MariaDB: a planted difference of each kind, exactly those keys', async () => {
  await fixture.destinationQuery('DELETE FROM replica.items WHERE id = 1234');
  await fixture.destinationQuery("UPDATE replica.items SET at = '2030-01-01 00:00:00' WHERE id = 2345");
  await fixture.destinationQuery("INSERT INTO replica.items (id, code) VALUES (99999, 'extra')");
  const { status, report, stderr } = verify();
  assert.equal(status, 1, stderr);
  const [items] = report.tables;
  assert.deepEqual(
    items.differences.map((d) => `${d.kind} ${d.key.join(',')} ${d.columns?.join(',') ?? ''}`.trim()).sort(),
    ['different 2345 at', 'extra 99999', 'missing 1234'],
  );
});
