import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// A transaction too large for the server's logical_decoding_work_mem is streamed to the reader
// while it runs (pgoutput streaming, PostgreSQL 14+) and waits on the reader's disk: nothing of
// it reaches the destination before its commit, all of it after; an aborted one never does; a
// reader killed while holding one, or while publishing one, loses nothing. The source runs
// with logical_decoding_work_mem at its 64 kB minimum so a transaction of CDC_LARGE_TX_ROWS
// rows (default 200,000; the 5,000,000 on demand) is streamed in many blocks. Peak RSS
// of the reader and the applier is reported (test diagnostics).
const ROWS = Number(process.env.CDC_LARGE_TX_ROWS ?? 200_000);
const TABLES = ['public.big'];
/** The waits for a whole table grow with it (the 5,000,000-row run copies and compares 5x more than 1,000,000). */
const WAIT_SCALE = Math.max(1, ROWS / 1_000_000);

export function largeTransactionsSuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;
  let applier: ServiceProcess;
  let coordinator: ServiceProcess;
  let spillDir: string;
  const peak = { reader: 0, applier: 0, coordinator: 0 };

  before(async () => {
    fixture = await startPipelineFixture({
      tables: ['public.big', 'public.marker'],
      partitions: 4,
      sourceSettings: { logical_decoding_work_mem: '64kB' },
      ...versions,
    });
    spillDir = join(fixture.dir, 'spill');
    const config = readFileSync(fixture.configFile, 'utf8');
    // The spill directory of this test, so the test can watch it.
    writeFileSync(
      fixture.configFile,
      config.replace(
        '    status_interval_ms: 200\n',
        `    status_interval_ms: 200\n    large_transactions:\n      spill_dir: ${JSON.stringify(spillDir)}\n`,
      ),
    );
    await fixture.sourceQuery(`
      CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL, pad text);
      CREATE TABLE marker (id int PRIMARY KEY, at timestamptz DEFAULT now());
    `);
    await fixture.sourceQuery(
      `INSERT INTO big SELECT g, 'initial ' || g, repeat('p', 40) FROM generate_series(1, $1::int) g`,
      [ROWS],
    );
    coordinator = fixture.start('coordinator');
    applier = fixture.start('applier');
    reader = fixture.start('reader');
    await waitForEqualTables(fixture, TABLES, 180_000 * WAIT_SCALE);
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  const spilledBytes = (): number => {
    const dir = join(spillDir, 'cdc-shop');
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
  };
  const sample = () => {
    peak.reader = Math.max(peak.reader, peakRssMiB(reader));
    peak.applier = Math.max(peak.applier, peakRssMiB(applier));
    peak.coordinator = Math.max(peak.coordinator, peakRssMiB(coordinator));
  };
  const countAtDestination = async (condition: string): Promise<number> => {
    const [row] = await fixture.destinationQuery(`SELECT count(*)::int AS n FROM big WHERE ${condition}`);
    return Number(row.n);
  };
  /** Runs `statement` in a transaction left open until the reader has spilled part of it. */
  const openStreamedTransaction = async (statement: string): Promise<Client> => {
    const client = new Client({ connectionString: fixture.sourceUrl });
    await client.connect();
    await client.query('BEGIN');
    await client.query(statement);
    await waitFor(
      'the reader to receive the open transaction',
      async () => spilledBytes() > 1_000_000,
      120_000 * WAIT_SCALE,
    );
    return client;
  };

  test(`a ${ROWS}-row UPDATE in one transaction reaches the reader before its commit and the destination whole after it`, async (t) => {
    const client = await openStreamedTransaction(`UPDATE big SET v = 'updated ' || id`);
    try {
      const received = spilledBytes();
      t.diagnostic(`spilled by the reader before the commit: ${(received / 1_048_576).toFixed(1)} MiB`);
      assert.equal(await countAtDestination(`v LIKE 'updated %'`), 0, 'nothing applied before the commit');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await waitForEqualTables(fixture, TABLES, 300_000 * WAIT_SCALE);
    sample();
    assert.equal(await countAtDestination(`v LIKE 'updated %'`), ROWS);
    assert.equal(spilledBytes(), 0, 'the spill file is deleted after the commit');
    const [stats] = await fixture.sourceQuery(
      `SELECT stream_txns::int AS n FROM pg_stat_replication_slots WHERE slot_name = 'cdc_shop'`,
    );
    assert.ok(Number(stats.n) >= 1, 'the server streamed the transaction');
    reportPeak(t, peak);
  });

  test('an aborted streamed transaction never reaches the destination', async (t) => {
    const client = await openStreamedTransaction(`UPDATE big SET v = 'aborted ' || id`);
    try {
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
    await fixture.sourceQuery('INSERT INTO marker (id) VALUES (1)');
    await waitFor(
      'the marker committed after the abort',
      async () => {
        const rows = await fixture.destinationQuery('SELECT id FROM marker WHERE id = 1').catch(() => []);
        return rows.length === 1;
      },
      60_000 * WAIT_SCALE,
    );
    assert.equal(await countAtDestination(`v LIKE 'aborted %'`), 0);
    await waitForEqualTables(fixture, TABLES, 90_000 * WAIT_SCALE);
    assert.equal(spilledBytes(), 0, 'the aborted transaction is deleted from the spill');
    sample();
    reportPeak(t, peak);
  });

  test('the reader killed -9 holding an open streamed transaction, and again while publishing it, loses nothing', async (t) => {
    const client = await openStreamedTransaction(`UPDATE big SET v = 'after crash ' || id, pad = NULL`);
    try {
      sample();
      await fixture.stop(reader, 'SIGKILL');
      reader = fixture.start('reader');
      // The new reader receives the transaction again from its first block.
      await waitFor(
        'the restarted reader to receive the open transaction',
        async () => spilledBytes() > 1_000_000,
        120_000 * WAIT_SCALE,
      );
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    // Killed again while the committed transaction is on its way to the destination.
    await waitFor(
      'part of the transaction at the destination',
      async () => (await countAtDestination(`v LIKE 'after crash %'`)) > 0,
      120_000 * WAIT_SCALE,
    );
    sample();
    await fixture.stop(reader, 'SIGKILL');
    reader = fixture.start('reader');
    await waitForEqualTables(fixture, TABLES, 300_000 * WAIT_SCALE);
    assert.equal(await countAtDestination(`v LIKE 'after crash %' AND pad IS NULL`), ROWS);
    sample();
    reportPeak(t, peak);
  });
}

/** The highest resident set size of a running service so far (VmHWM), in MiB; 0 once it is gone. */
function peakRssMiB(service: ServiceProcess): number {
  try {
    const status = readFileSync(`/proc/${service.child.pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib ? Math.round(Number(kib) / 1024) : 0;
  } catch {
    return 0;
  }
}

function reportPeak(t: TestContext, peak: { reader: number; applier: number; coordinator: number }): void {
  t.diagnostic(
    `peak RSS: reader ${peak.reader} MiB, applier ${peak.applier} MiB, coordinator ${peak.coordinator} MiB (${ROWS} rows in one transaction)`,
  );
  // The memory bound the services are deployed with (the chart's default limit) holds with room.
  assert.ok(peak.reader < 512, `reader peak RSS ${peak.reader} MiB`);
  assert.ok(peak.applier < 512, `applier peak RSS ${peak.applier} MiB`);
}
