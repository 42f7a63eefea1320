import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { createTestCertificates, startMariadb, type MariadbServer, type TestCertificates } from './index';

let db: MariadbServer;
let certs: TestCertificates;

before(async () => {
  certs = createTestCertificates({ serverKeyFor: 'mariadb' });
  db = await startMariadb({
    name: 'testenv-tls',
    tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
  });
  await db.createDatabase('app');
});

after(async () => {
  await db?.destroy();
});

async function cipherOf(url: string, ssl?: mysql.ConnectionOptions['ssl']): Promise<string> {
  const connection = await mysql.createConnection({ uri: url, connectTimeout: 10_000, ...(ssl ? { ssl } : {}) });
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
    return String(rows[0]?.Value ?? '');
  } finally {
    await connection.end();
  }
}

test('a REQUIRE SSL user is refused in plain TCP and gets a cipher over TLS verified against the CA', async () => {
  const url = await db.createUser({ name: 'needs_ssl', database: 'app', require: 'ssl' });
  await assert.rejects(cipherOf(url), /Access denied/);
  const ca = readFileSync(certs.ca, 'utf8');
  assert.notEqual(await cipherOf(url, { ca, rejectUnauthorized: true, verifyIdentity: true }), '');
  await assert.rejects(
    cipherOf(url, { ca: readFileSync(certs.otherCa, 'utf8'), rejectUnauthorized: true }),
    /certificate/,
  );
});

test('a REQUIRE X509 user needs the client certificate from the CA', async () => {
  const url = await db.createUser({ name: 'needs_x509', database: 'app', require: 'x509' });
  const ca = readFileSync(certs.ca, 'utf8');
  await assert.rejects(cipherOf(url, { ca, rejectUnauthorized: true }), /Access denied/);
  const client = { cert: readFileSync(certs.clientCert, 'utf8'), key: readFileSync(certs.clientKey, 'utf8') };
  assert.notEqual(await cipherOf(url, { ca, rejectUnauthorized: true, ...client }), '');
});
