// Over 400 lines on purpose: the catalogue of what a user gets wrong and the one line each must give, run against real servers started once; each case stands alone, and they read best as one list.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  findFreePort,
  startMariadb,
  startNats,
  startPostgres,
  until,
  type NatsServer,
  type PostgresServer,
} from '@cdc/testenv';

// Every bad config and bad server gives ONE clear error line and a non-zero exit, before
// anything is created on the source or in NATS.
const BUNDLE = resolve(__dirname, '../../../dist/cdc.cjs');
const dir = mkdtempSync(join(tmpdir(), 'cdc-cli-errors-'));
let logical: PostgresServer;
let replicaOnly: PostgresServer;
let nats: NatsServer;

before(async () => {
  [logical, replicaOnly, nats] = await Promise.all([
    startPostgres({ name: 'cli-logical' }),
    startPostgres({ name: 'cli-replica', logical: false }),
    startNats({ name: 'cli-nats' }),
  ]);
});

after(async () => {
  await Promise.all([logical?.destroy(), replicaOnly?.destroy(), nats?.destroy()]);
});

function config(name: string, sourceUrl: string, extra = '', natsUrl = nats.url): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `nats:\n  url: ${natsUrl}\nsources:\n  - name: shop\n    type: postgres\n    url: ${sourceUrl}\n    tables: ["public.*"]\n${extra}`,
  );
  return file;
}

function run(...args: string[]): { status: number | null; lastLine: string; stderr: string; seconds: number } {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BUNDLE, ...args], { encoding: 'utf8', timeout: 60_000 });
  const lines = result.stderr.trim().split('\n');
  return {
    status: result.status,
    lastLine: lines[lines.length - 1],
    stderr: result.stderr,
    seconds: (Date.now() - started) / 1000,
  };
}

function assertOneLineError(result: ReturnType<typeof run>, pattern: RegExp): void {
  assert.notEqual(result.status, 0, 'exits non-zero');
  assert.match(result.lastLine, /^error: /);
  assert.match(result.lastLine, pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}

async function slotsAndPublications(server: PostgresServer, database: string): Promise<number> {
  const { rows } = await server.query(
    'SELECT (SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_publication) AS n',
    [],
    database,
  );
  return Number(rows[0].n);
}

test('a misspelt key names the key and suggests the right one', () => {
  const file = config('typo', logical.url(), '    partitionz: 4\n');
  assertOneLineError(
    run('reader', '--config', file, '--source', 'shop'),
    /sources\[0\]\.partitionz: unknown key.*partitions/,
  );
});

test('an unknown source name lists the known ones', () => {
  const file = config('unknown-source', logical.url());
  assertOneLineError(run('reader', '--config', file, '--source', 'nope'), /unknown source "nope".*shop/);
});

test('a missing required flag and an unknown command are usage errors', () => {
  assertOneLineError(run('reader', '--config', config('flag', logical.url())), /--source <NAME> is required/);
  assertOneLineError(run('frobnicate'), /unknown command "frobnicate"/);
});

test('cdc start-at: a Postgres source, or a --vgtid that is not a position, is one line; nothing is connected to', () => {
  assertOneLineError(
    run(
      'start-at',
      '--config',
      config('start-at-pg', logical.url()),
      '--source',
      'shop',
      '--vgtid',
      'ks/0@MariaDB/0-1-2',
    ),
    /source shop is a postgres source; only Vitess sources start at a VGtid/,
  );
  const file = join(dir, 'start-at-vitess.yaml');
  writeFileSync(
    file,
    `nats:\n  url: nats://127.0.0.1:1\nsources:\n  - name: sales\n    type: vitess\n    vtgate: 127.0.0.1:1\n    keyspace: sales\n    mysql: mysql://root@127.0.0.1:1/sales\n    tables: ["*"]\n`,
  );
  assertOneLineError(
    run('start-at', '--config', file, '--source', 'sales', '--vgtid', 'sales/0@current'),
    /--vgtid: "sales\/0@current" in "sales\/0@current": "current" is not a position/,
  );
  assertOneLineError(
    run('start-at', '--config', file, '--source', 'sales', '--vgtid', 'sales@MariaDB/0-1-2'),
    /--vgtid: "sales@MariaDB\/0-1-2" .* is not keyspace\/shard@GTID/,
  );
});

test('an unreachable source server is named, with its password hidden', async () => {
  const port = await findFreePort();
  const file = config('unreachable', `postgres://cdc:s3cret@127.0.0.1:${port}/shop`);
  const result = run('reader', '--config', file, '--source', 'shop');
  assertOneLineError(result, /source shop: cannot connect to postgres:\/\/cdc:\*\*\*@127\.0\.0\.1/);
  assert.doesNotMatch(result.stderr, /s3cret/, 'the password never appears');
});

test('wal_level other than logical is refused before anything is created', async () => {
  const url = await replicaOnly.createDatabase('shop');
  await replicaOnly.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'shop');
  assertOneLineError(
    run('reader', '--config', config('wal', url), '--source', 'shop'),
    /wal_level is "replica" but must be "logical"/,
  );
  assert.equal(await slotsAndPublications(replicaOnly, 'shop'), 0);
});

