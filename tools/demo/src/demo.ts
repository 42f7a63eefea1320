// The demo behind `npm run demo`: see run.sh. Flags: --rows N (default 40000), --keep (leave the stack running),
// --no-vitess (skip the Vitess → Postgres leg), --vitess-not-built (run.sh: say how to add that leg),
// --nats-cluster (JetStream on a 3-server cluster of its own, every stream and bucket with 3 copies).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import mysql from 'mysql2/promise';
import { startNatsCluster, startVitess, type NatsCluster } from '@cdc/testenv';
import { RECOMMENDED_MALLOC_ENV } from '@cdc/service-runtime';
import { createWorkloadTables, deleteRows, insertRows, updateRows, workloadTableNames } from '@cdc/workload';

const REPO = resolve(__dirname, '../../..');
const DIR = join(REPO, '.testenv', 'demo');
/** The services run as the README recommends on glibc (malloc settings); what the caller sets wins. */
const SERVICE_ENV = { ...RECOMMENDED_MALLOC_ENV, ...process.env };
const TABLES = { schema: 'public', count: 4 };
const COMPARE = '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3';

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? 'true') : undefined;
}

function stackEnv(): Record<string, string> {
  const up = spawnSync(process.execPath, ['--import', 'tsx', 'tools/testenv/src/cli.ts', 'up'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (up.status !== 0) {
    // One line: the harness's last words say which server and why (its full output goes to a file).
    const output = `${up.stdout}${up.stderr}`;
    const logFile = join(DIR, 'stack.log');
    writeFileSync(logFile, output);
    const last =
      output
        .trim()
        .split('\n')
        .filter((line) => !/^\s+at /.test(line))
        .pop() ?? `exit ${up.status}`;
    throw new Error(`could not start the local stack (Postgres, NATS): ${last.trim()} (full output: ${logFile})`);
  }
  const env: Record<string, string> = {};
  const envFile = up.stdout.match(/(\S+env\.sh)/)?.[1] ?? join(REPO, '.testenv', 'stack', 'env.sh');
  for (const line of readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^export (\w+)=['"]?([^'"]*)['"]?$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function resetDatabase(serverUrl: string, database: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
    'cdc_demo',
  ]);
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  return withDatabase(serverUrl, database);
}

async function resetNats(url: string): Promise<void> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete('CDC_demo').catch(() => undefined);
  const kv = await new Kvm(nc).create('cdc_progress');
  await jsm.streams.delete('CDC_shop').catch(() => undefined);
  for await (const key of await kv.keys()) if (key.includes('.demo') || key.includes('.shop')) await kv.purge(key);
  await nc.close();
}

async function digest(client: Client, table: string): Promise<string> {
  const { rows } = await client.query(
    `SELECT count(*)::int8::text AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) AS d FROM ${table} t`,
  );
  return `${rows[0].n}:${rows[0].d}`;
}

/** The config's `nats:` section: the stack's one server, or a 3-server cluster with three copies of everything. */
function natsSection(urls: string | readonly string[], replicas = 1): string {
  return `nats:\n  url: ${typeof urls === 'string' ? urls : JSON.stringify(urls)}\n${replicas > 1 ? `  replicas: ${replicas}\n` : ''}`;
}

async function main(): Promise<void> {
  const rows = Number(flag('rows') ?? 40_000);
  mkdirSync(DIR, { recursive: true });
  console.log('▶ starting the local stack (source Postgres, destination Postgres, NATS JetStream)');
  const env = stackEnv();
  const sourceUrl = await resetDatabase(env.CDC_SOURCE_URL, 'demo_source');
  const destinationUrl = await resetDatabase(env.CDC_DEST_URL, 'demo_replica');
  let cluster: NatsCluster | undefined;
  let nats: string;
  if (flag('nats-cluster')) {
    cluster = await startNatsCluster({ name: 'demo' });
    nats = natsSection(cluster.urls, 3);
    console.log(`▶ JetStream on a 3-server NATS cluster (${cluster.urls.join(', ')}), nats.replicas 3`);
  } else {
    await resetNats(env.CDC_NATS_URL);
    nats = natsSection(env.CDC_NATS_URL);
  }

  const source = new Client({ connectionString: sourceUrl, options: COMPARE });
  const destination = new Client({ connectionString: destinationUrl, options: COMPARE });
  await source.connect();
  await destination.connect();
  await createWorkloadTables(source, TABLES);
  const initial = Math.round(rows / 2);
  await insertRows({ client: source, tables: TABLES, rows: initial, rowsPerTransaction: 1000 });
  console.log(`▶ source has ${TABLES.count} tables with ${initial} rows (taken by the initial snapshot)`);

  const configFile = join(DIR, 'cdc.yaml');
  writeFileSync(
    configFile,
    `${nats}sources:\n  - name: demo\n    type: postgres\n    url: ${sourceUrl}\n    tables: ["public.*"]\n    partitions: 8\ndestinations:\n  - name: replica\n    type: postgres\n    url: ${destinationUrl}\n    sources: [demo]\n    create_tables: true\n`,
  );
  const logFile = join(DIR, 'cdc.log');
  const services = spawn(process.execPath, [join(REPO, 'dist/cdc.cjs'), 'up', '--config', configFile], {
    stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')],
    env: SERVICE_ENV,
  });
  console.log(`▶ cdc up --config ${configFile}   (logs: ${logFile})`);

  const tables = workloadTableNames(TABLES);
  let changed = 0;
  const started = Date.now();
  const progress = setInterval(async () => {
    try {
      const { rows: lag } = await source.query(
        `SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::int8 AS lag FROM pg_replication_slots WHERE slot_name = 'cdc_demo'`,
      );
      const { rows: applied } = await destination.query(
        `SELECT coalesce(sum(n_live_tup), 0)::int8 AS live FROM pg_stat_user_tables WHERE schemaname = 'public'`,
      );
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(
        `  ${seconds.toFixed(0).padStart(3)}s  source changes ${String(changed).padStart(7)} (${Math.round(changed / seconds)}/s)` +
          `  slot lag ${lag[0]?.lag ?? '-'} bytes  destination rows ~${applied[0].live}\n`,
      );
    } catch {
      // the stack is starting
    }
  }, 1_000);

  console.log(`▶ workload: ${rows / 2} inserts, ${rows / 4} updates, ${rows / 10} deletes in 100-row transactions`);
  changed += await insertRows({
    client: source,
    tables: TABLES,
    rows: rows / 2,
    rowsPerTransaction: 100,
    firstId: initial + 1,
  });
  changed += await updateRows({ client: source, tables: TABLES, rows: rows / 4, rowsPerTransaction: 100 });
  changed += await deleteRows({
    client: source,
    tables: TABLES,
    rows: rows / 10,
    rowsPerTransaction: 100,
    firstId: 1000,
  });

  console.log('▶ workload done; waiting for the destination to catch up');
  const deadline = Date.now() + 300_000;
  let equal = false;
  let last = '';
  while (Date.now() < deadline && !equal) {
    if (services.exitCode !== null) throw new Error(`cdc up exited with code ${services.exitCode}: see ${logFile}`);
    equal = true;
    for (const table of tables) {
      const [left, right] = await Promise.all([
        digest(source, table),
        digest(destination, table).catch(() => 'missing'),
      ]);
      if (left !== right) {
        equal = false;
        last = `${table}: source ${left}, destination ${right}`;
        break;
      }
    }
    if (!equal) await new Promise((r) => setTimeout(r, 1_000));
  }
  clearInterval(progress);
  services.kill('SIGTERM');
  await new Promise((r) => services.once('exit', r));
  await source.end();
  await destination.end();
  const vitess = equal && !flag('no-vitess') ? await vitessDemo(nats, destinationUrl, rows) : undefined;
  if (cluster && !flag('keep')) await cluster.destroy();
  else if (cluster) console.log(`▷ the NATS cluster keeps running: ${cluster.urls.join(', ')}`);
  if (!flag('keep'))
    spawnSync(process.execPath, ['--import', 'tsx', 'tools/testenv/src/cli.ts', 'down'], {
      cwd: REPO,
      stdio: 'ignore',
    });
  if (!flag('keep') && vitess) spawnSync('bash', ['tools/vitess-testenv/stop.sh'], { cwd: REPO, stdio: 'ignore' });
  if (!equal) {
    console.error(`✘ destination does not match the source after 5 minutes (${last}); logs: ${logFile}`);
    process.exit(1);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `✔ destination equals source: ${tables.length} tables, row-by-row digests match (${changed} changes in ${seconds}s)`,
  );
  if (vitess) console.log(`✔ ${vitess}`);
  else if (flag('vitess-not-built'))
    console.log(
      '▷ the Vitess → Postgres leg was skipped: Vitess is not built yet (npm run demo -- --vitess builds it first, several minutes the first time, then runs both legs)',
    );
}

/**
 * The same pipeline from a 2-shard Vitess keyspace (tools/vitess-testenv): VStream copy of the
 * rows already there, then streamed inserts and updates, into the same destination Postgres.
 */
async function vitessDemo(nats: string, destinationUrl: string, rows: number): Promise<string> {
  console.log('▶ Vitess: starting vtgate + vttablets over MariaDB (keyspace "sharded", shards -80 and 80-)');
  const cluster = await startVitess();
  const table = `demo_orders_${Date.now().toString(36)}`;
  const vtgate = mysql.createPool({ uri: cluster.mysqlUrl('sharded'), connectionLimit: 2 });
  const count = Math.max(1000, Math.round(rows / 10));
  try {
    await vtgate.query(`ALTER VSCHEMA ON \`${table}\` ADD VINDEX hash(id) USING hash`);
    await vtgate.query(`CREATE TABLE \`${table}\` (id BIGINT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))`);
    await insertOrders(vtgate, table, 1, count);
    const configFile = join(DIR, 'cdc-vitess.yaml');
    writeFileSync(
      configFile,
      `${nats}sources:\n  - name: shop\n    type: vitess\n    vtgate: ${cluster.grpcAddress}\n    keyspace: sharded\n    tables: [${table}]\n    mysql: ${cluster.mysqlUrl('sharded')}\n    partitions: 4\ndestinations:\n  - name: replica_vt\n    type: postgres\n    url: ${destinationUrl}\n    sources: [shop]\n    create_tables: true\n`,
    );
    const logFile = join(DIR, 'cdc-vitess.log');
    const services = spawn(process.execPath, [join(REPO, 'dist/cdc.cjs'), 'up', '--config', configFile], {
      stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')],
      env: SERVICE_ENV,
    });
    const stopServices = async () => {
      if (services.exitCode !== null || services.signalCode !== null) return;
      services.kill('SIGTERM');
      await new Promise((r) => services.once('exit', r));
    };
    try {
      console.log(`▶ cdc up --config ${configFile}   (logs: ${logFile}); ${count} rows to copy, then streaming`);
      return await vitessChangesArrive(vtgate, table, count, destinationUrl, () => services.exitCode, logFile);
    } finally {
      await stopServices();
    }
  } finally {
    await vtgate.end();
  }
}

async function insertOrders(vtgate: mysql.Pool, table: string, from: number, to: number): Promise<void> {
  for (let start = from; start <= to; start += 500) {
    const ids = Array.from({ length: Math.min(500, to - start + 1) }, (_, k) => start + k);
    await vtgate.query(
      `INSERT INTO \`${table}\` (id, n, note) VALUES ${ids.map(() => '(?, ?, ?)').join(', ')}`,
      ids.flatMap((id) => [id, id % 97, `order ${id}`]),
    );
  }
}

/** Streams inserts, updates and deletes through vtgate and waits until Postgres has the same rows. */
async function vitessChangesArrive(
  vtgate: mysql.Pool,
  table: string,
  count: number,
  destinationUrl: string,
  exitCode: () => number | null,
  logFile: string,
): Promise<string> {
  {
    await insertOrders(vtgate, table, count + 1, count + Math.round(count / 2));
    await vtgate.query(`UPDATE \`${table}\` SET n = n + 1000 WHERE id % 3 = 0`);
    await vtgate.query(`DELETE FROM \`${table}\` WHERE id % 10 = 0`);
    const destination = new Client({ connectionString: destinationUrl });
    await destination.connect();
    const summary = 'count(*) AS row_count, coalesce(sum(n), 0) AS total, coalesce(sum(id), 0) AS ids';
    const [[want]] = (await vtgate.query(`SELECT ${summary} FROM \`${table}\``)) as unknown as [
      [Record<string, unknown>],
    ];
    const expected = `${want.row_count}/${want.total}/${want.ids}`;
    let got = '';
    const deadline = Date.now() + 180_000;
    try {
      while (Date.now() < deadline) {
        if (exitCode() !== null) throw new Error(`cdc up exited with code ${exitCode()}: see ${logFile}`);
        const result = await destination
          .query(`SELECT ${summary} FROM sharded."${table}"`)
          .catch(() => ({ rows: [{ row_count: '-', total: '-', ids: '-' }] }));
        const row = result.rows[0];
        got = `${row.row_count}/${row.total}/${row.ids}`;
        if (got === expected) break;
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await destination.end();
    }
    if (got !== expected)
      throw new Error(`Vitess leg: destination ${got} (rows/sum/ids), source ${expected}; logs: ${logFile}`);
    return `Vitess keyspace "sharded" (2 shards) → Postgres: ${want.row_count} rows equal (row count, sums) after copy + streaming`;
  }
}

main().catch((error: unknown) => {
  console.error(`✘ demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
