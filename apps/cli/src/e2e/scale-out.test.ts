import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { MEMBERS_BUCKET, readMembers } from '@cdc/applier-group';
import {
  startPipelineFixture,
  waitForEqualTables,
  type PipelineFixture,
  type ServiceProcess,
} from './pipeline-fixture';

// Appliers scaled out and in under a steady workload: 3 instances, a 4th added, one stopped
// with SIGTERM, one killed -9. Each partition always has an owner again within the
// membership TTL, the destination ends equal to the source, and no op is applied twice.
const PARTITIONS = 8;
const HEARTBEAT_MS = 300;
const TTL_MS = 1500;
/** Ownership is published with the next heartbeat: a handover can look this long from outside. */
const MAX_GAP_MS = TTL_MS + 3 * HEARTBEAT_MS + 1500;

let fixture: PipelineFixture;

before(async () => {
  fixture = await startPipelineFixture({
    tables: ['public.*'],
    partitions: PARTITIONS,
    destinationExtra: `    membership:\n      heartbeat_ms: ${HEARTBEAT_MS}\n      ttl_ms: ${TTL_MS}`,
  });
  await fixture.sourceQuery(`
    CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL);
    CREATE TABLE ledger (k bigint PRIMARY KEY, account int NOT NULL);
    INSERT INTO accounts SELECT g, 1000 FROM generate_series(1, 100) g;
  `);
  await fixture.destinationQuery(`
    CREATE TABLE ledger (k bigint PRIMARY KEY, account int NOT NULL);
    CREATE TABLE ledger_audit (k bigint, op text);
    CREATE FUNCTION audit_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ledger_audit VALUES (NEW.k, TG_OP); RETURN NEW; END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION audit_ledger();
  `);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('3 appliers, a 4th added, one SIGTERMed, one killed -9: owners within the TTL, equal tables, nothing twice', async () => {
  fixture.start('coordinator');
  fixture.start('reader');
  const appliers: ServiceProcess[] = [fixture.start('applier'), fixture.start('applier'), fixture.start('applier')];

  // Ownership sampler: every partition's time without an owner among the live members.
  const nc = await connect({ servers: fixture.nats.url });
  const stopSampling = new AbortController();
  const lastOwned = new Map<string, number>();
  const worstGap = new Map<string, number>();
  let samples = 0;
  let lastMembers = 0;
  let lastOwners: Map<string, number> = new Map();
  const sampling = (async () => {
    const kv = await new Kvm(nc).create(MEMBERS_BUCKET, { history: 1, ttl: TTL_MS * 2 });
    const started = Date.now();
    while (!stopSampling.signal.aborted) {
      const members = await readMembers(kv, 'replica', TTL_MS);
      const now = Date.now();
      const owners = new Map<string, number>();
      for (const member of members) for (const key of member.owned) owners.set(key, (owners.get(key) ?? 0) + 1);
      for (let p = 0; p < PARTITIONS; p += 1) {
        const key = `shop/${p}`;
        if (owners.has(key)) lastOwned.set(key, now);
        const since = now - (lastOwned.get(key) ?? started);
        worstGap.set(key, Math.max(worstGap.get(key) ?? 0, since));
      }
      lastMembers = members.length;
      lastOwners = owners;
      samples += 1;
      await pause(100);
    }
  })();

  // Steady workload: each transaction moves a balance and adds one ledger row.
  const source = new Client({ connectionString: fixture.sourceUrl });
  await source.connect();
  const stopWorkload = new AbortController();
  let k = 0;
  const workload = (async () => {
    while (!stopWorkload.signal.aborted) {
      k += 1;
      await source.query('BEGIN');
      await source.query('UPDATE accounts SET balance = balance - 1 WHERE id = $1', [1 + (k % 100)]);
      await source.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [1 + ((k * 7) % 100)]);
      await source.query('INSERT INTO ledger (k, account) VALUES ($1, $2)', [k, 1 + (k % 100)]);
      await source.query('COMMIT');
    }
  })();

  await pause(4000);
  appliers.push(fixture.start('applier')); // scale out to 4
  await pause(4000);
  assert.equal(await fixture.stop(appliers[0], 'SIGTERM'), 0, 'a SIGTERMed applier exits cleanly');
  await pause(3000);
  await fixture.stop(appliers[1], 'SIGKILL');
  await pause(TTL_MS + 4000);
  stopWorkload.abort();
  await workload;
  await source.end();

  await waitForEqualTables(fixture, ['public.accounts', 'public.ledger'], 120_000);
  await pause(3 * HEARTBEAT_MS);
  stopSampling.abort();
  await sampling;
  await nc.close();

  const twice = await fixture.destinationQuery(
    `SELECT k, count(*)::int AS n FROM ledger_audit GROUP BY k HAVING count(*) > 1 ORDER BY k LIMIT 5`,
  );
  assert.deepEqual(twice, [], 'no ledger row may be written twice');
  assert.equal(
    (await fixture.destinationQuery('SELECT count(*)::int AS n FROM ledger_audit'))[0].n,
    k,
    'every ledger row written once',
  );
  assert.ok(samples > 50, `${samples} ownership samples`);
  for (const [key, gap] of worstGap) assert.ok(gap <= MAX_GAP_MS, `${key} had no owner for ${gap} ms`);
  assert.equal(lastMembers, 2, 'two appliers left');
  for (let p = 0; p < PARTITIONS; p += 1) assert.equal(lastOwners.get(`shop/${p}`), 1, `shop/${p}: exactly one owner`);
  // The two survivors share the partitions.
  assert.match(appliers[2].log() + appliers[3].log(), /partitions rebalanced/);
});
