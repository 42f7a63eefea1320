import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// Tables join a running pipeline: one created at the source under a configured pattern
// (found by discovery), two added to the config and applied with `cdc reload` (one large and
// busy, backfilled in chunks while it changes, with the reader killed -9 mid-backfill; one
// without a primary key), and one removed with SIGHUP. The table that was there from the
// start keeps streaming throughout.
const BUNDLE = join(resolve(__dirname, '../../../..'), 'dist/cdc.cjs');
const BIG_ROWS = 100_000;

let fixture: PipelineFixture;
let reader: ServiceProcess;
const stopWorkload = new AbortController();
let workload: Promise<void>;
/** Destination samples of the steady table's progress: [time ms, counter]. */
const steadySamples: Array<[number, number]> = [];

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.steady', 'public.new_*'],
    partitions: 4,
    sourceExtra: '    table_discovery_interval_s: 1\n    snapshot:\n      chunk_rows: 2000',
  });
  await fixture.sourceQuery(`
    CREATE TABLE steady (id int PRIMARY KEY, counter bigint NOT NULL);
    INSERT INTO steady VALUES (1, 0);
    CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL, n int NOT NULL);
    INSERT INTO big SELECT g, 'row ' || g, 0 FROM generate_series(1, ${BIG_ROWS}) g;
    CREATE TABLE keyless (a int, b text);
    ALTER TABLE keyless REPLICA IDENTITY FULL;
    INSERT INTO keyless SELECT g % 50, 'dup' FROM generate_series(1, 500) g;
  `);
  fixture.start('coordinator');
  fixture.start('applier');
  reader = fixture.start('reader');
  workload = runWorkload(stopWorkload.signal);
});

after(async () => {
  stopWorkload.abort();
  await workload?.catch(() => undefined);
  if (fixture) await fixture.destroy();
});

