import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';
import { waitFor } from './pipeline-fixture';

// Three source databases into one destination with a source-id column: accounts in clone
// mode, orders in history mode (with a rename and an exclusion), events append-only with
// deletes recorded. A workload of inserts/updates/deletes on all three, the applier killed -9
// midway and restarted. The expected destination is derived from an audit table each source
// fills by trigger (every change, in commit order: the workload runs one transaction at a time
// per source), not from the pipeline.

const REPO = resolve(__dirname, '../../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
const SOURCES = ['tenant_a', 'tenant_b', 'tenant_c'] as const;
const TENANT: Record<string, string> = { tenant_a: 'a', tenant_b: 'tenant_b', tenant_c: 'tenant_c' };

interface Service {
  child: ChildProcess;
  exited: Promise<number | null>;
  log(): string;
}

let source: PostgresServer;
let destination: PostgresServer;
let nats: NatsServer;
let dir: string;
let configFile: string;
const sourceClients = new Map<string, Client>();
let dest: Client;
const services: Service[] = [];
let counter = 0;

function start(kind: string, ...args: string[]): Service {
  counter += 1;
  const logFile = join(dir, `${kind}-${counter}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [BUNDLE, kind, '--config', configFile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDC_LOG_LEVEL: 'info' },
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const service = { child, exited, log: () => readFileSync(logFile, 'utf8') };
  services.push(service);
  return service;
}

const SCHEMA = `
  CREATE TABLE audit (seq bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL, id int NOT NULL, row jsonb);
  CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN INSERT INTO audit (tbl, op, id, row) VALUES (TG_TABLE_NAME, 'delete', OLD.id, NULL);
      ELSE INSERT INTO audit (tbl, op, id, row) VALUES (TG_TABLE_NAME, lower(TG_OP), NEW.id, to_jsonb(NEW));
      END IF;
      RETURN NULL;
    END $$;
  CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL, note text);
  CREATE TABLE orders (id int PRIMARY KEY, amount int NOT NULL, status text, secret text);
  CREATE TABLE events (id int PRIMARY KEY, kind text, payload text);
  CREATE TRIGGER a AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION audit();
  CREATE TRIGGER a AFTER INSERT OR UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION audit();
`;

before(async () => {
  [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'e2e-consolidation-source' }),
    startPostgres({ name: 'e2e-consolidation-dest', logical: false }),
    startNats({ name: 'e2e-consolidation-nats' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'cdc-e2e-consolidation-'));
  configFile = join(dir, 'cdc.yaml');
  const urls: Record<string, string> = {};
  for (const name of SOURCES) {
    urls[name] = await source.createDatabase(name);
    const client = new Client({ connectionString: urls[name] });
    await client.connect();
    await client.query(SCHEMA);
    sourceClients.set(name, client);
  }
  const destinationUrl = await destination.createDatabase('warehouse');
  dest = new Client({ connectionString: destinationUrl });
  await dest.connect();
  writeFileSync(
    configFile,
    `nats:
  url: ${nats.url}
sources:
${SOURCES.map(
  (name) => `  - name: ${name}
    type: postgres
    url: ${urls[name]}
    tables: [public.accounts, public.orders, public.events]
    partitions: 2
    status_interval_ms: 200
    publish:
      watermark_interval_ms: 200
`,
).join('')}
destinations:
  - name: warehouse
    type: postgres
    url: ${destinationUrl}
    sources: [${SOURCES.join(', ')}]
    create_tables: true
    schema: warehouse
    source_id:
      column: tenant
      values: { tenant_a: a }
    tables:
      public.accounts: warehouse.accounts
      public.orders:
        mode: history
        columns:
          rename: { amount: amount_cents }
          exclude: [secret]
      public.events:
        to: warehouse.event_log
        mode: append-only
        deletes: record
    batch:
      max_ops: 50
      max_wait_ms: 20
coordinator:
  interval_ms: 200
`,
  );
});

after(async () => {
  for (const service of services) service.child.kill('SIGKILL');
  await Promise.all(services.map((s) => s.exited));
  for (const client of sourceClients.values()) await client.end().catch(() => undefined);
  await dest?.end().catch(() => undefined);
  await Promise.all([source?.destroy(), destination?.destroy(), nats?.destroy()]);
});

/** One transaction at a time: audit.seq order is commit order. */
async function workload(name: string, from: number, to: number): Promise<void> {
  const client = sourceClients.get(name)!;
  for (let k = from; k < to; k += 1) {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO accounts VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET balance = accounts.balance + 1',
      [k % 17, k, `${name} ${k}`],
    );
    if (k % 5 === 0) await client.query('DELETE FROM accounts WHERE id = $1', [(k * 3) % 17]);
    await client.query(
      'INSERT INTO orders VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET amount = orders.amount + $2, status = $3',
      [k % 11, k, `s${k}`, 'hidden'],
    );
    if (k % 7 === 0) await client.query('DELETE FROM orders WHERE id = $1', [(k * 5) % 11]);
    await client.query('INSERT INTO events VALUES ($1, $2, $3)', [k, 'created', `${name} event ${k}`]);
    if (k % 3 === 0) await client.query("UPDATE events SET kind = 'seen' WHERE id = $1", [k - 1]);
    if (k % 4 === 0) await client.query('DELETE FROM events WHERE id = $1', [k - 2]);
    await client.query('COMMIT');
  }
}

type Row = Record<string, unknown>;

/** Expected history rows (in version order) of one source, from its audit table. */
async function expectedHistory(name: string): Promise<Row[]> {
  const audit = await sourceClients.get(name)!.query("SELECT op, id, row FROM audit WHERE tbl = 'orders' ORDER BY seq");
  const versions: Row[] = [];
  const open = new Map<number, Row>();
  for (const { op, id, row } of audit.rows as { op: string; id: number; row: Row | null }[]) {
    const previous = open.get(id);
    if (previous) previous.current = false;
    open.delete(id);
    if (op === 'delete') continue;
    const version: Row = {
      tenant: TENANT[name],
      id,
      amount_cents: row!.amount,
      status: row!.status,
      op,
      current: true,
    };
    versions.push(version);
    open.set(id, version);
  }
  return versions;
}

/** Expected append-only rows of one source: every insert and update, and deletes with the key only. */
async function expectedEvents(name: string): Promise<Row[]> {
  const audit = await sourceClients.get(name)!.query("SELECT op, id, row FROM audit WHERE tbl = 'events' ORDER BY seq");
  return (audit.rows as { op: string; id: number; row: Row | null }[]).map(({ op, id, row }) => ({
    tenant: TENANT[name],
    id,
    kind: row?.kind ?? null,
    payload: row?.payload ?? null,
    op,
  }));
}

async function actualHistory(tenant: string): Promise<Row[]> {
  const result = await dest.query(
    `SELECT tenant, id, amount_cents, status, _cdc_op AS op, _cdc_valid_to IS NULL AS current
       FROM warehouse.orders WHERE tenant = $1 ORDER BY _cdc_commit, _cdc_index`,
    [tenant],
  );
  return result.rows;
}

async function actualEvents(tenant: string): Promise<Row[]> {
  const result = await dest.query(
    `SELECT tenant, id, kind, payload, _cdc_op AS op FROM warehouse.event_log WHERE tenant = $1 ORDER BY _cdc_commit, _cdc_index`,
    [tenant],
  );
  return result.rows;
}

async function clonesEqual(): Promise<string | undefined> {
  for (const name of SOURCES) {
    const want = (await sourceClients.get(name)!.query('SELECT id, balance, note FROM accounts ORDER BY id')).rows;
    const got = (
      await dest.query('SELECT id, balance, note FROM warehouse.accounts WHERE tenant = $1 ORDER BY id', [TENANT[name]])
    ).rows;
    if (JSON.stringify(want) !== JSON.stringify(got))
      return `accounts of ${name}: ${want.length} vs ${got.length} rows`;
  }
  return undefined;
}

test('three sources consolidate into one destination: clone, history and append-only survive a kill -9 of the applier', async () => {
  start('coordinator');
  let applier = start('applier', '--destination', 'warehouse');
  for (const name of SOURCES) start('reader', '--source', name);

  // Streaming has begun once a first row of each source reached the destination.
  await Promise.all(
    SOURCES.map((name) => sourceClients.get(name)!.query('INSERT INTO accounts VALUES (100, 0, $1)', [name])),
  );
  await waitFor(
    'first rows of every source',
    async () => (await dest.query('SELECT count(*)::int AS n FROM warehouse.accounts')).rows[0].n === 3,
    120_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\napplier log:\n${applier.log().slice(-3000)}`);
  });

  await Promise.all(SOURCES.map((name) => workload(name, 1, 60)));
  applier.child.kill('SIGKILL');
  await applier.exited;
  await Promise.all(SOURCES.map((name) => workload(name, 60, 120)));
  applier = start('applier', '--destination', 'warehouse');
  await Promise.all(SOURCES.map((name) => workload(name, 120, 160)));

  let difference = '';
  await waitFor(
    'destination to match every model',
    async () => {
      const clone = await clonesEqual();
      if (clone !== undefined) {
        difference = clone;
        return false;
      }
      for (const name of SOURCES) {
        const [wantHistory, gotHistory] = [await expectedHistory(name), await actualHistory(TENANT[name])];
        if (JSON.stringify(wantHistory) !== JSON.stringify(gotHistory)) {
          difference = `orders history of ${name}: ${wantHistory.length} vs ${gotHistory.length} versions`;
          return false;
        }
        const [wantEvents, gotEvents] = [await expectedEvents(name), await actualEvents(TENANT[name])];
        if (JSON.stringify(wantEvents) !== JSON.stringify(gotEvents)) {
          difference = `event_log of ${name}: ${wantEvents.length} vs ${gotEvents.length} rows`;
          return false;
        }
      }
      return true;
    },
    180_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last difference: ${difference})\napplier log:\n${applier.log().slice(-3000)}`);
  });

  // Exact comparison (the wait above compares serialized forms), on a workload that has every case.
  for (const name of SOURCES) {
    const history = await expectedHistory(name);
    const events = await expectedEvents(name);
    assert.ok(history.length > 150 && history.some((v) => !v.current) && history.some((v) => v.op === 'insert'));
    assert.ok(['insert', 'update', 'delete'].every((op) => events.some((e) => e.op === op)));
    assert.deepEqual(await actualHistory(TENANT[name]), await expectedHistory(name));
    assert.deepEqual(await actualEvents(TENANT[name]), await expectedEvents(name));
  }
  // Versions chain: each closed version ends when the next version of its key (or its delete) begins.
  const gaps = await dest.query(`
    SELECT count(*)::int AS n FROM warehouse.orders v
     WHERE v._cdc_valid_to IS NOT NULL AND v._cdc_valid_to < v._cdc_valid_from`);
  assert.equal(gaps.rows[0].n, 0);
  const chained = await dest.query(`
    SELECT count(*)::int AS n FROM warehouse.orders v
      JOIN LATERAL (SELECT w._cdc_valid_from FROM warehouse.orders w
                     WHERE w.tenant = v.tenant AND w.id = v.id AND (w._cdc_commit, w._cdc_index) > (v._cdc_commit, v._cdc_index)
                     ORDER BY w._cdc_commit, w._cdc_index LIMIT 1) nxt ON true
     WHERE v._cdc_valid_to IS DISTINCT FROM nxt._cdc_valid_from AND v._cdc_valid_to IS NULL`);
  assert.equal(chained.rows[0].n, 0, 'a version followed by another must be closed');
  const columns = await dest.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'warehouse' AND table_name = 'orders' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    columns.rows.map((row) => row.column_name),
    [
      'tenant',
      'id',
      'amount_cents',
      'status',
      '_cdc_commit',
      '_cdc_index',
      '_cdc_op',
      '_cdc_valid_from',
      '_cdc_valid_to',
    ],
  );
});