test('a table without primary key or replica identity full is named, and nothing is created', async () => {
  const url = await logical.createDatabase('nokey');
  await logical.query('CREATE TABLE good (id int PRIMARY KEY); CREATE TABLE "Bad Table" (a int)', [], 'nokey');
  assertOneLineError(
    run('reader', '--config', config('nokey', url), '--source', 'shop'),
    /public\.Bad Table have no primary key and replica identity is not FULL/,
  );
  assert.equal(await slotsAndPublications(logical, 'nokey'), 0);
});

test('no matching table is an error that shows the patterns', async () => {
  const url = await logical.createDatabase('empty');
  assertOneLineError(
    run('reader', '--config', config('empty', url), '--source', 'shop'),
    /no table matches tables \["public\.\*"\]/,
  );
});

/** A service that does not end by itself: stopped with SIGTERM after `ms`, its output (stdout and stderr). */
function runFor(ms: number, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: ms,
    killSignal: 'SIGTERM',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test('NATS not reachable at start is waited for, named in one line; SIGTERM meanwhile is a clean stop', async () => {
  const url = await logical.createDatabase('nonats');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'nonats');
  const port = await findFreePort();
  const result = runFor(
    8_000,
    'reader',
    '--config',
    config('nonats', url, '', `nats://127.0.0.1:${port}`),
    '--source',
    'shop',
  );
  assert.equal(result.status, 0, result.output);
  assert.equal(
    result.output.match(/waiting for NATS at nats:\/\/127\.0\.0\.1:\d+: reader shop starts once it answers/g)?.length,
    1,
    result.output,
  );
  assert.doesNotMatch(result.output, /^error: /m);
});

test('a malformed NATS URL is one line at once (the config check)', async () => {
  const url = await logical.createDatabase('badnatsurl');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'badnatsurl');
  assertOneLineError(
    run('reader', '--config', config('badnatsurl', url, '', 'nats://127.0.0.1:notaport'), '--source', 'shop'),
    /nats\.url: not a valid URL/,
  );
});

test('credentials in a NATS URL are used, and never printed', async () => {
  const url = await logical.createDatabase('natscreds');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'natscreds');
  const port = await findFreePort();
  const result = runFor(
    8_000,
    'reader',
    '--config',
    config('natscreds', url, '', `nats://alice:s3cret@127.0.0.1:${port}`),
    '--source',
    'shop',
  );
  assert.match(result.output, /waiting for NATS at nats:\/\/127\.0\.0\.1:\d+:/);
  assert.doesNotMatch(result.output, /s3cret/);
});

