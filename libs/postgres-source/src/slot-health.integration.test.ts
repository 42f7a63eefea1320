import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'pg';
import { startPostgres } from '@cdc/testenv';
import { readSlotHealth, retainedRatio, SlotInvalidatedError, slotWalWarning } from './slot-health';

// pg_replication_slots on every major: a slot nearing max_slot_wal_keep_size is warned about,
// and one the server invalidated is recognised, whichever columns the version has (wal_status
// on 14/15, plus conflicting on 16, invalidation_reason and failover on 17+). WAL is moved on
// with pg_switch_wal (a 16 MB segment each), invalidation forced with a tiny limit and a
// CHECKPOINT.
for (const version of [14, 15, 16, 17, 18]) {
  test(`PostgreSQL ${version}: slot health from retained WAL to invalidation`, async () => {
    const pg = await startPostgres({
      name: `slot-health-${version}`,
      version,
      settings: { max_slot_wal_keep_size: '96MB', max_wal_size: '256MB' },
    });
    const client = new Client({ connectionString: pg.url() });
    await client.connect();
    try {
      await client.query('CREATE TABLE t (id serial PRIMARY KEY, v text)');
      await client.query(`SELECT pg_create_logical_replication_slot('s', 'pgoutput')`);
      let health = await readSlotHealth(client, 's');
      assert.ok(health);
      assert.equal(health.walStatus, 'reserved');
      assert.equal(health.invalidated, null);
      assert.equal(health.maxRetainedBytes, 96 * 1_048_576);
      assert.equal(health.active, false);
      assert.equal(slotWalWarning('shop', health), undefined);
      assert.equal(await readSlotHealth(client, 'nope'), undefined);

      // Six segments later the slot holds over 80% of the 96 MB it may keep.
      for (let i = 0; i < 6; i += 1) {
        await client.query(`INSERT INTO t (v) VALUES ('x')`);
        await client.query('SELECT pg_switch_wal()');
      }
      health = (await readSlotHealth(client, 's'))!;
      assert.ok(retainedRatio(health)! >= 0.8, `retained ${health.retainedBytes} of ${health.maxRetainedBytes}`);
      assert.match(
        slotWalWarning('shop', health) ?? '',
        /^source shop: replication slot "s" holds \d+ MiB of WAL, \d+% of max_slot_wal_keep_size \(96 MiB\); at the limit the server invalidates it/,
      );

      // A limit below what it holds, and a checkpoint: the server invalidates the slot.
      await client.query(`ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'`);
      await client.query('SELECT pg_reload_conf()');
      await client.query(`INSERT INTO t (v) VALUES ('y')`);
      await client.query('SELECT pg_switch_wal()');
      await client.query('CHECKPOINT');
      health = (await readSlotHealth(client, 's'))!;
      assert.equal(health.walStatus, 'lost');
      assert.equal(health.invalidated, 'wal_removed');
      assert.equal(slotWalWarning('shop', health), undefined, 'an invalidated slot is an error, not a warning');
      assert.match(
        new SlotInvalidatedError('shop', health).message,
        /^source shop: replication slot "s" was invalidated by the server \(wal_removed: it held more WAL than max_slot_wal_keep_size \(1\.0 MiB\)\); .* cdc resnapshot --config <file> --source shop /,
      );

      if (version >= 17) {
        await client.query(`SELECT pg_create_logical_replication_slot('f', 'pgoutput', false, false, true)`);
        assert.equal((await readSlotHealth(client, 'f'))!.failover, true, 'failover slots (17+)');
      }
    } finally {
      await client.end();
      await pg.destroy();
    }
  });
}