/** Steady changes on `steady` and on `big` (updates across the whole key range, inserts, deletes). */
async function runWorkload(stop: AbortSignal): Promise<void> {
  const client = new Client({ connectionString: fixture.sourceUrl });
  await client.connect();
  let k = 0;
  try {
    while (!stop.aborted) {
      k += 1;
      await client.query('UPDATE steady SET counter = counter + 1 WHERE id = 1');
      await client.query('BEGIN');
      await client.query('UPDATE big SET n = n + 1, v = $2 WHERE id = $1', [1 + ((k * 7919) % BIG_ROWS), `u${k}`]);
      await client.query('INSERT INTO big VALUES ($1, $2, 0) ON CONFLICT (id) DO UPDATE SET n = big.n + 1', [
        BIG_ROWS + k,
        `new ${k}`,
      ]);
      if (k % 3 === 0) await client.query('DELETE FROM big WHERE id = $1', [1 + ((k * 104_729) % BIG_ROWS)]);
      await client.query('COMMIT');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    await client.end();
  }
}

function setTables(patterns: readonly string[]): void {
  const text = readFileSync(fixture.configFile, 'utf8').replace(
    /tables: \[.*\]/,
    `tables: ${JSON.stringify(patterns)}`,
  );
  writeFileSync(fixture.configFile, text);
}

async function publicationTables(): Promise<string[]> {
  const rows = await fixture.sourceQuery(
    `SELECT schemaname || '.' || tablename AS name FROM pg_publication_tables WHERE pubname = 'cdc_shop' ORDER BY 1`,
  );
  return rows.map((row) => String(row.name));
}

async function destinationCounter(): Promise<number> {
  const rows = await fixture.destinationQuery('SELECT counter FROM steady WHERE id = 1').catch(() => []);
  return rows.length > 0 ? Number(rows[0].counter) : -1;
}

/** The first rows of big that differ between source and destination, for the failure message. */
async function bigDifferences(): Promise<string> {
  const query = 'SELECT id, v, n FROM big ORDER BY id';
  const [left, right] = await Promise.all([fixture.sourceQuery(query), fixture.destinationQuery(query)]);
  const byId = (rows: Record<string, unknown>[]) => new Map(rows.map((row) => [Number(row.id), JSON.stringify(row)]));
  const [source, destination] = [byId(left), byId(right)];
  const differences: string[] = [];
  for (const id of new Set([...source.keys(), ...destination.keys()])) {
    if (source.get(id) !== destination.get(id))
      differences.push(`id ${id}: source ${source.get(id) ?? 'absent'} destination ${destination.get(id) ?? 'absent'}`);
  }
  return `${differences.length} rows: ${differences.slice(0, 8).join('; ')}`;
}

/** Log lines of a service, parsed. */
function logLines(service: ServiceProcess): Array<Record<string, unknown>> {
  return service
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

test('a table created at the source under a configured pattern is found, backfilled and streamed', async () => {
  // steady changes every few ms until the workload stops: compare it only then.
  await waitFor('steady to stream', async () => (await destinationCounter()) > 0, 60_000);
  await fixture.sourceQuery(`
    CREATE TABLE new_orders (id int PRIMARY KEY, item text);
    INSERT INTO new_orders SELECT g, 'item ' || g FROM generate_series(1, 1500) g;
  `);
  await waitFor('new_orders in the publication', async () => (await publicationTables()).includes('public.new_orders'));
  await fixture.sourceQuery(`UPDATE new_orders SET item = item || ' (changed)' WHERE id % 10 = 0`);
  await fixture.sourceQuery(`DELETE FROM new_orders WHERE id % 7 = 0`);
  await waitForEqualTables(fixture, ['public.new_orders'], 60_000);
});

test('cdc reload adds a busy table and a keyless one; a reader killed mid-backfill resumes; the others never stop', async () => {
  setTables(['public.steady', 'public.new_*', 'public.big', 'public.keyless']);
  const sampler = setInterval(() => {
    void destinationCounter().then((counter) => steadySamples.push([Date.now(), counter]));
  }, 100);
  try {
    const reload = spawnSync(process.execPath, [BUNDLE, 'reload', '--config', fixture.configFile], {
      encoding: 'utf8',
    });
    assert.equal(reload.status, 0, `cdc reload failed: ${reload.stdout}${reload.stderr}`);
    assert.match(reload.stdout, /^ok +reader shop: tables .*public\.big/m);

    // Kill the reader once the backfill of big has stored a few chunks, but not all.
    const storedRows = () =>
      Math.max(
        0,
        ...logLines(reader).map((line) =>
          Number(/^live backfill of public\.big: (\d+) rows/.exec(String(line.msg))?.[1] ?? 0),
        ),
      );
    await waitFor('a few chunks of big', async () => storedRows() >= 10_000, 60_000);
    // The steady table keeps flowing while big is being backfilled: its destination counter
    // moves past where it was when the backfill started, before the backfill ends. (Waiting
    // for it, rather than sampling a fixed window: the window up to 10,000 stored rows can be
    // shorter than one apply round trip on a fast run.)
    const started = Date.parse(
      String(logLines(reader).find((l) => String(l.msg) === 'live backfill of public.big starts')?.time),
    );
    const during = () =>
      steadySamples.filter(([at, counter]) => at >= started && counter >= 0).map(([, counter]) => counter);
    await waitFor('steady to advance at the destination during the backfill', async () => {
      const samples = during();
      return samples.length >= 2 && samples[samples.length - 1] > samples[0];
    });
    const firstRun = logLines(reader);
    assert.ok(
      !firstRun.some((line) => String(line.msg).startsWith('live backfill of public.big done')),
      `the backfill finished before steady advanced and the reader could be killed (steady ${JSON.stringify(during())}; make big larger)`,
    );

    await fixture.stop(reader, 'SIGKILL');
    reader = fixture.start('reader');
    await waitFor(
      'the backfill of big to resume and finish',
      async () => logLines(reader).some((line) => String(line.msg).startsWith('live backfill of public.big done')),
      180_000,
    );
    const resumed = logLines(reader).find((line) => String(line.msg) === 'live backfill of public.big resumes');
    assert.ok(resumed, 'the restarted reader resumed the backfill instead of starting it over');
    assert.ok(Array.isArray(resumed.resumeAfterKey), 'resumed after a stored key');

    await waitFor('keyless backfilled', async () =>
      logLines(reader).some((line) => String(line.msg).startsWith('live backfill of public.keyless done')),
    );
    await fixture.sourceQuery(`INSERT INTO keyless VALUES (999, 'after'); DELETE FROM keyless WHERE a = 3`);
    stopWorkload.abort();
    await workload;
    await waitForEqualTables(
      fixture,
      ['public.steady', 'public.new_orders', 'public.big', 'public.keyless'],
      120_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; rows that differ: ${await bigDifferences()}`);
    });
  } finally {
    clearInterval(sampler);
  }
});

test('SIGHUP with a table removed from the config takes it out of the publication; the destination keeps its rows', async () => {
  setTables(['public.steady', 'public.big', 'public.keyless']);
  reader.child.kill('SIGHUP');
  await waitFor(
    'new_orders out of the publication',
    async () => !(await publicationTables()).includes('public.new_orders'),
  );
  const before = await fixture.destinationQuery('SELECT count(*)::int AS n FROM new_orders');
  await fixture.sourceQuery(`DELETE FROM new_orders; UPDATE steady SET counter = counter + 1000 WHERE id = 1`);
  await waitForEqualTables(fixture, ['public.steady'], 60_000);
  const afterRemoval = await fixture.destinationQuery('SELECT count(*)::int AS n FROM new_orders');
  assert.equal(afterRemoval[0].n, before[0].n);
  assert.ok(Number(before[0].n) > 0);
  assert.equal(reader.child.exitCode, null, 'the reader kept running');
});