test('a NATS account without JetStream is refused with what to change', async () => {
  const url = await logical.createDatabase('nojetstream');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'nojetstream');
  // With accounts configured, JetStream is off for every account that does not enable it.
  const plain = await startNats({
    name: 'cli-nojs',
    configText: 'accounts { NOJS: { users: [{ user: nojs, password: nojs }] } }',
  });
  try {
    const file = config('nojetstream', url, '', plain.url.replace('nats://', 'nats://nojs:nojs@'));
    for (const args of [['reader', '--source', 'shop'], ['coordinator'], ['status']]) {
      const result = run(args[0], '--config', file, ...args.slice(1));
      assertOneLineError(result, /JetStream is not enabled .*start nats-server with -js/);
      assert.doesNotMatch(result.stderr, /nojs:nojs/, 'the password is not printed');
    }
    assert.equal(await slotsAndPublications(logical, 'nojetstream'), 0, 'nothing was created at the source');
  } finally {
    await plain.destroy();
  }
});

test('nats.replicas a single NATS server cannot hold is refused by every service before anything is created', async () => {
  const url = await logical.createDatabase('replicas');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'replicas');
  const destination = `destinations:\n  - name: replica\n    type: postgres\n    url: ${url}\n    sources: [shop]\n`;
  const file = config('replicas', url, destination, `${nats.url}\n  replicas: 3`);
  const streamsBefore = await streamNames();
  for (const args of [['reader', '--source', 'shop'], ['applier', '--destination', 'replica'], ['coordinator']]) {
    assertOneLineError(
      run(args[0], '--config', file, ...args.slice(1)),
      /nats\.replicas is 3 but the NATS server at 127\.0\.0\.1:\d+ is not part of a cluster, so (stream CDC_shop|KV bucket cdc_progress) cannot have 3 copies: run a JetStream cluster of at least 3 servers, or set nats\.replicas: 1$/,
    );
  }
  assert.deepEqual(await streamNames(), streamsBefore, 'no stream or KV bucket was created');
  assert.equal(await slotsAndPublications(logical, 'replicas'), 0, 'nothing was created at the source');
});

async function streamNames(): Promise<string[]> {
  const nc = await connect({ servers: nats.url });
  try {
    const names: string[] = [];
    for await (const name of (await jetstreamManager(nc)).streams.names()) names.push(name);
    return names.sort();
  } finally {
    await nc.close();
  }
}

// Missing privileges and objects owned by someone else: each is refused before anything is created.
function asRole(url: string, role: string): string {
  return url.replace('//postgres@', `//${role}@`);
}

test('a role without REPLICATION is refused with the statement that fixes it', async () => {
  const url = await logical.createDatabase('norepl');
  await logical.query(
    'CREATE ROLE cdc_norepl LOGIN; CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO cdc_norepl',
    [],
    'norepl',
  );
  assertOneLineError(
    run('reader', '--config', config('norepl', asRole(url, 'cdc_norepl')), '--source', 'shop'),
    /source shop: .*neither REPLICATION nor SUPERUSER: ALTER ROLE <role> WITH REPLICATION/,
  );
  assert.equal(await slotsAndPublications(logical, 'norepl'), 0);
});

