// The least-privilege NATS users of docs/nats-authorization.conf (and database roles of docs/security.md): reader, applier and
// coordinator each run as their own user, replicate a snapshot and a stream end to end (with a
// dead-lettered row), and the server logs no permission violation. A reader that tries another source's subjects is
// refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';

const ROOT = resolve(__dirname, '../../../..');
const BUNDLE = join(ROOT, 'dist/cdc.cjs');
const PASSWORDS = { reader: 'r-pw-1', applier: 'a-pw-2', coordinator: 'c-pw-3' };
const dir = mkdtempSync(join(tmpdir(), 'cdc-nats-perm-'));
let pg: PostgresServer;
let nats: NatsServer;
const children: ChildProcess[] = [];

before(async () => {
  const conf = readFileSync(join(ROOT, 'docs/nats-authorization.conf'), 'utf8')
    .replace('$CDC_READER_PASSWORD', `"${PASSWORDS.reader}"`)
    .replace('$CDC_APPLIER_PASSWORD', `"${PASSWORDS.applier}"`)
    .replace('$CDC_COORDINATOR_PASSWORD', `"${PASSWORDS.coordinator}"`);
  [pg, nats] = await Promise.all([
    startPostgres({ name: 'perm-pg' }),
    startNats({ name: 'perm-nats', configText: conf }),
  ]);
  await pg.createDatabase('shop');
  await pg.createDatabase('replica');
  await pg.query('CREATE TABLE items (id int PRIMARY KEY, v text)', [], 'shop');
  // Least-privilege database roles too (docs/security.md): the source role can replicate and
  // read the table, the publication was made by the owner; the destination role owns nothing
  // but may create in its database and schema.
  await pg.query(
    `CREATE ROLE cdc_source LOGIN REPLICATION; CREATE ROLE cdc_applier LOGIN;
     GRANT CREATE ON DATABASE replica TO cdc_applier`,
  );
  await pg.query(`GRANT SELECT ON items TO cdc_source; CREATE PUBLICATION cdc_shop FOR TABLE items`, [], 'shop');
  await pg.query(`GRANT CREATE ON SCHEMA public TO cdc_applier`, [], 'replica');
  await pg.query(`INSERT INTO items SELECT g, 'snap' || g FROM generate_series(1, 50) g`, [], 'shop');
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFile(user: string, password: string, source = 'shop'): string {
  const file = join(dir, `${user}-${source}.yaml`);
  writeFileSync(
    file,
    `nats: { url: "${nats.url}", user: "${user}", password: "${password}" }
sources:
  - { name: ${source}, type: postgres, url: "${pg.url('shop').replace('//postgres@', '//cdc_source@')}", tables: ["public.*"], publication: cdc_shop, partitions: 2, publish: { watermark_interval_ms: 200 } }
destinations:
  - { name: replica, type: postgres, url: "${pg.url('replica').replace('//postgres@', '//cdc_applier@')}", sources: [${source}], create_tables: true, on_error: dead-letter }
coordinator: { interval_ms: 200 }
`,
  );
  return file;
}

function start(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let output = '';
  const child = spawn(process.execPath, [BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Distinct subjects the server refused, per service (nats-server tells the client, and the services log it). */
function violations(output: string): string {
  const found = new Set<string>();
  for (const line of output.split('\n')) {
    const match = /"service":"(\w+)".*Permissions Violation for (\w+) to \\"([^\\]+)\\"/.exec(line);
    if (match) found.add(`${match[1]} ${match[2]} ${match[3].replace(/\.[A-Za-z0-9_]{20,}.*$/, '.*')}`);
  }
  return found.size === 0 ? 'no violations' : [...found].join('\n');
}

async function count(): Promise<number> {
  const { rows } = await pg
    .query('SELECT count(*)::int AS n FROM public.items', [], 'replica')
    .catch(() => ({ rows: [{ n: 0 }] }));
  return Number(rows[0].n);
}

test('each service as its own least-privilege user replicates, with no permission violation', async () => {
  const services = [
    start(['reader', '--config', configFile('cdc-reader-shop', PASSWORDS.reader), '--source', 'shop']),
    start(['applier', '--config', configFile('cdc-applier-replica', PASSWORDS.applier), '--destination', 'replica']),
    start(['coordinator', '--config', configFile('cdc-coordinator', PASSWORDS.coordinator)]),
  ];
  const all = () => services.map((s) => s.output()).join('\n');
  const deadline = Date.now() + 40_000;
  const waitRows = async (n: number) => {
    while ((await count()) !== n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} rows; ${violations(all())}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitRows(50);
  await pg.query(`INSERT INTO items SELECT g, 'live' || g FROM generate_series(51, 80) g`, [], 'shop');
  await waitRows(80);
  // A row the destination rejects goes to the dead-letter stream (on_error: dead-letter): the
  // applier's user may look up and store its own dead letters. The row after it applies only
  // once the letter is stored.
  await pg.query(`ALTER TABLE public.items ADD CONSTRAINT no_poison CHECK (v <> 'poison')`, [], 'replica');
  await pg.query(`INSERT INTO items VALUES (81, 'poison'); INSERT INTO items VALUES (82, 'after')`, [], 'shop');
  await waitRows(81);
  assert.match(all(), /set aside in the dead-letter stream/);
  const { rows: wal } = await pg.query(`SELECT pg_current_wal_lsn()::text AS lsn`, [], 'shop');
  // The slot confirms past the inserts only if the applier recorded progress, the coordinator
  // wrote the committed position and the reader read it: every KV permission is exercised.
  for (;;) {
    const { rows } = await pg.query(
      `SELECT confirmed_flush_lsn >= $1::pg_lsn AS done FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
      [wal[0].lsn],
    );
    if (rows[0]?.done) break;
    if (Date.now() > deadline) throw new Error(`slot never confirmed the inserts; ${violations(all())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const service of services) service.child.kill('SIGTERM');
  const codes = await Promise.all(services.map((s) => s.exited));
  assert.deepEqual(codes, [0, 0, 0], all());
  assert.equal(violations(all()), 'no violations');
  assert.doesNotMatch(all(), /Permissions Violation|authorization/i);
});

test("a reader user cannot publish another source's changes", async () => {
  const other = start([
    'reader',
    '--config',
    configFile('cdc-reader-shop', PASSWORDS.reader, 'billing'),
    '--source',
    'billing',
  ]);
  const timer = setTimeout(() => other.child.kill('SIGTERM'), 30_000);
  const code = await other.exited;
  clearTimeout(timer);
  assert.notEqual(code, 0, other.output());
  assert.match(other.output(), /error: .*(permission|authorization)/i);
  assert.match(other.output(), /Permissions Violation.*CDC_billing/);
});
