import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { parseConfig } from '@cdc/config';
import { mysqlSslOptions } from '@cdc/mysql-sink';
import { createTestCertificates, type TestCertificates } from '@cdc/testenv';
import {
  startPipelineFixture,
  waitFor,
  waitForEqualRows,
  type MysqlPipelineFixture,
  type ServiceKind,
  type ServiceProcess,
} from './pipeline-fixture';

// Postgres → MariaDB over verified TLS: the destination's `tls` block (CA, client certificate)
// against a MariaDB with ssl_ca/ssl_cert/ssl_key from a throw-away CA, as a user created
// REQUIRE X509 (refused without TLS and without the client certificate) with the grant
// docs/security.md documents and nothing more (create, snapshot, stream, a column added, a
// TRUNCATE). The server's performance_schema shows every session of that user encrypted; a CA
// that did not sign the server's certificate is refused with one line.

const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const USER = 'cdc_applier';
let certs: TestCertificates;
let fixture: MysqlPipelineFixture;
let serviceUrl = '';
const running = new Map<ServiceKind, ServiceProcess>();
/** The grant docs/security.md documents for a MySQL destination, nothing more. */
const GRANT = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'CREATE', 'ALTER', 'DROP', 'INDEX'];
const ITEMS = ['id', 'v'].map((name) => ({ pg: name, my: name }));

before(async () => {
  certs = createTestCertificates({ serverKeyFor: 'mariadb' });
  fixture = await startPipelineFixture({
    destination: 'mysql',
    tables: ['public.*'],
    partitions: 2,
    mariadb: {
      tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
      // status_by_thread tells, per session, whether it is encrypted.
      args: ['--performance-schema=ON'],
    },
    serviceUrl: async (destination) => {
      serviceUrl = await destination.createUser({
        name: USER,
        database: 'replica',
        require: 'x509',
        privileges: GRANT,
      });
      return serviceUrl;
    },
    destinationExtra: `    tls:
      ca_file: ${certs.ca}
      cert_file: ${certs.clientCert}
      key_file: ${certs.clientKey}`,
  });
  await fixture.sourceQuery(`CREATE TABLE items (id int PRIMARY KEY, v text)`);
  await fixture.sourceQuery(`INSERT INTO items SELECT g, 'snapshot ' || g FROM generate_series(1, 50) g`);
  await fixture.sourceQuery(`CREATE TABLE scratch (id int PRIMARY KEY)`);
  await fixture.sourceQuery(`INSERT INTO scratch SELECT generate_series(1, 5)`);
});

after(async () => {
  if (fixture) await fixture.destroy();
});

/** The destination's tls block as the services read it, turned into mysql2's option by the same code. */
function configuredSsl(): mysql.ConnectionOptions['ssl'] {
  const config = parseConfig(readFileSync(fixture.configFile, 'utf8'), fixture.configFile, {});
  const destination = config.destinations[0];
  assert.ok(destination.type === 'mysql' && destination.tls !== undefined);
  return mysqlSslOptions(destination.tls);
}

async function sessionCipher(ssl?: mysql.ConnectionOptions['ssl']): Promise<string> {
  const connection = await mysql.createConnection({ uri: serviceUrl, connectTimeout: 10_000, ...(ssl ? { ssl } : {}) });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    return String(rows[0]?.Value ?? '');
  } finally {
    await connection.end();
  }
}

test('the applier user cannot connect without TLS or without its client certificate', async () => {
  await assert.rejects(sessionCipher(), /Access denied/);
  await assert.rejects(
    sessionCipher({ ca: readFileSync(certs.ca, 'utf8'), rejectUnauthorized: true }),
    /Access denied/,
  );
  assert.match(await sessionCipher(configuredSsl()), /^TLS_|^ECDHE|AES|CHACHA/);
});

test('snapshot and streaming reach MariaDB over verified TLS; every applier session is encrypted', async (t) => {
  for (const kind of ['coordinator', 'applier', 'reader'] as const) running.set(kind, fixture.start(kind));
  await waitForEqualRows(fixture, 'items', ITEMS);
  await fixture.sourceQuery(`INSERT INTO items VALUES (51, 'streamed'); UPDATE items SET v = 'changed' WHERE id = 7`);
  await fixture.sourceQuery(`DELETE FROM items WHERE id = 8`);
  await waitForEqualRows(fixture, 'items', ITEMS);
  // Schema evolution (ALTER) and TRUNCATE (DROP in MySQL) under the documented grant.
  await fixture.sourceQuery(`ALTER TABLE items ADD COLUMN note text`);
  await fixture.sourceQuery(`INSERT INTO items VALUES (52, 'evolved', 'a note')`);
  await waitForEqualRows(fixture, 'items', [...ITEMS, { pg: 'note', my: 'note' }]);
  await waitForEqualRows(fixture, 'scratch', [{ pg: 'id', my: 'id' }]);
  await fixture.sourceQuery(`TRUNCATE scratch`);
  await waitFor('scratch truncated at the destination', async () => {
    const [row] = await fixture.destinationQuery('SELECT COUNT(*) AS n FROM replica.scratch');
    return Number(row?.n) === 0;
  });
  let sessions: Record<string, unknown>[] = [];
  await waitFor('the applier sessions in performance_schema', async () => {
    sessions = await fixture.destinationQuery(
      `SELECT t.PROCESSLIST_ID AS id, s.VARIABLE_VALUE AS cipher
         FROM performance_schema.threads t
         JOIN performance_schema.status_by_thread s ON s.THREAD_ID = t.THREAD_ID AND s.VARIABLE_NAME = 'Ssl_cipher'
        WHERE t.PROCESSLIST_USER = ?`,
      [USER],
    );
    return sessions.length > 0;
  });
  t.diagnostic(`applier sessions: ${sessions.map((session) => String(session.cipher || 'plain')).join(', ')}`);
  assert.deepEqual(
    sessions.filter((session) => !session.cipher),
    [],
    'every session of the applier user is encrypted',
  );
  // The check can fail: the test's own root session is plain TCP.
  const [root] = await fixture.destinationQuery(
    `SELECT s.VARIABLE_VALUE AS cipher FROM performance_schema.status_by_thread s
       JOIN performance_schema.threads t ON s.THREAD_ID = t.THREAD_ID
      WHERE t.PROCESSLIST_ID = CONNECTION_ID() AND s.VARIABLE_NAME = 'Ssl_cipher'`,
  );
  assert.equal(root?.cipher, '');
  for (const kind of ['reader', 'applier', 'coordinator'] as const) {
    assert.equal(await fixture.stop(running.get(kind)!, 'SIGTERM'), 0, running.get(kind)!.log());
  }
});

test('a server certificate the configured CA did not sign is refused with one line', (t) => {
  const file = join(certs.dir, 'wrong-ca.yaml');
  writeFileSync(
    file,
    readFileSync(fixture.configFile, 'utf8').replace(`ca_file: ${certs.ca}`, `ca_file: ${certs.otherCa}`),
  );
  assert.notEqual(readFileSync(file, 'utf8'), readFileSync(fixture.configFile, 'utf8'));
  const result = spawnSync(process.execPath, [BUNDLE, 'applier', '--config', file, '--destination', 'replica'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.notEqual(result.status, 0, result.stderr);
  const lines = result.stderr.trim().split('\n');
  t.diagnostic(lines[lines.length - 1]);
  assert.match(lines[lines.length - 1], /^error: destination replica: .*certificate/i);
  assert.doesNotMatch(result.stderr + result.stdout, /^\s+at /m);
  assert.ok(!(result.stderr + result.stdout).includes(new URL(serviceUrl).password), 'the password is not printed');
});