test('a role without CREATE on the database cannot create the publication, and says so', async () => {
  const url = await logical.createDatabase('nocreate');
  await logical.query(
    'CREATE ROLE cdc_nocreate LOGIN REPLICATION; CREATE TABLE t (id int PRIMARY KEY); ALTER TABLE t OWNER TO cdc_nocreate',
    [],
    'nocreate',
  );
  assertOneLineError(
    run('reader', '--config', config('nocreate', asRole(url, 'cdc_nocreate')), '--source', 'shop'),
    /publication "cdc_shop" does not exist and the role lacks CREATE on the database to create it \(GRANT CREATE ON DATABASE/,
  );
  assert.equal(await slotsAndPublications(logical, 'nocreate'), 0);
});

test('a publication owned by another role that lacks a table is refused, and left as it was', async () => {
  const url = await logical.createDatabase('otherpub');
  await logical.query(
    `CREATE ROLE cdc_otherpub LOGIN REPLICATION;
     CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY);
     ALTER TABLE b OWNER TO cdc_otherpub; GRANT SELECT ON a TO cdc_otherpub;
     CREATE PUBLICATION cdc_shop FOR TABLE a`,
    [],
    'otherpub',
  );
  assertOneLineError(
    run('reader', '--config', config('otherpub', asRole(url, 'cdc_otherpub')), '--source', 'shop'),
    /publication "cdc_shop" is owned by another role and lacks public\.b; its owner must add them/,
  );
  const { rows } = await logical.query(
    `SELECT (SELECT count(*) FROM pg_publication_tables WHERE pubname = 'cdc_shop')::int AS tables,
            (SELECT count(*) FROM pg_replication_slots)::int AS slots`,
    [],
    'otherpub',
  );
  assert.deepEqual(rows[0], { tables: 1, slots: 0 });
});

test('a slot in use by another process is named with its pid, and the other process is not disturbed', async () => {
  const url = await logical.createDatabase('busyslot');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'busyslot');
  // Another process streams from the slot the reader would use.
  await logical.query('CREATE PUBLICATION cdc_shop FOR TABLE t', [], 'busyslot');
  await logical.query("SELECT pg_create_logical_replication_slot('cdc_shop', 'pgoutput')", [], 'busyslot');
  const holder = spawn(
    'pg_recvlogical',
    [
      '-d',
      url,
      '--slot',
      'cdc_shop',
      '--start',
      '-o',
      'proto_version=1',
      '-o',
      'publication_names=cdc_shop',
      '-f',
      '/dev/null',
    ],
    // pg_recvlogical comes with the postgresql package install.sh installs.
    { stdio: 'ignore' },
  );
  try {
    await until('pg_recvlogical to become active', async () => {
      const { rows } = await logical.query(
        `SELECT active_pid FROM pg_replication_slots WHERE slot_name = 'cdc_shop'`,
        [],
        'busyslot',
      );
      return Boolean(rows[0]?.active_pid);
    });
    assertOneLineError(
      run('reader', '--config', config('busyslot', url), '--source', 'shop'),
      /replication slot "cdc_shop" is in use by server process \d+ \(is another reader for this source running\?\)/,
    );
    assert.equal(holder.exitCode, null, 'the other process still streams');
  } finally {
    holder.kill('SIGTERM');
  }
});

// `cdc up` runs every service in one process: one that fails must not leave the others
// running as if all were well. Its line is printed at once, the others stop, and the process
// exits 1 (before, it sat there until SIGTERM and only then printed the line).
function assertUpFailed(result: ReturnType<typeof run>, pattern: RegExp): void {
  assert.equal(result.status, 1, `cdc up exits 1 by itself (status ${result.status}, stderr:\n${result.stderr})`);
  const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
  assert.equal(errorLines.length, 1, `one error line: ${errorLines.join(' | ')}`);
  assert.match(errorLines[0], pattern);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  assert.ok(result.seconds < 45, `exits promptly (${result.seconds} s)`);
  assertJsonLogLines(result.stderr);
}

/** Every other line is one JSON object holding each key once (nested loggers' bindings merge). */
function assertJsonLogLines(stderr: string): void {
  for (const line of stderr.split('\n')) {
    if (line === '' || line.startsWith('error: ')) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    // JSON.stringify writes each key once: a line with a repeated key comes back shorter.
    assert.equal(JSON.stringify(entry), line, `each key once: ${line}`);
  }
}

function destinationEntry(type: string, url: string): string {
  return `destinations:\n  - name: replica\n    type: ${type}\n    url: ${url}\n    sources: [shop]\n    create_tables: true\n`;
}

test('cdc up: a reader whose preflight fails stops the coordinator and applier too, and exits 1', async () => {
  const url = await logical.createDatabase('upnokey');
  const replica = await logical.createDatabase('upnokey_replica');
  // pgbench's tables: pgbench_history has no primary key.
  await logical.query(
    'CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, abalance int); CREATE TABLE pgbench_history (aid int, delta int)',
    [],
    'upnokey',
  );
  const file = config('upnokey', url, destinationEntry('postgres', replica));
  assertUpFailed(run('up', '--config', file), /public\.pgbench_history have no primary key/);
  const { rows } = await logical.query(
    `SELECT (SELECT count(*) FROM pg_replication_slots WHERE database = 'upnokey')
          + (SELECT count(*) FROM pg_publication) AS n`,
    [],
    'upnokey',
  );
  assert.equal(Number(rows[0].n), 0, 'nothing was created at the source');
});

