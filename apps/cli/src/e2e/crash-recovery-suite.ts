import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceKind,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// Kill -9 each service mid-stream under a steady workload: nothing lost, nothing applied
// twice, and the slot never confirms a transaction the destination does not have. Registered by
// crash-recovery.test.ts (Debian's 15 on both sides) and postgres-versions.test.ts (other majors).
const TABLES = ['public.accounts', 'public.events', 'public.ledger'];

function lsnToBigint(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function crashRecoverySuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  const running = new Map<ServiceKind, ServiceProcess>();
  /** Transaction k -> a WAL position at or after its commit record's end. */
  const committedAt = new Map<number, bigint>();
  const violations: string[] = [];
  let samples = 0;

  before(async () => {
    fixture = await startPipelineFixture({ tables: ['public.*'], partitions: 4, ...versions });
    await fixture.sourceQuery(`
      CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text);
      CREATE TABLE events (id bigserial PRIMARY KEY, account int, payload text, at timestamptz DEFAULT now());
      CREATE TABLE ledger (k bigint PRIMARY KEY, at timestamptz DEFAULT now());
      INSERT INTO accounts SELECT g, 1000, 'start' FROM generate_series(1, 200) g;
    `);
    // An audit trigger at the destination counts every row the applier writes into ledger:
    // each source row is inserted once, so any count above one is an op applied twice.
    await fixture.destinationQuery(`
      CREATE TABLE ledger (k bigint PRIMARY KEY, at timestamptz);
      CREATE TABLE ledger_audit (k bigint, op text);
      CREATE FUNCTION audit_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO ledger_audit VALUES (NEW.k, TG_OP); RETURN NEW; END $$;
      CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION audit_ledger();
    `);
    for (const kind of ['coordinator', 'applier', 'reader'] as const) running.set(kind, fixture.start(kind));
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  async function runWorkload(stop: AbortSignal): Promise<number> {
    const client = new Client({ connectionString: fixture.sourceUrl });
    await client.connect();
    let k = 0;
    try {
      while (!stop.aborted) {
        k += 1;
        await client.query('BEGIN');
        const from = 1 + (k % 200);
        const to = 1 + ((k * 7) % 200);
        await client.query('UPDATE accounts SET balance = balance - 1, note = $2 WHERE id = $1', [from, `tx ${k}`]);
        await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [to]);
        await client.query(
          'INSERT INTO events (account, payload) SELECT $1, repeat($2, 3) FROM generate_series(1, 5)',
          [from, `event ${k} `],
        );
        if (k % 10 === 0)
          await client.query('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 3)');
        await client.query('INSERT INTO ledger (k) VALUES ($1)', [k]);
        await client.query('COMMIT');
        const [row] = (await client.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows;
        committedAt.set(k, lsnToBigint(row.lsn));
      }
    } finally {
      await client.end();
    }
    return k;
  }

  /**
   * The invariant behind "the slot never passes what the destination committed": once the slot
   * confirms an LSN, every transaction that ended at or before it is already at the destination.
   */
  async function sampleSlotSafety(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      try {
        const [slot] = await fixture.sourceQuery(
          `SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
        );
        if (slot?.lsn) {
          const confirmed = lsnToBigint(String(slot.lsn));
          const mustHave = [...committedAt].filter(([, at]) => at <= confirmed).map(([k]) => k);
          if (mustHave.length > 0) {
            const present = new Set(
              (
                await fixture.destinationQuery('SELECT k::int AS k FROM ledger WHERE k = ANY($1::int8[])', [mustHave])
              ).map((r) => Number(r.k)),
            );
            const missing = mustHave.filter((k) => !present.has(k));
            if (missing.length > 0)
              violations.push(
                `slot confirmed ${String(slot.lsn)} but ledger rows ${missing.slice(0, 5).join(',')} are not at the destination`,
              );
          }
          samples += 1;
        }
      } catch {
        // the destination table may not exist yet, or a server is restarting
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  test('kill -9 of reader, applier and coordinator mid-stream loses nothing and applies nothing twice', async () => {
    await waitForEqualTables(fixture, TABLES);
    const stop = new AbortController();
    const workload = runWorkload(stop.signal);
    const sampler = sampleSlotSafety(stop.signal);
    try {
      for (const kind of ['reader', 'applier', 'coordinator', 'reader', 'applier'] as const) {
        await new Promise((r) => setTimeout(r, 1_500));
        const service = running.get(kind) as ServiceProcess;
        await fixture.stop(service, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
        running.set(kind, fixture.start(kind));
      }
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      stop.abort();
    }
    const transactions = await workload;
    await sampler;
    assert.ok(transactions > 20, `workload ran ${transactions} transactions`);
    await waitForEqualTables(fixture, TABLES);
    const twice = await fixture.destinationQuery(
      'SELECT k, count(*)::int AS n FROM ledger_audit GROUP BY k HAVING count(*) > 1 LIMIT 5',
    );
    assert.deepEqual(twice, [], 'ledger rows written more than once');
    const [audit] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM ledger_audit');
    assert.equal(audit.n, transactions, 'one audited write per source transaction');
    const [balance] = await fixture.destinationQuery('SELECT sum(balance)::int8::text AS total FROM accounts');
    assert.equal(balance.total, String(200 * 1000), 'transfers conserve the total balance');
    assert.deepEqual(violations, [], 'slot confirmed a position the destination did not have');
    assert.ok(samples > 5, `slot safety sampled ${samples} times`);
  });

  test('an idle source still advances the slot while other databases and unpublished tables write WAL', async () => {
    // Let the pipeline settle, then only write WAL the publication does not carry.
    await new Promise((r) => setTimeout(r, 1_000));
    const before = await confirmedFlush();
    const other = await fixture.source.createDatabase('elsewhere');
    const client = new Client({ connectionString: other });
    await client.connect();
    await fixture.sourceQuery(
      'CREATE SCHEMA IF NOT EXISTS private; CREATE TABLE IF NOT EXISTS private.noise (id serial, v text)',
    );
    try {
      await client.query('CREATE TABLE noise (id serial, v text)');
      await waitFor(
        'the slot to advance past the other WAL',
        async () => {
          await client.query(`INSERT INTO noise (v) SELECT repeat('x', 100) FROM generate_series(1, 1000)`);
          await fixture.source.query(
            `INSERT INTO private.noise (v) SELECT 'y' FROM generate_series(1, 100)`,
            [],
            'shop',
          );
          return (await confirmedFlush()) > before + 100_000n;
        },
        30_000,
      );
    } finally {
      await client.end();
    }
  });

  async function confirmedFlush(): Promise<bigint> {
    const [slot] = await fixture.sourceQuery(
      `SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
    );
    return lsnToBigint(String(slot.lsn));
  }
}
