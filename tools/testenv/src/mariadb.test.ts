import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startMariadb, type MariadbServer } from './index';

let db: MariadbServer;

before(async () => {
  db = await startMariadb({ name: 'testenv-test' });
});

after(async () => {
  await db?.destroy();
});

test('mariadb runs on loopback with utf8mb4 and a fresh database per call', async () => {
  assert.equal(db.host, '127.0.0.1');
  assert.equal(db.url('x'), `mysql://root@127.0.0.1:${db.port}/x`);
  const { rows } = await db.query('SELECT VERSION() AS v, @@bind_address AS bind, @@character_set_server AS cs');
  assert.match(String(rows[0].v), /MariaDB/);
  assert.equal(rows[0].bind, '127.0.0.1');
  assert.equal(rows[0].cs, 'utf8mb4');
  const url = await db.createDatabase();
  const name = new URL(url).pathname.slice(1);
  await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)', undefined, name);
  await db.query('INSERT INTO t VALUES (?, ?)', [1, 'one'], name);
  assert.deepEqual((await db.query('SELECT id, v FROM t', [], name)).rows, [{ id: 1, v: 'one' }]);
});

test('kill -9 and start keep committed rows (crash recovery on the same port)', async () => {
  const name = new URL(await db.createDatabase('crash')).pathname.slice(1);
  await db.query('CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB', undefined, name);
  await db.query('INSERT INTO t VALUES (1), (2)', undefined, name);
  const port = db.port;
  await db.kill();
  await assert.rejects(db.query('SELECT 1'));
  await db.start();
  assert.equal(db.port, port);
  assert.deepEqual((await db.query('SELECT count(*) AS n FROM t', [], name)).rows, [{ n: '2' }]);
});

test('destroy removes the directory', async () => {
  const other = await startMariadb({ name: 'testenv-destroy' });
  const dir = other.dataDir;
  assert.ok(existsSync(dir));
  await other.destroy();
  assert.ok(!existsSync(dir));
});
