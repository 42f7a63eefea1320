import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '@cdc/config';
import { registry } from '@cdc/telemetry';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { startPipelineFixture, waitForEqualTables, type PipelineFixture } from '@cdc/pipeline-fixture';
import { runVerify, type VerifyReport } from './index';

// Postgres -> Postgres on real servers with the real services (dist/cdc.cjs): verify while a
// workload changes the table, then with differences planted at the destination behind the
// pipeline's back. The workload touches ids 1..5000 and inserts above 1,000,000; the planted
// differences are at ids 6000..9000 and below 0, so the pipeline cannot repair them meanwhile.
const ROWS = 12_000;

let fixture: PipelineFixture;
const stopWorkload = new AbortController();
let workload: Promise<number>;

before(async () => {
  fixture = await startPipelineFixture({ tables: ['public.items', 'public.tags'], partitions: 4 });
  await fixture.sourceQuery(`
    CREATE TABLE items (
      id int8 PRIMARY KEY, price numeric(12, 2), qty int4, name text, data jsonb, at timestamptz,
      flag boolean, ratio float8, blob bytea, day date, tags text[]
    );
    INSERT INTO items
      SELECT g, g * 1.25, g % 97, 'item ' || g, jsonb_build_object('b', g, 'a', ARRAY[g, g + 1]),
             timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second 250 microseconds',
             g % 2 = 0, g / 7.0, decode(lpad(to_hex(g), 8, '0'), 'hex'), date '2020-01-01' + g % 1000,
             ARRAY['t' || g % 5]
        FROM generate_series(1, ${ROWS}) g;
    UPDATE items SET name = NULL, data = NULL WHERE id % 1000 = 0;
    CREATE TABLE tags (tag text, weight int4);
    ALTER TABLE tags REPLICA IDENTITY FULL;
    INSERT INTO tags SELECT 'tag ' || (g % 40), g % 3 FROM generate_series(1, 300) g;
  `);
  fixture.start('coordinator');
  fixture.start('applier');
  fixture.start('reader');
  await waitForEqualTables(fixture, ['public.items', 'public.tags']);
  workload = runWorkload(stopWorkload.signal);
});

after(async () => {
  stopWorkload.abort();
  await workload?.catch(() => undefined);
  if (fixture) await fixture.destroy();
});

