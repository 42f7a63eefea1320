// Over 400 lines on purpose: three failover scenarios (a promotion followed from the synced slot, a lagging standby promoted, a promotion before 17) sharing one primary/standby set-up and its helpers, run per PostgreSQL version by the e2e tests and the matrix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import {
  startPipelineFixture,
  tableDigest,
  waitFor,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// A source that fails over. The source has a hot standby from the same binaries, listed in the
// source's failover_urls. Under a workload the primary is killed -9 and the standby promoted
// (pg_promote()); the workload goes on there.
// - Synced slot (17+): the standby has sync_replication_slots on and the primary holds logical
//   changes back until the standby has them (synchronized_standby_slots). The reader starts over
//   on the new primary from the slot the standby synced, and the destination ends equal to the
//   new primary with no row written twice (an audit trigger at the destination).
// - Slot synced, standby behind (17+): the standby syncs the slot but the primary does not wait
//   for it (no synchronized_standby_slots). The standby stops receiving while the destination
//   applies more; once it is promoted it has the slot, but not those transactions. The reader
//   stops with one line (the timeline's switch point against what the destinations hold)
//   instead of streaming on, which would skip the new primary's changes up to that position;
//   nothing of the new primary reaches the destination. cdc resnapshot --force brings it back.
// - Slot not synced (every version; before 17 there are no failover slots): the reader says so
//   at start, and after the promotion it stops with one line (the slot is missing there, cdc
//   resnapshot is the way on) instead of creating a new slot, which would skip the changes in
//   between. The standby is also behind (stopped while the destination applied more), so the
//   new primary's WAL restarts below what the destination holds. cdc resnapshot, then a reader
//   start, bring the destination to equal the new primary.
// Registered by failover.test.ts (PostgreSQL 17, in npm test) and postgres-versions.test.ts (the
// version matrix: `npx nx run cli:test-postgres-matrix -- --suites failover`).
const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const TABLES = ['public.ledger', 'public.counters'];

export function failoverSuite(versions: ServerVersions = {}): void {
  const version = versions.sourceVersion ?? 17;
  if (version >= 17) describe('slot synced to the standby', () => syncedSlot(versions));
  if (version >= 17) describe('slot synced to a standby that fell behind', () => standbyBehind(versions));
  describe('slot not synced to the standby', () => unsyncedSlot(versions));
}