test('a MariaDB destination that refuses the user: one line from cdc applier, and cdc up exits 1', async () => {
  const mariadb = await startMariadb({ name: 'cli-refused' });
  try {
    const url = await logical.createDatabase('uprefused');
    await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'uprefused');
    const refused = `mysql://nobody:wrong@127.0.0.1:${mariadb.port}/replica`;
    const file = config('uprefused', url, destinationEntry('mysql', refused));
    const applier = run('applier', '--config', file, '--destination', 'replica');
    assertOneLineError(applier, /destination replica: .*Access denied for user 'nobody'/);
    assert.doesNotMatch(applier.stderr, /wrong/, 'the password is not printed');
    assertUpFailed(run('up', '--config', file), /destination replica: .*Access denied for user 'nobody'/);
  } finally {
    await mariadb.destroy();
  }
});

test('cdc up: a reader that fails again and again after start keeps saying so, and /healthz fails', async () => {
  const url = await logical.createDatabase('uplater');
  const replica = await logical.createDatabase('uplater_replica');
  await logical.query('CREATE TABLE t (id int PRIMARY KEY)', [], 'uplater');
  // Slots are per server: this test's own, apart from the other tests' cdc_shop.
  const file = config(
    'uplater',
    url,
    `    slot: cdc_uplater\n    publication: cdc_uplater\n${destinationEntry('postgres', replica)}`,
  );
  const port = await findFreePort();
  const up = spawn(process.execPath, [BUNDLE, 'up', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CDC_HTTP_ADDR: `127.0.0.1:${port}` },
  });
  let stderr = '';
  up.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: response.status, text: await response.text() };
  };
  // A wait ends when cdc up exits; either way its message shows cdc up's stderr.
  const waitUntil = (what: string, condition: () => Promise<boolean>, timeoutMs: number) =>
    until(what, condition, {
      timeoutMs,
      intervalMs: 250,
      retryErrors: true,
      abort: () => {
        if (up.exitCode !== null) throw new Error(`cdc up exited ${up.exitCode}`);
      },
    }).catch((error: Error) => {
      throw new Error(`${error.message}; stderr:\n${stderr}`);
    });
  try {
    await waitUntil('the pipeline to be ready', async () => (await get('/readyz')).status === 200, 30_000);
    // /readyz can answer before the reader has registered (the applier and the coordinator come
    // first under cdc up): wait until the reader streams (its slot active) before the fault.
    await waitUntil(
      'the reader to stream',
      async () =>
        (
          await logical.query(
            `SELECT 1 FROM pg_replication_slots WHERE slot_name = 'cdc_uplater' AND active`,
            [],
            'uplater',
          )
        ).rows.length === 1,
      30_000,
    );
    // A fault every new streaming session meets again: the publication is gone.
    await logical.query('DROP PUBLICATION cdc_uplater', [], 'uplater');
    await logical.query(
      `SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'cdc_uplater'`,
      [],
      'uplater',
    );
    await logical.query('INSERT INTO t VALUES (1)', [], 'uplater');
    await waitUntil('/healthz to fail', async () => (await get('/healthz')).status === 503, 40_000);
    assert.match(
      (await get('/healthz')).text,
      /reader shop: stream: streaming has failed again and again for \d+ s: .*publication "cdc_uplater" does not exist/,
    );
    const failures = stderr.split('\n').filter((line) => line.includes('streaming stopped; reconnecting'));
    assert.ok(failures.length >= 5, `a line per failure (${failures.length})`);
    assertJsonLogLines(stderr.slice(0, stderr.lastIndexOf('\n') + 1));
  } finally {
    if (up.exitCode === null && up.signalCode === null) {
      const exited = new Promise((r) => up.once('exit', r));
      up.kill('SIGTERM');
      await exited;
    }
  }
});
