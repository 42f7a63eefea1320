import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitUntil } from './net';
import { startPostgres, startStandby } from './index';

// A hot standby from the primary's own binaries (Debian's 15 and a fetched 17): it follows the
// primary's writes, keeps none of its slots, and is writable once promoted.
for (const version of [undefined, 17]) {
  test(`a standby of PostgreSQL ${version ?? 'default'} streams, and is writable once promoted`, async () => {
    const primary = await startPostgres({ name: `primary${version ?? ''}`, ...(version ? { version } : {}) });
    try {
      await primary.query('CREATE TABLE t (id int PRIMARY KEY)');
      await primary.query('INSERT INTO t VALUES (1)');
      await primary.query(`SELECT pg_create_logical_replication_slot('logical', 'pgoutput')`);
      const standby = await startStandby(primary, { name: 'replica' });
      try {
        assert.equal(standby.version, primary.version);
        assert.deepEqual((await standby.query('SELECT pg_is_in_recovery() AS r')).rows, [{ r: true }]);
        assert.deepEqual((await standby.query(`SELECT slot_name FROM pg_replication_slots`)).rows, []);
        await primary.query('INSERT INTO t VALUES (2)');
        await waitUntil(async () => (await standby.query('SELECT count(*)::int AS n FROM t')).rows[0].n === 2, {
          timeoutMs: 20_000,
          timeoutMessage: 'the standby did not replay the insert',
        });
        await primary.kill();
        await standby.query('SELECT pg_promote()');
        await standby.query('INSERT INTO t VALUES (3)');
        assert.deepEqual((await standby.query('SELECT id FROM t ORDER BY id')).rows, [{ id: 1 }, { id: 2 }, { id: 3 }]);
      } finally {
        await standby.destroy();
      }
    } finally {
      await primary.destroy();
    }
  });
}