function syncedSlot(versions: ServerVersions): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;

  before(async () => {
    fixture = await startPipelineFixture({
      tables: ['public.*'],
      partitions: 4,
      ...versions,
      sourceStandby: { name: 'standby', settings: { sync_replication_slots: 'on' } },
    });
    await fixture.sourceQuery(`ALTER SYSTEM SET synchronized_standby_slots = 'standby'`);
    await fixture.sourceQuery('SELECT pg_reload_conf()');
    await createTables(fixture);
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
    await waitForEqualTo(fixture, fixture.sourceQuery);
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  test('the primary killed -9 and the standby promoted, the reader follows from the synced slot', async (t) => {
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
    assert.match(reader.log(), /failover set-up complete/);
    assert.doesNotMatch(reader.log(), /failover set-up incomplete/);

    const stopBefore = new AbortController();
    const beforePromotion = workload(fixture.sourceUrl, 1, stopBefore.signal);
    // Synced and persistent: a slot the standby holds only temporarily (not caught up yet) is dropped at promotion.
    await waitFor(
      'the slot synced to the standby',
      async () => {
        const slot = await slotOnStandby();
        return slot?.synced === true && slot.temporary === false;
      },
      90_000,
    );
    // cdc status says a promotion of the standby keeps the slot.
    assert.match(
      cdc(fixture, 'status').stdout,
      /\n {2}standby postgres:\/\/\S+: slot synced \(confirmed_flush [0-9A-F]+\/[0-9A-F]+\): a promotion keeps it/,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    await fixture.source.kill();
    stopBefore.abort();
    const committedBefore = await beforePromotion;
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

    await waitForEqualTo(fixture, async (sql) => (await standby.query(sql, [], 'shop')).rows);
    const twice = await fixture.destinationQuery(
      'SELECT k, count(*)::int AS n FROM ledger_audit GROUP BY k HAVING count(*) > 1 LIMIT 5',
    );
    assert.deepEqual(twice, [], 'ledger rows written more than once');
    assert.equal(reader.child.exitCode, null, 'the reader kept running');
    // cdc status reads the slot where the reader is: on the new primary.
    const status = cdc(fixture, 'status', '--json');
    assert.equal(status.status, 0, status.stderr);
    const [shop] = JSON.parse(status.stdout);
    assert.equal(shop.sourceError, undefined);
    assert.equal(shop.slot.active, true);
    assert.equal(shop.slot.invalidated, null);
  });
}

function standbyBehind(versions: ServerVersions): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;

  before(async () => {
    // The standby syncs the slot; the primary does not wait for it (no synchronized_standby_slots).
    fixture = await startPipelineFixture({
      tables: ['public.*'],
      partitions: 4,
      ...versions,
      sourceStandby: { name: 'standby', settings: { sync_replication_slots: 'on' } },
    });
    await createTables(fixture);
    fixture.start('coordinator');
    fixture.start('applier');
    reader = fixture.start('reader');
    await waitForEqualTo(fixture, fixture.sourceQuery);
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  test('a promoted standby lacking what the destination applied: the reader stops with one line', async (t) => {
    const standby = fixture.standby!;
    const stopBefore = new AbortController();
    const beforePromotion = workload(fixture.sourceUrl, 1, stopBefore.signal);
    await waitFor(
      'the slot synced to the standby',
      async () => {
        const [slot] = (
          await standby.query(
            `SELECT synced, temporary FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
            [],
            'shop',
          )
        ).rows;
        return slot?.synced === true && slot.temporary === false;
      },
      90_000,
    );
    const { committedBefore } = await promoteLaggingStandby(fixture, stopBefore, beforePromotion);
    const onNewPrimary = async (sql: string) => (await standby.query(sql, [], 'shop')).rows;
    const [slot] = await onNewPrimary(
      `SELECT synced, confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
    );
    assert.equal(slot?.synced, true, 'the promoted standby has the synced slot');
    const stopAfter = new AbortController();
    const afterPromotion = workload(standby.url('shop'), 1_000_000, stopAfter.signal);

    const diverged =
      /^error: source shop: postgres:\/\/\S+ \(its slot "cdc_shop" confirmed [0-9A-F]+\/[0-9A-F]+\) left timeline 1 at ([0-9A-F]+\/[0-9A-F]+) \(timeline 1 -> 2: a standby promoted before it had received everything\), but the destinations have \(or are applying\) positions up to ([0-9A-F]+\/[0-9A-F]+): .* so the reader stops\. .*cdc resnapshot --config <file> --source shop --force /m;
    assert.equal(await reader.exited, 1, 'the reader stops');
    assert.match(reader.log(), diverged);
    assert.equal(reader.log().match(/left timeline 1 at/g)?.length, 1, 'one line');
    stopAfter.abort();
    const committedAfter = await afterPromotion;
    assert.ok(committedBefore > 10 && committedAfter > 10, `${committedBefore} and ${committedAfter} transactions`);
    assert.equal(
      Number((await fixture.destinationQuery('SELECT count(*)::int AS n FROM ledger WHERE k >= 1000000'))[0].n),
      0,
      'nothing of the new primary reached the destination',
    );
    // Started again it stops the same way, at once.
    const again = fixture.start('reader');
    assert.equal(await again.exited, 1);
    assert.match(again.log(), diverged);
    t.diagnostic(`${diverged.exec(again.log())?.[0].slice(0, 400)}`);
    // cdc status shows the same line for the source, where an operator looks first.
    const shown = cdc(fixture, 'status');
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(
      shown.stdout,
      /^ {2}timeline 2: ERROR: source shop: postgres:\/\/\S+ \(its slot "cdc_shop" confirmed [0-9A-F]+\/[0-9A-F]+\) left timeline 1 at [0-9A-F]+\/[0-9A-F]+ .*cdc resnapshot --config <file> --source shop --force /m,
    );
    const [json] = JSON.parse(cdc(fixture, 'status', '--json').stdout) as Array<{ timeline: Record<string, unknown> }>;
    assert.equal(json.timeline.server, 2);
    assert.equal(json.timeline.destinations, 1);
    assert.match(String(json.timeline.diverged), /left timeline 1 at .* so the reader stops\./);

    // The way on it names: a new initial snapshot from the new primary.
    const resnapshot = cdc(fixture, 'resnapshot', '--source', 'shop', '--force');
    assert.equal(resnapshot.status, 0, resnapshot.stderr);
    reader = fixture.start('reader');
    await waitForEqualTo(fixture, onNewPrimary);
    assert.equal(reader.child.exitCode, null, 'the reader streams on');
    assert.doesNotMatch(cdc(fixture, 'status').stdout, /^ {2}timeline/m, 'nothing to say about the timeline any more');
    t.diagnostic(`${committedBefore} transactions on the old primary, ${committedAfter} on the new`);
  });
}

function unsyncedSlot(versions: ServerVersions): void {
  let fixture: PipelineFixture;
  let reader: ServiceProcess;
  const version = versions.sourceVersion ?? 17;

  before(async () => {
    // No sync_replication_slots on the standby (and before 17 there is no such thing).
    fixture = await startPipelineFixture({
      tables: ['public.*'],
      partitions: 4,
      ...versions,
      sourceStandby: { name: 'standby' },
    });
    await createTables(fixture);
    fixture.start('coordinator');
    fixture.start('applier');
    reader = fixture.start('reader');
    await waitForEqualTo(fixture, fixture.sourceQuery);
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  test('after a promotion the reader stops with one line; cdc resnapshot is the way on', async (t) => {
    const standby = fixture.standby!;
    // Said at start, before anything is lost.
    assert.match(
      reader.log(),
      version >= 17
        ? // (a JSON log line: its quotes are escaped)
          /failover set-up incomplete, after a promotion slot .?"cdc_shop.?" may be missing on the new primary .*sync_replication_slots is off/
        : new RegExp(
            `PostgreSQL ${version} has no failover slots \\(17\\+\\): after a promotion the new primary has no slot .?"cdc_shop.?", and the reader stops there`,
          ),
    );

    // And so does cdc status.
    assert.match(
      cdc(fixture, 'status').stdout,
      /\n {2}standby postgres:\/\/\S+: WARNING: slot not synced .*: a promotion stops the reader \(cdc resnapshot\)/,
    );

    const stopBefore = new AbortController();
    const beforePromotion = workload(fixture.sourceUrl, 1, stopBefore.signal);
    await new Promise((r) => setTimeout(r, 2_000));
    // Once promoted, the standby's WAL restarts well below positions the destination holds (the
    // few transactions after the promotion do not reach them).
    const { committedBefore, standbyHas } = await promoteLaggingStandby(fixture, stopBefore, beforePromotion);
    const onNewPrimary = async (sql: string) => (await standby.query(sql, [], 'shop')).rows;
    // Changes the old slot never sent: a new slot created now would skip them.
    const stopAfter = new AbortController();
    const afterPromotion = workload(standby.url('shop'), 1_000_000, stopAfter.signal);

    const missing =
      /^error: source shop: replication slot "cdc_shop" does not exist on postgres:\/\/\S+ although this source has streamed from it \(a standby promoted since the slot was created \(timeline 1 -> 2\) .*; the changes after \d+\/[0-9A-F]+ cannot be read, and a new slot would skip them, so the reader stops\. Take a new initial snapshot: cdc resnapshot --config <file> --source shop /m;
    assert.equal(await reader.exited, 1, 'the reader stops');
    assert.match(reader.log(), missing);
    assert.equal(reader.log().match(/does not exist on/g)?.length, 1, 'one line');
    stopAfter.abort();
    const committedAfter = await afterPromotion;
    assert.ok(committedBefore > 10 && committedAfter > 10, `${committedBefore} and ${committedAfter} transactions`);
    assert.deepEqual(
      await onNewPrimary(`SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'logical'`),
      [],
      'no slot was created on the new primary',
    );
    // Started again it stops the same way, at once.
    const again = fixture.start('reader');
    assert.equal(await again.exited, 1);
    assert.match(again.log(), missing);

    const resnapshot = cdc(fixture, 'resnapshot', '--source', 'shop');
    assert.equal(resnapshot.status, 0, resnapshot.stderr);
    assert.match(
      resnapshot.stdout,
      /^source shop: there is no slot "cdc_shop" on postgres:\/\/\S+; recorded: the reader's next start takes a new initial snapshot/,
    );
    // The new primary is idle now: if its WAL is still below what the destination applied, the
    // reader moves it on before creating the slot (else the appliers would skip the snapshot).
    reader = fixture.start('reader');
    await waitForEqualTo(fixture, onNewPrimary);
    assert.match(reader.log(), /a new initial snapshot was asked for \(cdc resnapshot\)/);
    // The scenario did put the new primary's WAL below the committed position.
    assert.match(reader.log(), /is behind what the destinations applied/);
    t.diagnostic(
      `${committedBefore} transactions on the old primary (the standby stopped after k ${standbyHas}), ${committedAfter} on the new`,
    );
    assert.equal(reader.child.exitCode, null, 'the reader streams on');
  });
}

async function createTables(fixture: PipelineFixture): Promise<void> {
  await fixture.sourceQuery(`
    CREATE TABLE ledger (k bigint PRIMARY KEY, note text);
    CREATE TABLE counters (id int PRIMARY KEY, n bigint NOT NULL);
    INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g;
  `);
}

/** Transactions of an insert and a counter update each, on `url`, from k on, until stopped or failing. */
/**
 * The standby falls behind, then the primary dies and the standby is promoted: the standby
 * stops receiving while the destination applies transactions past three WAL segment switches,
 * then the primary is killed, its workload (`stop`, `running`) ends, and the standby starts
 * again and is promoted. Resolves with the old primary's transaction count and the highest k
 * the standby had received.
 */
async function promoteLaggingStandby(
  fixture: PipelineFixture,
  stop: AbortController,
  running: Promise<number>,
): Promise<{ committedBefore: number; standbyHas: number }> {
  const standby = fixture.standby!;
  await standby.stop();
  const maxK = async (query: typeof fixture.sourceQuery) =>
    Number((await query('SELECT coalesce(max(k), 0)::int AS k FROM ledger'))[0].k);
  const standbyHas = await maxK(fixture.sourceQuery);
  for (let i = 0; i < 3; i += 1) {
    await new Promise((r) => setTimeout(r, 200));
    await fixture.sourceQuery('SELECT pg_switch_wal()');
  }
  const pastSwitches = await maxK(fixture.sourceQuery);
  await waitFor(
    'the destination to apply transactions the standby lacks',
    async () => (await maxK(fixture.destinationQuery)) > pastSwitches,
    60_000,
  );
  await fixture.source.kill();
  stop.abort();
  const committedBefore = await running;
  await standby.start();
  await standby.query('SELECT pg_promote()');
  return { committedBefore, standbyHas };
}

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

/** Waits until the destination's tables equal those `query` reads (the primary of the moment). */
async function waitForEqualTo(
  fixture: PipelineFixture,
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<void> {
  let difference = '';
  await waitFor(
    'the destination to equal the primary',
    async () => {
      for (const table of TABLES) {
        const [left, right] = await Promise.all([
          tableDigest(query, table),
          tableDigest(fixture.destinationQuery, table).catch(() => 'missing'),
        ]);
        difference = `${table}: primary ${left}, destination ${right}`;
        if (left !== right) return false;
      }
      return true;
    },
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${difference})`);
  });
}

function cdc(fixture: PipelineFixture, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args, '--config', fixture.configFile], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
