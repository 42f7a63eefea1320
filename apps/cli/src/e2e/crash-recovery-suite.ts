import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import {
  TRANSFER_ACCOUNTS,
  TRANSFER_BALANCE,
  TRANSFER_TABLES,
  createTransferTables,
  ledgerWrittenTwice,
  lsnToBigint,
  startPipelineFixture,
  startTransferWorkload,
  waitFor,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceKind,
  type ServiceProcess,
} from './pipeline-fixture';
import type { ServerVersions } from './server-versions';

// Kill -9 each service mid-stream under a steady workload (tools/pipeline-fixture's transfer
// workload and its slot sampler): nothing lost, nothing applied twice, and the slot never
// confirms a transaction the destination does not have. Registered by crash-recovery.test.ts
// (Debian's 15 on both sides) and postgres-versions.test.ts (other majors).
export function crashRecoverySuite(versions: ServerVersions = {}): void {
  let fixture: PipelineFixture;
  const running = new Map<ServiceKind, ServiceProcess>();

  before(async () => {
    fixture = await startPipelineFixture({ tables: ['public.*'], partitions: 4, ...versions });
    await createTransferTables(fixture);
    for (const kind of ['coordinator', 'applier', 'reader'] as const) running.set(kind, fixture.start(kind));
  });

  after(async () => {
    if (fixture) await fixture.destroy();
  });

  test('kill -9 of reader, applier and coordinator mid-stream loses nothing and applies nothing twice', async () => {
    await waitForEqualTables(fixture, TRANSFER_TABLES);
    const workload = startTransferWorkload(fixture);
    try {
      for (const kind of ['reader', 'applier', 'coordinator', 'reader', 'applier'] as const) {
        await new Promise((r) => setTimeout(r, 1_500));
        const service = running.get(kind) as ServiceProcess;
        await fixture.stop(service, 'SIGKILL');
        await new Promise((r) => setTimeout(r, 500));
        running.set(kind, fixture.start(kind));
      }
      await new Promise((r) => setTimeout(r, 1_500));
    } catch (error) {
      await workload.stop();
      throw error;
    }
    const { transactions, violations, samples } = await workload.stop();
    assert.ok(transactions > 20, `workload ran ${transactions} transactions`);
    await waitForEqualTables(fixture, TRANSFER_TABLES);
    assert.deepEqual(await ledgerWrittenTwice(fixture), [], 'ledger rows written more than once');
    const [audit] = await fixture.destinationQuery('SELECT count(*)::int AS n FROM ledger_audit');
    assert.equal(audit.n, transactions, 'one audited write per source transaction');
    const [balance] = await fixture.destinationQuery('SELECT sum(balance)::int8::text AS total FROM accounts');
    assert.equal(balance.total, String(TRANSFER_ACCOUNTS * TRANSFER_BALANCE), 'transfers conserve the total balance');
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
