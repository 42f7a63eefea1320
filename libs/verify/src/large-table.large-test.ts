import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { loadConfig } from '@cdc/config';
import { startPipelineFixture, waitFor, type PipelineFixture } from '@cdc/pipeline-fixture';
import { runVerify } from './index';

// On demand (npx nx run verify:test-large; not in npm test): a 1,000,000-row table (override
// with VERIFY_LARGE_ROWS) verified while a steady update workload runs: equal, and never a
// false difference.
const ROWS = Number(process.env.VERIFY_LARGE_ROWS ?? 1_000_000);

let fixture: PipelineFixture;
const stop = new AbortController();
let workload: Promise<number>;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.big'],
    partitions: 4,
    sourceExtra: '    snapshot:\n      chunk_rows: 50000',
  });
  await fixture.sourceQuery(`
    CREATE TABLE big (id int8 PRIMARY KEY, n int8 NOT NULL, amount numeric(14, 2), note text, at timestamptz);
    INSERT INTO big SELECT g, 0, g * 0.01, 'row ' || g, now() FROM generate_series(1, ${ROWS}) g;
  `);
  fixture.start('coordinator');
  fixture.start('applier');
  fixture.start('reader');
  await waitFor(
    'the snapshot at the destination',
    async () => Number((await fixture.destinationQuery('SELECT count(*) AS n FROM big'))[0].n) === ROWS,
    30 * 60_000,
  );
  workload = (async () => {
    const client = new Client({ connectionString: fixture.sourceUrl });
    await client.connect();
    let k = 0;
    try {
      while (!stop.signal.aborted) {
        k += 1;
        await client.query('UPDATE big SET n = n + 1, amount = amount + 0.01, at = now() WHERE id = $1', [
          1 + ((k * 7919) % ROWS),
        ]);
      }
    } finally {
      await client.end();
    }
    return k;
  })();
});

after(async () => {
  stop.abort();
  await workload?.catch(() => undefined);
  if (fixture) await fixture.destroy();
});

test(`${ROWS} rows under a steady update workload: equal, no false difference`, { timeout: 60 * 60_000 }, async () => {
  const started = Date.now();
  const report = await runVerify({ config: loadConfig(fixture.configFile), chunkRows: 10_000, parallelism: 2 });
  const [big] = report.tables;
  console.log(
    `verified ${big.rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s (${big.rowsPerSecond} rows/s), ` +
      `${big.chunks} chunks, ${big.rechecked} rechecked while the workload ran`,
  );
  assert.equal(big.status, 'equal', JSON.stringify(big.differences.slice(0, 10)));
  assert.ok(big.rows >= ROWS);
});
