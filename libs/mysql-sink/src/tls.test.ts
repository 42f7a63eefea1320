import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mysqlSslOptions, MysqlTlsFileError } from './tls';

test('verify (the default) turns on both certificate and host name checks; the files are read now', () => {
  const ssl = mysqlSslOptions({ caFile: __filename, certFile: __filename, keyFile: __filename });
  const text = readFileSync(__filename, 'utf8');
  assert.deepEqual(ssl, { rejectUnauthorized: true, verifyIdentity: true, ca: text, cert: text, key: text });
});

test('verify: false encrypts without checking the certificate', () => {
  assert.deepEqual(mysqlSslOptions({ verify: false }), { rejectUnauthorized: false, verifyIdentity: false });
});

test('an unreadable file is one line naming the key and the path', () => {
  assert.throws(
    () => mysqlSslOptions({ caFile: '/nonexistent/ca.pem' }, 'mysql_tls'),
    (error: unknown) =>
      error instanceof MysqlTlsFileError &&
      error.message === 'cannot read mysql_tls.ca_file "/nonexistent/ca.pem" (ENOENT)',
  );
});
