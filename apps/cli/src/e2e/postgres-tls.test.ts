// Postgres over TLS: the source and destination URLs carry sslmode=verify-full and
// sslrootcert (node-postgres reads them from the URL, like libpq). Against a server with
// ssl=on and a certificate from a throw-away CA, `cdc up` replicates with every connection
// encrypted (pg_stat_ssl, the replication connection included); a CA that did not sign the
// server's certificate is refused with one line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  createTestCertificates,
  startNats,
  startPostgres,
  type NatsServer,
  type PostgresServer,
  type TestCertificates,
} from '@cdc/testenv';

const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const dir = mkdtempSync(join(tmpdir(), 'cdc-pg-tls-'));
let pg: PostgresServer;
let nats: NatsServer;
let certs: TestCertificates;

before(async () => {
  certs = createTestCertificates({ dir, serverKeyFor: 'postgres' });
  [pg, nats] = await Promise.all([
    startPostgres({
      name: 'tls-pg',
      settings: {
        ssl: 'on',
        ssl_cert_file: certs.serverCert,
        ssl_key_file: certs.serverKey,
      },
    }),
    startNats({ name: 'tls-nats' }),
  ]);
  await pg.createDatabase('shop');
  await pg.createDatabase('replica');
  await pg.query('CREATE TABLE items (id int PRIMARY KEY, v text)', [], 'shop');
});

after(async () => {
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

function configFile(name: string, ca: string): string {
  const file = join(dir, `${name}.yaml`);
  const url = (db: string) =>
    `postgres://postgres@127.0.0.1:${pg.port}/${db}?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`;
  writeFileSync(
    file,
    `nats: { url: "${nats.url}" }
sources:
  - { name: shop, type: postgres, url: "${url('shop')}", tables: ["public.*"], partitions: 2 }
destinations:
  - { name: replica, type: postgres, url: "${url('replica')}", sources: [shop], create_tables: true }
`,
  );
  return file;
}

test('source, replication stream and destination over verified TLS', async () => {
  const child = spawn(process.execPath, [BUNDLE, 'up', '--config', configFile('good', certs.ca)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    await pg.query(`INSERT INTO items VALUES (1, 'a'), (2, 'b')`, [], 'shop');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await pg
        .query('SELECT count(*)::int AS n FROM public.items', [], 'replica')
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (Number(rows[0].n) === 2) break;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`nothing replicated; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    await pg.query(`INSERT INTO items VALUES (3, 'streamed')`, [], 'shop');
    for (;;) {
      const { rows } = await pg.query('SELECT count(*)::int AS n FROM public.items', [], 'replica');
      if (Number(rows[0].n) === 3) break;
      if (Date.now() > deadline) throw new Error(`not streamed; output:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { rows } = await pg.query(
      `SELECT a.backend_type, a.datname, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
        WHERE a.pid <> pg_backend_pid() AND a.datname IN ('shop', 'replica')`,
    );
    assert.ok(
      rows.some((row) => row.backend_type === 'walsender'),
      'the replication connection is there',
    );
    assert.ok(
      rows.some((row) => row.datname === 'replica'),
      'a destination connection is there',
    );
    assert.deepEqual(
      rows.filter((row) => row.ssl !== true),
      [],
      'every connection of the services is encrypted',
    );
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, output);
});

test('a server certificate the configured CA did not sign is refused with one line', () => {
  const result = spawnSync(
    process.execPath,
    [BUNDLE, 'reader', '--config', configFile('wrong-ca', certs.otherCa), '--source', 'shop'],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.notEqual(result.status, 0);
  const lines = result.stderr.trim().split('\n');
  assert.match(lines[lines.length - 1], /^error: source shop: cannot connect to .*(certificate|self.signed)/i);
  assert.doesNotMatch(result.stderr, /^\s+at /m);
});
