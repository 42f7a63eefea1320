import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestCertificates, startMariadb, type MariadbServer, type TestCertificates } from '@cdc/testenv';
import { createMysqlSink } from './index';

// The sink's tls option against a real MariaDB serving a certificate for 127.0.0.1 and
// localhost. MariaDB also listens on 127.0.0.2, an address the certificate does not name: only
// there does the host name check (verify) make a difference.
const OTHER_ADDRESS = '127.0.0.2';
let db: MariadbServer;
let certs: TestCertificates;
let url = '';

before(async () => {
  certs = createTestCertificates({ serverKeyFor: 'mariadb' });
  db = await startMariadb({
    name: 'sink-tls',
    tls: { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey },
    args: [`--bind-address=127.0.0.1,${OTHER_ADDRESS}`],
  });
  await db.createDatabase('replica');
  url = await db.createUser({ name: 'cdc', database: 'replica', require: 'ssl' });
});

after(async () => {
  await db?.destroy();
});

function sinkAt(host: string, tls: Parameters<typeof createMysqlSink>[0]['tls'], poolSize = 1) {
  const target = new URL(url);
  target.hostname = host;
  return createMysqlSink({
    url: target.toString(),
    destination: 'replica',
    mapTable: (table) => ({ schema: 'replica', table: table.table }),
    createTables: true,
    poolSize,
    ...(tls !== undefined ? { tls } : {}),
  });
}

test('verified TLS to an address the certificate names', async () => {
  const sink = await sinkAt('127.0.0.1', { caFile: certs.ca }, 3);
  // More pooled connections after the first: mysql2 resumes the TLS session for them.
  await Promise.all([1, 2, 3, 4, 5, 6].map((partition) => sink.readCheckpoint('shop', partition)));
  await sink.close();
  const localhost = await sinkAt('localhost', { caFile: certs.ca });
  await localhost.close();
});

test('verify checks the host name: an address the certificate does not name is refused, verify: false accepts it', async (t) => {
  await assert.rejects(sinkAt(OTHER_ADDRESS, { caFile: certs.ca }), (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, /^destination replica: cannot prepare .*IP: 127\.0\.0\.2 is not in the cert's list/);
    assert.ok(!error.message.includes('\n'));
    t.diagnostic(error.message);
    return true;
  });
  const unverified = await sinkAt(OTHER_ADDRESS, { verify: false });
  await unverified.close();
});

test('no tls option: the REQUIRE SSL user is refused; an unreadable file fails before connecting', async () => {
  await assert.rejects(sinkAt('127.0.0.1', undefined), /Access denied/);
  await assert.rejects(
    sinkAt('127.0.0.1', { caFile: '/nonexistent/ca.pem' }),
    /^Error: destination replica: cannot read tls\.ca_file "\/nonexistent\/ca\.pem" \(ENOENT\)$/,
  );
});
