import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  findFreePort,
  ServerStartError,
  startNats,
  startPostgres,
  type NatsServer,
  type PostgresServer,
} from './index';

let pg: PostgresServer;
let nats: NatsServer;

before(async () => {
  [pg, nats] = await Promise.all([startPostgres({ name: 'testenv-test' }), startNats({ name: 'testenv-test' })]);
});

after(async () => {
  await Promise.all([pg?.destroy(), nats?.destroy()]);
});

test('findFreePort returns a usable port', async () => {
  const port = await findFreePort();
  assert.ok(port > 0 && port < 65536);
});

test('postgres runs with logical decoding on loopback', async () => {
  assert.equal(pg.host, '127.0.0.1');
  assert.equal(pg.url(), `postgres://postgres@127.0.0.1:${pg.port}/postgres`);
  const { rows } = await pg.query('SHOW wal_level');
  assert.equal(rows[0].wal_level, 'logical');
  const slots = await pg.query('SHOW max_replication_slots');
  assert.equal(slots.rows[0].max_replication_slots, '20');
  const conns = await pg.query('SHOW max_connections');
  assert.equal(conns.rows[0].max_connections, '200');
  assert.equal((await pg.query('SHOW fsync')).rows[0].fsync, 'on');
});

test('postgres createDatabase makes a fresh, usable database', async () => {
  const url = await pg.createDatabase();
  const db = new URL(url).pathname.slice(1);
  assert.match(db, /^db_[0-9a-f]+$/);
  await pg.query('CREATE TABLE t (id int PRIMARY KEY, v text)', [], db);
  await pg.query('INSERT INTO t VALUES ($1, $2)', [1, 'x'], db);
  assert.deepEqual((await pg.query('SELECT id, v FROM t', [], db)).rows, [{ id: 1, v: 'x' }]);

  const named = await pg.createDatabase('named_db');
  assert.equal(named, pg.url('named_db'));
  assert.equal((await pg.query('SELECT current_database() AS d', [], 'named_db')).rows[0].d, 'named_db');
});

test('postgres recovers after kill() and keeps committed data', async () => {
  await pg.query('CREATE TABLE crash_test (id int PRIMARY KEY)');
  await pg.query('INSERT INTO crash_test SELECT generate_series(1, 1000)');
  await pg.query("SELECT pg_create_logical_replication_slot('crash_slot', 'test_decoding')");
  const port = pg.port;

  await pg.kill();
  await assert.rejects(pg.query('SELECT 1'));
  await pg.start();

  assert.equal(pg.port, port);
  const { rows } = await pg.query('SELECT count(*)::int AS n FROM crash_test');
  assert.equal(rows[0].n, 1000);
  const slots = await pg.query("SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'crash_slot'");
  assert.equal(slots.rows.length, 1);
});

test('postgres stop() and start() again', async () => {
  await pg.stop();
  await assert.rejects(pg.query('SELECT 1'));
  await pg.start();
  assert.equal((await pg.query('SELECT count(*)::int AS n FROM crash_test')).rows[0].n, 1000);
});

test('postgres with logical: false and custom settings', async () => {
  const plain = await startPostgres({ logical: false, settings: { work_mem: '8MB' }, name: 'plain' });
  try {
    assert.equal((await plain.query('SHOW wal_level')).rows[0].wal_level, 'replica');
    assert.equal((await plain.query('SHOW work_mem')).rows[0].work_mem, '8MB');
  } finally {
    await plain.destroy();
  }
  assert.equal(existsSync(plain.dataDir), false);
});

test('a server that fails to start reports its log', async () => {
  await assert.rejects(startPostgres({ name: 'broken', settings: { shared_buffers: 'lots' } }), (err: Error) => {
    assert.ok(err instanceof ServerStartError);
    assert.match(err.message, /postgres\.log/);
    assert.match(err.message, /shared_buffers/);
    rmSync(dirname(err.logFile), { recursive: true, force: true });
    return true;
  });
});

test('nats has JetStream and survives kill() and start()', async () => {
  assert.equal(nats.url, `nats://127.0.0.1:${nats.port}`);
  let nc = await connect({ servers: nats.url });
  let jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'TESTENV', subjects: ['testenv.>'] });
  const js = jsm.jetstream();
  await js.publish('testenv.b', 'persisted');
  await nc.close();

  await nats.kill();
  await assert.rejects(connect({ servers: nats.url, reconnect: false, timeout: 1000 }));
  await nats.start();

  nc = await connect({ servers: nats.url });
  try {
    jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info('TESTENV');
    assert.ok(info.state.messages >= 1, 'stream kept its messages across the crash');
    const account = await jsm.getAccountInfo();
    assert.ok(account.streams >= 1);
  } finally {
    await nc.close();
  }
});

test('nats configText is applied', async () => {
  const n = await startNats({ name: 'configured', configText: 'max_payload: 65536' });
  try {
    const nc = await connect({ servers: n.url });
    try {
      assert.equal(nc.info?.max_payload, 65536);
      await jetstreamManager(nc);
    } finally {
      await nc.close();
    }
  } finally {
    await n.destroy();
  }
});
