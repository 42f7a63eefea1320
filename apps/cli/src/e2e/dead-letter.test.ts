// Poison ops end to end, Postgres -> Postgres with on_error: dead-letter: the destination has a
// CHECK constraint the source does not, so some rows (snapshot and streamed) are rejected.
// They land in CDC_DLQ, everything else replicates; `cdc dlq list` shows them, a replay before
// the fix fails and keeps them, and after the constraint is dropped `cdc dlq replay --all`
// applies them: the tables end equal and the dead-letter stream empty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { startPipelineFixture, waitFor, waitForEqualTables, type PipelineFixture } from './pipeline-fixture';

const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture({ tables: ['public.*'], destinationExtra: '    on_error: dead-letter' });
  await fixture.sourceQuery(`
    CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);
    CREATE TABLE other (id int PRIMARY KEY, v text);
    INSERT INTO items SELECT g, CASE WHEN g IN (7, 70) THEN -1 ELSE g END FROM generate_series(1, 100) g;
    INSERT INTO other SELECT g, 'x' FROM generate_series(1, 100) g;
  `);
  await fixture.destinationQuery(`CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL CHECK (qty >= 0))`);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

function cdc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args, '--config', fixture.configFile], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Listed {
  id: number;
  table: string;
  key: string;
  error: string;
  streamSeq: number;
  partition: number;
}

test('rejected rows go to CDC_DLQ, the rest replicates, cdc dlq list and replay bring them in after the fix', async () => {
  fixture.start('reader');
  fixture.start('coordinator');
  const applier = fixture.start('applier');
  // The snapshot first (rows 7 and 70 rejected), then streamed changes (102 and the update of 50).
  await waitForEqualTables(fixture, ['public.other']);
  await waitFor('the snapshot', async () => {
    const rows = await fixture.destinationQuery('SELECT count(*)::int AS n FROM items');
    return rows[0].n === 98;
  });
  await fixture.sourceQuery(`
    INSERT INTO items VALUES (101, 5), (102, -3), (103, 6);
    UPDATE items SET qty = -9 WHERE id = 50;
    UPDATE other SET v = 'y' WHERE id <= 10;
  `);
  await waitForEqualTables(fixture, ['public.other']);
  const expected = `SELECT id, qty FROM items WHERE qty >= 0 AND id <> 50 UNION ALL SELECT 50, 50 ORDER BY id`;
  let last = '';
  await waitFor('the accepted rows', async () => {
    const [want, got] = await Promise.all([
      fixture.sourceQuery(expected),
      fixture.destinationQuery('SELECT id, qty FROM items ORDER BY id'),
    ]);
    last = `source ${JSON.stringify(want)}\ndestination ${JSON.stringify(got)}`;
    return JSON.stringify(want) === JSON.stringify(got);
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${last}\napplier log:\n${applier.log().slice(-3000)}`);
  });

  const listed = cdc('dlq', 'list', '--destination', 'replica', '--json');
  assert.equal(listed.status, 0, listed.stderr);
  const entries = JSON.parse(listed.stdout) as Listed[];
  assert.deepEqual(
    entries.map((e) => e.key),
    ['(7)', '(70)', '(102)', '(50)'],
  );
  for (const entry of entries) {
    assert.equal(entry.table, 'public.items');
    assert.match(entry.error, /violates check constraint "items_qty_check".*23514/);
    assert.ok(entry.streamSeq > 0);
  }
  const text = cdc('dlq', 'list', '--destination', 'replica');
  assert.match(text.stdout, /^\d+\t\S+\tshop p\d+ seq \d+\tsnapshot-row public\.items key \(7\) at \d+:\d+\t.*23514/m);
  assert.equal(applier.child.exitCode, null, 'the applier keeps running');

  const early = cdc('dlq', 'replay', '--destination', 'replica', '--id', String(entries[0].id));
  assert.equal(early.status, 1);
  assert.match(early.stdout, /^FAILED +\d+ public\.items key \(7\): .*check constraint/m);

  await fixture.destinationQuery('ALTER TABLE items DROP CONSTRAINT items_qty_check');
  const replay = cdc('dlq', 'replay', '--destination', 'replica', '--all');
  assert.equal(replay.status, 0, replay.stdout + replay.stderr);
  assert.equal(
    replay.stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('replayed')).length,
    4,
  );
  await waitForEqualTables(fixture, ['public.items', 'public.other']);
  assert.match(cdc('dlq', 'list', '--destination', 'replica').stdout, /no dead letters/);

  // The pipeline goes on after the replay.
  await fixture.sourceQuery(`INSERT INTO items VALUES (200, -1)`);
  await waitForEqualTables(fixture, ['public.items']);
  assert.equal(await fixture.stop(applier, 'SIGTERM'), 0);
});
