import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { FETCHED_POSTGRES_MAJORS, postgresRunAs } from './paths';
import { startPostgres, TestEnvNotInstalledError } from './index';

// Every major the version matrix runs: the binaries install.sh fetched (14, 16, 17, 18) and
// Debian's default 15, each a real server with logical decoding, run as the postgres OS user
// when we are root.
for (const major of [...FETCHED_POSTGRES_MAJORS, undefined]) {
  test(`PostgreSQL ${major ?? 'default'} starts with logical decoding and recovers from a crash`, async () => {
    const pg = await startPostgres({ name: `pg${major ?? 'default'}`, ...(major ? { version: major } : {}) });
    try {
      const [row] = (await pg.query("SELECT current_setting('server_version_num')::int / 10000 AS major")).rows;
      assert.equal(row.major, major ?? 15);
      assert.equal(pg.version, major ?? 15);
      const runAs = postgresRunAs();
      if (runAs) assert.equal(statSync(pg.dataDir).uid, runAs.uid, 'the data directory belongs to the server user');
      await pg.query("SELECT pg_create_logical_replication_slot('s', 'pgoutput')");
      await pg.query('CREATE TABLE t (id int PRIMARY KEY)');
      await pg.query('INSERT INTO t VALUES (1)');
      await pg.kill();
      await pg.start();
      const slots = (await pg.query("SELECT plugin FROM pg_replication_slots WHERE slot_name = 's'")).rows;
      assert.deepEqual(slots, [{ plugin: 'pgoutput' }]);
      assert.deepEqual((await pg.query('SELECT id FROM t')).rows, [{ id: 1 }]);
    } finally {
      await pg.destroy();
    }
  });
}

test('a major that is not installed is one clear error', async () => {
  await assert.rejects(
    () => startPostgres({ version: 12 }),
    (error: Error) =>
      error instanceof TestEnvNotInstalledError && /PostgreSQL 12 server binaries not found/.test(error.message),
  );
});
