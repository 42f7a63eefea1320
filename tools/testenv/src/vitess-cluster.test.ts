import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startVitessCluster } from './index';

// The multi-process Vitess cluster itself (the reader's reshard tests use it too): a MoveTables
// from one keyspace to another, values with 4-byte characters intact, the processes gone after.

test(
  'MoveTables moves a table between keyspaces (switched, reversed, switched, completed) with 4-byte characters intact; destroy leaves nothing running',
  { timeout: 300_000 },
  async () => {
    const cluster = await startVitessCluster({ name: 'movetables' });
    let dir = '';
    try {
      dir = cluster.dir;
      await cluster.createKeyspace('commerce', { shards: ['0'] });
      await cluster.createKeyspace('customer', { shards: ['0'] });
      const commerce = await mysql.createConnection({ uri: cluster.mysqlUrl('commerce') });
      try {
        await commerce.query('CREATE TABLE product (id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(32))');
        await commerce.query("INSERT INTO product (id, name) VALUES (1, 'emoji 😀'), (2, '𠜎 ext-B'), (3, 'plain')");
      } finally {
        await commerce.end();
      }
      const move = cluster.moveTables({
        workflow: 'commerce2customer',
        sourceKeyspace: 'commerce',
        targetKeyspace: 'customer',
        tables: ['product'],
      });
      await move.create();
      await move.waitForCopy();
      await move.switchTraffic();
      assert.match((await move.status()).traffic_state ?? '', /Writes Switched/);
      await move.reverseTraffic();
      assert.match((await move.status()).traffic_state ?? '', /Writes Not Switched/);
      await move.switchTraffic();
      await move.complete();

      const customer = await mysql.createConnection({ uri: cluster.mysqlUrl('customer') });
      try {
        await customer.query("INSERT INTO product (id, name) VALUES (4, 'after 🎉')");
        const [rows] = await customer.query<mysql.RowDataPacket[]>(
          'SELECT id, HEX(name) AS hex FROM product ORDER BY id',
        );
        assert.deepEqual(
          rows.map((row) => [Number(row.id), String(row.hex)]),
          [
            [1, Buffer.from('emoji 😀').toString('hex').toUpperCase()],
            [2, Buffer.from('𠜎 ext-B').toString('hex').toUpperCase()],
            [3, Buffer.from('plain').toString('hex').toUpperCase()],
            [4, Buffer.from('after 🎉').toString('hex').toUpperCase()],
          ],
        );
      } finally {
        await customer.end();
      }
      // Complete dropped the source table: it is now in the target keyspace's shard only.
      const [tablet] = cluster.tablets('commerce');
      const direct = await mysql.createConnection({
        socketPath: tablet.socket,
        user: 'vt_dba',
        database: 'vt_commerce',
      });
      try {
        const [tables] = await direct.query<mysql.RowDataPacket[]>("SHOW TABLES LIKE 'product'");
        assert.equal(tables.length, 0, 'the source keyspace no longer has the table');
      } finally {
        await direct.end();
      }
    } finally {
      await cluster.destroy();
    }
    const { readdirSync, readFileSync } = await import('node:fs');
    const left = readdirSync('/proc').filter((entry) => {
      try {
        return /^\d+$/.test(entry) && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${dir}/`);
      } catch {
        return false;
      }
    });
    assert.deepEqual(left, [], 'processes of the cluster still running after destroy()');
  },
);
