// Secrets never reach a log line or an error: services run at debug level with a NATS
// password from the environment (${NATS_PASSWORD}) and database passwords from a file
// (${file:...}), replicate a row, then fail in the ways that print connection details (a wrong
// NATS password, an unreachable database). Every line of every output is searched for each
// secret, plain and URL-encoded.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort, startNats, startPostgres, type NatsServer, type PostgresServer } from '@cdc/testenv';

const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const NATS_SECRET = 'N4ts-pw_7f3e9a';
const PG_SECRET = 'Pg-pw_2b8c41@x';
const dir = mkdtempSync(join(tmpdir(), 'cdc-secrets-'));
let pg: PostgresServer;
let nats: NatsServer;

before(async () => {
  [pg, nats] = await Promise.all([
    startPostgres({ name: 'secrets-pg' }),
    startNats({
      name: 'secrets-nats',
      configText: `authorization { users = [ { user: "cdc", password: "${NATS_SECRET}" } ] }`,
    }),
  ]);
  await pg.createDatabase('shop');
  await pg.createDatabase('replica');
  await pg.query('CREATE TABLE items (id int PRIMARY KEY, v text)', [], 'shop');
  // Trust authentication on loopback: the passwords are sent and ignored, which is enough to
  // see whether anything prints them.
  writeFileSync(join(dir, 'pg-password'), `${encodeURIComponent(PG_SECRET)}\n`);
});

after(async () => {
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFile(name: string, pgPort = pg.port): string {
  const file = join(dir, `${name}.yaml`);
  const pgUrl = (db: string) => `postgres://postgres:\${file:${join(dir, 'pg-password')}}@127.0.0.1:${pgPort}/${db}`;
  writeFileSync(
    file,
    `nats:
  url: ${nats.url}
  user: cdc
  password: \${NATS_PASSWORD}
sources:
  - name: shop
    type: postgres
    url: ${pgUrl('shop')}
    tables: ["public.*"]
    partitions: 2
destinations:
  - name: replica
    type: postgres
    url: ${pgUrl('replica')}
    sources: [shop]
    create_tables: true
`,
  );
  return file;
}

function assertNoSecret(output: string, what: string): void {
  assert.ok(output.length > 0, `${what}: some output`);
  for (const secret of [NATS_SECRET, PG_SECRET, encodeURIComponent(PG_SECRET), encodeURIComponent(NATS_SECRET)]) {
    const lines = output.split('\n').filter((line) => line.includes(secret));
    assert.deepEqual(lines, [], `${what}: a line shows a secret`);
  }
}

function run(args: string[], natsPassword: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CDC_LOG_LEVEL: 'debug', NATS_PASSWORD: natsPassword },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

test('a running pipeline at debug level, and cdc status, print no secret', async () => {
  const file = configFile('good');
  const child = spawn(process.execPath, [BUNDLE, 'up', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CDC_LOG_LEVEL: 'debug', NATS_PASSWORD: NATS_SECRET },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    await pg.query(`INSERT INTO items VALUES (1, 'a'), (2, '${PG_SECRET.replace(/'/g, "''")}-is-data')`, [], 'shop');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await pg
        .query('SELECT count(*)::int AS n FROM public.items', [], 'replica')
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (Number(rows[0].n) === 2) break;
      if (Date.now() > deadline) throw new Error(`nothing replicated; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    while (!output.includes('"level":"debug"')) {
      if (Date.now() > deadline) throw new Error(`no debug line; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  // The row's value contains the database secret on purpose: data is not a log line either.
  assertNoSecret(output, 'cdc up');
  const status = run(['status', '--config', file, '--json'], NATS_SECRET);
  assert.equal(status.status, 0, status.output);
  assertNoSecret(status.output, 'cdc status');
});

test('a wrong NATS password and an unreachable database fail with one line and no secret', async () => {
  const wrong = run(['applier', '--config', configFile('good'), '--destination', 'replica'], `${NATS_SECRET}-wrong`);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.output, /error: .*cannot connect to NATS at .*(Authorization|authorization)/);
  assertNoSecret(wrong.output, 'wrong NATS password');

  const unreachable = run(
    ['reader', '--config', configFile('down', await findFreePort()), '--source', 'shop'],
    NATS_SECRET,
  );
  assert.notEqual(unreachable.status, 0);
  assert.match(unreachable.output, /error: source shop: cannot connect to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
  assertNoSecret(unreachable.output, 'unreachable source');

  const destinationDown = run(
    ['applier', '--config', configFile('down-dest', await findFreePort()), '--destination', 'replica'],
    NATS_SECRET,
  );
  assert.notEqual(destinationDown.status, 0);
  assert.match(destinationDown.output, /error: destination replica: /);
  assertNoSecret(destinationDown.output, 'unreachable destination');
});