/** Updates, inserts and deletes in small transactions, as fast as they go (with a 2 ms pause). */
async function runWorkload(stop: AbortSignal): Promise<number> {
  const client = new Client({ connectionString: fixture.sourceUrl });
  await client.connect();
  let k = 0;
  try {
    while (!stop.aborted) {
      k += 1;
      await client.query('BEGIN');
      await client.query('UPDATE items SET qty = qty + 1, price = price + 0.01, at = now() WHERE id = $1', [
        1 + ((k * 7919) % 5000),
      ]);
      await client.query('INSERT INTO items (id, name, price) VALUES ($1, $2, 1.00)', [1_000_000 + k, `new ${k}`]);
      if (k % 4 === 0) await client.query('DELETE FROM items WHERE id = $1', [1_000_000 + k - 2]);
      await client.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await client.end();
  }
  return k;
}

const BUNDLE = join(resolve(__dirname, '../../..'), 'dist/cdc.cjs');

/** `cdc verify` through the bundle: exit code, stdout, stderr. */
function verifyCommand(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [BUNDLE, 'verify', '--config', fixture.configFile, '--chunk-rows', '1000', ...args],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function verify(extra: Partial<Parameters<typeof runVerify>[0]> = {}): Promise<VerifyReport> {
  return runVerify({ config: loadConfig(fixture.configFile), chunkRows: 1_000, parallelism: 2, ...extra });
}

test('equal while changes flow: no false difference', async () => {
  const before = (await fixture.sourceQuery('SELECT count(*)::int AS n FROM items'))[0].n as number;
  const report = await verify();
  const items = report.tables.find((t) => t.table === 'public.items');
  const tags = report.tables.find((t) => t.table === 'public.tags');
  assert.ok(items && tags, JSON.stringify(report));
  assert.equal(items.status, 'equal', JSON.stringify(items.differences));
  assert.equal(tags.status, 'equal');
  assert.equal(report.equal, true);
  // Every row was compared (the workload adds rows meanwhile, so at least as many as at the start).
  assert.ok(items.rows >= before, `${items.rows} rows compared, ${before} at the start`);
  assert.ok(items.chunks >= ROWS / 1_000, `${items.chunks} chunks: ${JSON.stringify(items)}`);
  assert.equal(tags.rows, 300);
  assert.ok(tags.notes.some((note) => note.includes('no primary key')));

  const cli = verifyCommand('--json', '--tables', 'public.items');
  assert.equal(cli.status, 0, cli.stderr);
  const json = JSON.parse(cli.stdout) as VerifyReport;
  assert.equal(json.equal, true);
  assert.deepEqual(
    json.tables.map((t) => t.table),
    ['public.items'],
  );
});

test('an error exits 2 with one line', () => {
  const cli = verifyCommand('--destination', 'nope');
  assert.equal(cli.status, 2);
  assert.match(cli.stderr.trim(), /^error: .*unknown destination "nope"/);
  assert.equal(cli.stderr.trim().split('\n').length, 1);
});

test('differences planted at the destination: exactly those keys', async () => {
  await fixture.destinationQuery(`
    DELETE FROM items WHERE id IN (6001, 7002);
    UPDATE items SET name = 'tampered' WHERE id = 6500;
    UPDATE items SET price = price + 0.01 WHERE id = 8000;
    UPDATE items SET data = '{"a": [8001, 8002], "b": 8002}' WHERE id = 8001;
    INSERT INTO items (id, name) VALUES (-5, 'ghost'), (-6, 'ghost');
    DELETE FROM tags WHERE ctid = (SELECT ctid FROM tags WHERE tag = 'tag 7' LIMIT 1);
  `);
  // Equal by value, not by text: the same JSON with other key order and spacing is no difference.
  await fixture.destinationQuery(`UPDATE items SET data = '{"a":[8101,8102],   "b":8101}' WHERE id = 8101`);
  const report = await verify();
  assert.equal(report.equal, false);
  const items = report.tables.find((t) => t.table === 'public.items')!;
  assert.equal(items.status, 'different');
  const found = items.differences
    .map((d) => `${d.kind} ${d.key.join(',')} ${d.columns?.join(',') ?? ''}`.trim())
    .sort();
  assert.deepEqual(found, [
    'different 6500 name',
    'different 8000 price',
    'different 8001 data',
    'extra -5',
    'extra -6',
    'missing 6001',
    'missing 7002',
  ]);
  assert.deepEqual([items.missing, items.extra, items.different], [2, 2, 3]);
  const tags = report.tables.find((t) => t.table === 'public.tags')!;
  assert.equal(tags.status, 'different');
  assert.equal(tags.missing, 1);
  assert.equal(tags.extra, 0);

  const cli = verifyCommand();
  assert.equal(cli.status, 1, cli.stderr);
  assert.match(cli.stdout, /DIFFERENT shop public\.items -> replica public\.items: .* 2 missing, 2 extra, 3 different/);
  assert.match(cli.stdout, /missing at the destination: key \(6001\)/);
  assert.match(cli.stdout, /NOT EQUAL: 2 of 2 table\(s\) differ/);
});

test('--resume: an interrupted run goes on after the key it reached, with the differences it found; cdc_verify_* metrics', async () => {
  // The differences planted above are still there, at both ends of the key range.
  const stop = new AbortController();
  const interrupted = verify({
    tables: ['public.items'],
    signal: stop.signal,
    onProgress: (progress) => {
      if (progress.rowsDone >= 7_000) stop.abort(new Error('stopped by the test'));
    },
  });
  await assert.rejects(interrupted, /stopped by the test/);

  const rowsBefore = await metricTotal('cdc_verify_rows_total', { table: 'public.items' });
  const differencesBefore = await metricTotal('cdc_verify_differences_total', { table: 'public.items' });
  const resumed = await verify({ tables: ['public.items'], resume: true });
  assert.ok(resumed.resumedFrom, 'the report says which run it resumed');
  const items = resumed.tables[0];
  assert.ok(
    items.notes.some((note) => /^resumed after key \(\d+\): the \d+ rows up to it were compared/.test(note)),
    JSON.stringify(items.notes),
  );
  // Differences from both runs, each exactly once.
  assert.deepEqual(
    items.differences.map((d) => `${d.kind} ${d.key.join(',')} ${d.columns?.join(',') ?? ''}`.trim()).sort(),
    [
      'different 6500 name',
      'different 8000 price',
      'different 8001 data',
      'extra -5',
      'extra -6',
      'missing 6001',
      'missing 7002',
    ],
  );
  assert.deepEqual([items.missing, items.extra, items.different], [2, 2, 3]);
  const count = (await fixture.sourceQuery('SELECT count(*)::int AS n FROM items'))[0].n as number;
  assert.ok(items.rows >= ROWS && items.rows <= count + 100, `${items.rows} rows reported, ${count} at the source`);
  // The resumed run compared only what the interrupted one had not settled.
  const comparedNow = (await metricTotal('cdc_verify_rows_total', { table: 'public.items' })) - rowsBefore;
  assert.ok(
    comparedNow > 0 && comparedNow <= items.rows - 5_000,
    `${comparedNow} rows compared again of ${items.rows}`,
  );
  const foundNow = (await metricTotal('cdc_verify_differences_total', { table: 'public.items' })) - differencesBefore;
  assert.ok(foundNow < 7, `only the differences past the resume point are found again (${foundNow})`);
  assert.equal(await metricTotal('cdc_verify_table_equal', { table: 'public.items' }), 0);
  assert.ok((await metricTotal('cdc_verify_chunks_total', { table: 'public.items', result: 'rechecked' })) >= 3);
  assert.ok((await metricTotal('cdc_verify_destination_wait_seconds_count', {})) > 0);

  // A finished run leaves nothing to resume.
  const nc = await connect({ servers: loadConfig(fixture.configFile).nats.url });
  try {
    const kv = await new Kvm(nc).open('cdc_verify');
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    assert.deepEqual(keys, []);
  } finally {
    await nc.close();
  }
});

/** The sum of a metric's samples whose labels include `labels`. */
async function metricTotal(name: string, labels: Record<string, string>): Promise<number> {
  const metricName = name.replace(/_(count|sum)$/, '');
  const metric = registry.getSingleMetric(metricName);
  assert.ok(metric, `metric ${metricName} is registered`);
  const { values } = await metric.get();
  return values
    .filter((v) => ((v as { metricName?: string }).metricName ?? metricName) === name)
    .filter((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

test('--repair sends the differing rows again through the pipeline; a second verify is clean', async () => {
  // The destination still holds the differences planted above; the keyless table cannot be repaired by key.
  const repaired = await verify({ repair: true });
  const items = repaired.tables.find((t) => t.table === 'public.items')!;
  assert.equal(items.status, 'different');
  assert.deepEqual(items.repair, { resent: 5, deleted: 2, changedMeanwhile: 0 });
  const tags = repaired.tables.find((t) => t.table === 'public.tags')!;
  assert.ok(tags.repair && 'notRepaired' in tags.repair, JSON.stringify(tags.repair));

  // Nothing was written to the destination by verify: the rows arrive through the reader and applier.
  const again = await verify({ tables: ['public.items'] });
  assert.equal(again.equal, true, JSON.stringify(again.tables[0]?.differences));
  const rows = await fixture.destinationQuery(
    `SELECT id, name FROM items WHERE id IN (-6, -5, 6001, 6500, 7002, 8000, 8001) ORDER BY id`,
  );
  assert.deepEqual(
    rows.map((r) => String(r.id)),
    ['6001', '6500', '7002', '8000', '8001'],
  );
  assert.equal(rows.find((r) => String(r.id) === '6500')?.name, 'item 6500');
});
