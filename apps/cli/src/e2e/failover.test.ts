import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import {
  startPipelineFixture,
  tableDigest,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// A source that fails over (PostgreSQL 17: failover slots). The source has a hot standby from
// the same binaries with sync_replication_slots on, and the primary holds logical changes back
// until the standby has them (synchronized_standby_slots); the reader knows the standby as
// failover_urls. Under a workload the primary is killed -9 and the standby promoted: the reader
// starts over on it, from the slot the standby synced, and the destination ends equal to the new
// primary, with no row written twice (an audit trigger at the destination).
const VERSION = Number(process.env.CDC_FAILOVER_PG_VERSION ?? 17);
const TABLES = ['public.ledger', 'public.counters'];

let fixture: PipelineFixture;
let reader: ServiceProcess;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: 4,
    sourceVersion: VERSION,
    sourceStandby: { name: 'standby', settings: { sync_replication_slots: 'on' } },
  });
  await fixture.sourceQuery(`ALTER SYSTEM SET synchronized_standby_slots = 'standby'`);
  await fixture.sourceQuery('SELECT pg_reload_conf()');
  await fixture.sourceQuery(`
    CREATE TABLE ledger (k bigint PRIMARY KEY, note text);
    CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g;
  `);
  await fixture.destinationQuery(`
    CREATE TABLE ledger (k bigint PRIMARY KEY, note text);
    CREATE TABLE ledger_audit (k bigint, op text);
    CREATE FUNCTION audit_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ledger_audit VALUES (NEW.k, TG_OP); RETURN NEW; END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION audit_ledger();
  `);
  fixture.start('coordinator');
  fixture.start('applier');
  reader = fixture.start('reader');
  await waitForEqualTables(fixture, TABLES);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

/** Transactions of an insert and a counter update each, on `url`, from k on, until stopped or failing. */
async function workload(url: string, from: number, stop: AbortSignal): Promise<number> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  let k = from;
  try {
    while (!stop.aborted) {
      await client.query('BEGIN');
      await client.query('INSERT INTO ledger VALUES ($1, $2)', [k, `tx ${k}`]);
      await client.query('UPDATE counters SET n = n + 1 WHERE id = $1', [1 + (k % 10)]);
      await client.query('COMMIT');
      k += 1;
    }
  } catch {
    // the primary was killed under it
  } finally {
    await client.end().catch(() => undefined);
  }
  return k - from;
}

test(`PostgreSQL ${VERSION}: the primary killed -9 and the standby promoted, the reader follows from the synced slot`, async (t) => {
  const standby = fixture.standby!;
  const slotOnStandby = async () =>
    (
      await standby.query(
        `SELECT synced, temporary, failover, confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
        [],
        'shop',
      )
    ).rows[0];
  const [primarySlot] = await fixture.sourceQuery(
    `SELECT failover FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
  );
  assert.equal(primarySlot.failover, true, 'the reader created a failover slot');

  const stopBefore = new AbortController();
  const before = workload(fixture.sourceUrl, 1, stopBefore.signal);
  // Synced and persistent: a slot the standby holds only temporarily (not caught up yet) is dropped at promotion.
  await waitFor(
    'the slot synced to the standby',
    async () => {
      const slot = await slotOnStandby();
      return slot?.synced === true && slot.temporary === false;
    },
    90_000,
  );
  await new Promise((r) => setTimeout(r, 2_000));
  await fixture.source.kill();
  stopBefore.abort();
  const committedBefore = await before;
  await standby.query('SELECT pg_promote()');
  t.diagnostic(
    `${committedBefore} transactions on the old primary; slot on the standby: ${JSON.stringify(await slotOnStandby())}`,
  );

  const stopAfter = new AbortController();
  const afterPromotion = workload(standby.url('shop'), 1_000_000, stopAfter.signal);
  await waitFor(
    'the reader to start over on the new primary',
    async () => /the primary is now/.test(reader.log()),
    90_000,
  );
  await new Promise((r) => setTimeout(r, 2_000));
  stopAfter.abort();
  const committedAfter = await afterPromotion;
  assert.ok(committedBefore > 10 && committedAfter > 10, `${committedBefore} and ${committedAfter} transactions`);

  const onNewPrimary = async (sql: string) => (await standby.query(sql, [], 'shop')).rows;
  let difference = '';
  await waitFor(
    'the destination to equal the new primary',
    async () => {
      for (const table of TABLES) {
        const [left, right] = await Promise.all([
          tableDigest(onNewPrimary, table),
          tableDigest(fixture.destinationQuery, table).catch(() => 'missing'),
        ]);
        difference = `${table}: new primary ${left}, destination ${right}`;
        if (left !== right) return false;
      }
      return true;
    },
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${difference})`);
  });
  const twice = await fixture.destinationQuery(
    'SELECT k, count(*)::int AS n FROM ledger_audit GROUP BY k HAVING count(*) > 1 LIMIT 5',
  );
  assert.deepEqual(twice, [], 'ledger rows written more than once');
  assert.equal(reader.child.exitCode, null, 'the reader kept running');
  // cdc status reads the slot where the reader is: on the new primary.
  const status = spawnSync(
    process.execPath,
    [resolve(__dirname, '../../../../dist/cdc.cjs'), 'status', '--config', fixture.configFile, '--json'],
    { encoding: 'utf8' },
  );
  assert.equal(status.status, 0, status.stderr);
  const [shop] = JSON.parse(status.stdout);
  assert.equal(shop.sourceError, undefined);
  assert.equal(shop.slot.active, true);
  assert.equal(shop.slot.invalidated, null);
});
