// Over 400 lines on purpose: one scenario (a keyspace resharded under a write workload, the reader killed at each step, the audit) that the reshard and MoveTables cluster tests all drive; its steps only make sense in order.
// Shared parts of the tests on a real multi-process Vitess cluster (tools/testenv's
// startVitessCluster): a keyspace `customer` on shard 0 ready to be resharded, a write workload
// through vtgate, and an audit trigger at the destination that proves nothing was written twice.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { startVitessCluster, until, type NatsServer, type PostgresServer, type VitessRealCluster } from '@cdc/testenv';
import {
  BUNDLE,
  startVitessPipeline,
  waitForEqual,
  waitForLog,
  type ServiceProcess,
  type VitessPipeline,
} from '@cdc/pipeline-fixture';

export const KEYSPACE = 'customer';
export const TABLE = 'orders';
/** Rows in the table before the reader starts: its copy phase has something to do. */
export const SEED_ROWS = 3000;

/** A reshard of keyspace `customer`: the shards it starts on and the shards it ends on. */
export interface Split {
  readonly from: readonly string[];
  readonly to: readonly string[];
}
export const ONE_TO_TWO: Split = { from: ['0'], to: ['-80', '80-'] };
export const TWO_TO_FOUR: Split = { from: ['-80', '80-'], to: ['-40', '40-80', '80-c0', 'c0-'] };

/** Shards as the reader's lines name them: `customer/-80, customer/80-` (sorted, as reshard.ts sorts them). */
function shardList(shards: readonly string[]): string {
  return shards
    .map((shard) => `${KEYSPACE}/${shard}`)
    .sort()
    .join(', ');
}

/** The reader's line at the reshard journal, on any of the old shards (journal events are requested: include_reshard_journal_events). */
export function journalLine(split: Split): RegExp {
  const on = split.from.map((shard) => `${KEYSPACE}/${shard}`).join('|');
  return new RegExp(
    `reshard journal of keyspace ${KEYSPACE} on (${on}): traffic moved from shards ${shardList(split.from)} to ${shardList(split.to)}`,
  );
}

/** The reader's line once its stream has moved to the new shards. */
export function passedLine(split: Split): RegExp {
  return new RegExp(
    `passed a reshard of keyspace ${KEYSPACE}: streaming shards ${shardList(split.to)} \\(was ${shardList(split.from)}\\)`,
  );
}

export const JOURNAL = journalLine(ONE_TO_TWO);
export const PASSED = passedLine(ONE_TO_TWO);

/** The shards a VGtid as the reader logs it (`customer/-80@MariaDB/0-1-5, customer/80-@...`) names, sorted. */
export function shardsNamed(vgtid: string): string[] {
  return [...vgtid.matchAll(/(?:^|, )([^/@, ]+)\/([^@, ]+)@/g)].map((match) => match[2]).sort();
}

/** Sharded by a hash of `id` from the start, so the keyspace on shard 0 can be resharded as it is. */
export const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: { [TABLE]: { column_vindexes: [{ column: 'id', name: 'hash' }] } },
};

/** A statement stuck longer (a row lock held by a transaction a switch left open) fails and the workload goes on. */
const QUERY_TIMEOUT_MS = 5000;

/** 4-byte UTF-8 (emoji, a CJK extension B character) next to 2- and 3-byte ones: utf8mb3 would reject them. */
const NOTES = ['emoji 😀', 'party 🎉 ü', '𠜎 ext-B', 'plain', 'mixed é ✓ 🚀', "quote ' 🧪"];

/** The keyspace `customer` on `shards`, its table, and `rows` rows. */
export async function createCustomerKeyspace(
  cluster: VitessRealCluster,
  rows: number,
  shards: readonly string[] = ONE_TO_TWO.from,
): Promise<void> {
  await cluster.createKeyspace(KEYSPACE, { shards, vschema: VSCHEMA });
  const db = await mysql.createConnection({ uri: cluster.mysqlUrl(KEYSPACE) });
  try {
    await db.query(
      `CREATE TABLE ${TABLE} (id BIGINT NOT NULL PRIMARY KEY, version INT NOT NULL, note VARCHAR(64), amount DECIMAL(12,2) NOT NULL)`,
    );
    for (let start = 1; start <= rows; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, rows - start + 1) }, (_, k) => start + k);
      await db.query(
        `INSERT INTO ${TABLE} (id, version, note, amount) VALUES ${ids.map(() => '(?, 1, ?, ?)').join(', ')}`,
        ids.flatMap((id) => [id, NOTES[id % NOTES.length], `${id}.25`]),
      );
    }
  } finally {
    await db.end();
  }
}

/**
 * The destination table created by the test (the applier uses it as it is) with an audit trigger:
 * every row version the applier writes is recorded, and each version of a row (each source
 * change bumps `version`) must be written at most once, each delete done at most once.
 */
export async function createAuditedDestination(pipeline: VitessPipeline): Promise<void> {
  await pipeline.destination.query(`
    CREATE SCHEMA IF NOT EXISTS ${KEYSPACE};
    CREATE TABLE ${KEYSPACE}.${TABLE} (id bigint PRIMARY KEY, version integer NOT NULL, note varchar(64), amount numeric(12,2) NOT NULL);
    CREATE TABLE ${KEYSPACE}.audit (id bigint NOT NULL, version integer NOT NULL, op text NOT NULL);
    CREATE FUNCTION ${KEYSPACE}.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN INSERT INTO ${KEYSPACE}.audit VALUES (OLD.id, OLD.version, TG_OP);
        ELSE INSERT INTO ${KEYSPACE}.audit VALUES (NEW.id, NEW.version, TG_OP); END IF;
        RETURN NULL;
      END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON ${KEYSPACE}.${TABLE}
      FOR EACH ROW EXECUTE FUNCTION ${KEYSPACE}.audit_row();
  `);
}

/** Row versions (or deletes) the destination got more than once, and how many writes it audited. */
export async function auditedTwice(pipeline: VitessPipeline): Promise<{ twice: string[]; writes: number }> {
  const { rows } = await pipeline.destination.query<{ id: string; version: string; op: string; n: string }>(
    `SELECT id, version, CASE op WHEN 'DELETE' THEN 'DELETE' ELSE 'WRITE' END AS op, count(*) AS n
       FROM ${KEYSPACE}.audit GROUP BY 1, 2, 3 HAVING count(*) > 1 ORDER BY 1 LIMIT 10`,
  );
  const { rows: total } = await pipeline.destination.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${KEYSPACE}.audit`,
  );
  return {
    twice: rows.map((row) => `id ${row.id} version ${row.version} ${row.op} x${row.n}`),
    writes: Number(total[0].n),
  };
}

export function pipelineOn(
  cluster: VitessRealCluster,
  nats: NatsServer,
  postgres: PostgresServer,
  name: string,
  extra: { sourceExtra?: string; destinationUrl?: string; destinationName?: string } = {},
): Promise<VitessPipeline> {
  return startVitessPipeline({
    name,
    cluster,
    nats,
    postgres,
    keyspace: KEYSPACE,
    tables: [TABLE],
    ...extra,
  });
}

/**
 * Inserts, updates (each bumps `version`), deletes and multi-statement transactions through
 * vtgate, one at a time, until stopped. A statement that fails (a shard switching primaries) is
 * counted and the workload goes on: the comparison is against what the source holds, not a model.
 */
export class Workload {
  committed = 0;
  failed = 0;
  lastError = '';
  private stopping = false;
  private readonly live: number[] = [];
  private nextId: number;
  private seed: number;
  private running: Promise<void> | undefined;
  private readonly pool: mysql.Pool;

  constructor(cluster: VitessRealCluster, existingRows: number, seed = 17) {
    this.pool = mysql.createPool({ uri: cluster.mysqlUrl(KEYSPACE), connectionLimit: 4 });
    this.pool.on('connection', (connection) => connection.on('error', () => undefined));
    for (let id = 1; id <= existingRows; id += 1) this.live.push(id);
    this.nextId = existingRows + 1;
    this.seed = seed;
  }

  /** Two writers: one stuck on a row lock (a transaction a switch left open) does not stop the workload. */
  start(): void {
    this.running = Promise.all([this.loop(), this.loop()]).then(() => undefined);
  }

  /** Until `count` more operations have committed (the workload goes on after a switch or a Complete). */
  async progressed(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.committed + count;
    await until(`${count} more committed operations`, () => this.committed >= target, timeoutMs).catch(() => {
      throw new Error(
        `the workload committed ${this.committed - target + count} of ${count} operations in ${timeoutMs} ms: ${this.lastError}`,
      );
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
    await this.pool.end().catch(() => undefined);
  }

  private random(): number {
    // mulberry32: the same seed gives the same sequence of operations.
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private pick(): number {
    return this.live[Math.floor(this.random() * this.live.length)] ?? 1;
  }

  private note(): string {
    return NOTES[Math.floor(this.random() * NOTES.length)];
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.step();
        this.committed += 1;
      } catch (error) {
        this.failed += 1;
        this.lastError = (error as Error).message;
        await sleep(100);
      }
      await sleep(3);
    }
  }

  private async step(): Promise<void> {
    const r = this.random();
    if (r < 0.35) {
      const id = this.nextId++;
      await run(this.pool, `INSERT INTO ${TABLE} (id, version, note, amount) VALUES (?, 1, ?, 1.50)`, [
        id,
        this.note(),
      ]);
      this.live.push(id);
    } else if (r < 0.7) {
      await run(this.pool, `UPDATE ${TABLE} SET version = version + 1, note = ?, amount = amount + 1 WHERE id = ?`, [
        this.note(),
        this.pick(),
      ]);
    } else if (r < 0.8) {
      const index = Math.floor(this.random() * this.live.length);
      const id = this.live[index];
      if (id === undefined) return;
      await run(this.pool, `DELETE FROM ${TABLE} WHERE id = ?`, [id]);
      this.live[index] = this.live[this.live.length - 1];
      this.live.pop();
    } else {
      await this.transaction();
    }
  }

  /** Several statements over several rows (and so, after the reshard, often both shards) in one transaction. */
  private async transaction(): Promise<void> {
    const connection = await this.pool.getConnection();
    let clean = false;
    try {
      await run(connection, 'BEGIN');
      const inserted = [this.nextId++, this.nextId++];
      for (const id of inserted) {
        await run(connection, `INSERT INTO ${TABLE} (id, version, note, amount) VALUES (?, 1, ?, 2.00)`, [
          id,
          this.note(),
        ]);
      }
      for (const id of [this.pick(), this.pick(), inserted[0]]) {
        await run(connection, `UPDATE ${TABLE} SET version = version + 1, note = ?, amount = amount * 2 WHERE id = ?`, [
          this.note(),
          id,
        ]);
      }
      const index = Math.floor(this.random() * this.live.length);
      const deleted = this.live[index];
      if (deleted !== undefined) await run(connection, `DELETE FROM ${TABLE} WHERE id = ?`, [deleted]);
      await run(connection, 'COMMIT');
      clean = true;
      this.live.push(...inserted);
      if (deleted !== undefined) {
        this.live[index] = this.live[this.live.length - 1];
        this.live.pop();
      }
    } finally {
      if (clean) connection.release();
      else connection.destroy(); // a failed transaction's session is not reused
    }
  }
}

/** A statement with the workload's timeout. */
async function run(on: mysql.Pool | mysql.PoolConnection, sql: string, values: unknown[] = []): Promise<void> {
  await on.query({ sql, values, timeout: QUERY_TIMEOUT_MS });
}

/** Resolves when the service exits, with its exit code; fails after `timeoutMs`. */
export async function exitOf(service: ServiceProcess, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${service.kind} still running after ${timeoutMs} ms: ${service.log().slice(-3000)}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([service.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The log lines (JSON lines and the CLI's own `error:` lines) that match. */
export function logLines(service: ServiceProcess, pattern: RegExp): string[] {
  return service
    .log()
    .split('\n')
    .filter((line) => pattern.test(line));
}

/**
 * A fresh cluster with keyspace `customer` (on `shards`, SEED_ROWS rows) for the test's body,
 * destroyed after it (a completed reshard deletes the old shards: each test starts from its own cluster).
 */
export async function onCluster(
  name: string,
  body: (cluster: VitessRealCluster) => Promise<void>,
  shards: readonly string[] = ONE_TO_TWO.from,
): Promise<void> {
  const started = Date.now();
  const cluster = await startVitessCluster({ name });
  try {
    await createCustomerKeyspace(cluster, SEED_ROWS, shards);
    await body(cluster);
  } finally {
    await cluster.destroy();
    console.log(`# ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s with the cluster's start and stop`);
  }
}

/** The reshard `split` (default: shard 0 into -80 and 80-) created: its streams copy the table. */
export async function reshardCreated(cluster: VitessRealCluster, split: Split = ONE_TO_TWO) {
  await cluster.addShards(KEYSPACE, split.to);
  const reshard = cluster.reshard({
    keyspace: KEYSPACE,
    workflow: 'split',
    sourceShards: split.from,
    targetShards: split.to,
  });
  await reshard.create();
  return reshard;
}

export async function waitForAnyLog(
  services: readonly ServiceProcess[],
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  await until(
    `a reader to log ${pattern}`,
    () => services.some((service) => pattern.test(service.log())),
    timeoutMs,
  ).catch(() => {
    throw new Error(`no reader logged ${pattern} in ${timeoutMs} ms: ${services.at(-1)?.log().slice(-3000)}`);
  });
}

/** Destination equal to the source row by row, and no row version written twice. */
export async function assertReplicated(pipeline: VitessPipeline, workload: Workload): Promise<void> {
  await waitForEqual(pipeline, [TABLE], 180_000);
  const audit = await auditedTwice(pipeline);
  assert.deepEqual(audit.twice, [], 'row versions written more than once at the destination');
  assert.ok(audit.writes > SEED_ROWS, `only ${audit.writes} audited writes`);
  assert.ok(workload.committed > 100, `the workload committed only ${workload.committed} operations`);
  console.log(
    `# workload: ${workload.committed} committed, ${workload.failed} failed (${workload.lastError}); ${audit.writes} audited writes`,
  );
}

/** The source's committed position as `cdc status --json` shows it (what operators check before Complete). */
export async function committedPosition(pipeline: VitessPipeline): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    BUNDLE,
    'status',
    '--config',
    pipeline.configFile,
    '--json',
  ]);
  const statuses = JSON.parse(stdout) as { source: string; committedPosition: string | null }[];
  return statuses.find((status) => status.source === pipeline.name)?.committedPosition ?? '';
}

/**
 * Until `cdc status` shows a committed position on the new shards only: the check the README asks
 * operators to make before Complete (a reader restarted from there no longer needs the old shards).
 */
export async function waitForCommittedOnNewShards(
  pipeline: VitessPipeline,
  timeoutMs = 60_000,
  split: Split = ONE_TO_TWO,
): Promise<string> {
  let position = '';
  await until(
    'cdc status to show a committed position on the new shards only',
    async () => {
      position = await committedPosition(pipeline);
      return shardsNamed(position).join(' ') === [...split.to].sort().join(' ');
    },
    timeoutMs,
    250,
  ).catch(() => {
    throw new Error(`cdc status still shows ${position} after ${timeoutMs} ms`);
  });
  return position;
}

/** The VGtid a reader resumed from (its `resuming from the committed VGtid` line), as text. */
export function resumedFrom(reader: ServiceProcess): string {
  const line = logLines(reader, /resuming from the committed VGtid/)[0] ?? '';
  return /"vgtid":"([^"]*)"/.exec(line)?.[1] ?? '';
}

/**
 * How every cluster scenario starts: the audited destination, the pipeline's reader, applier and
 * coordinator, the reader through its copy phase, then the write workload.
 */
export async function startUnderWorkload(
  pipeline: VitessPipeline,
  workload: Workload,
  copyTimeoutMs: number,
): Promise<{ reader: ServiceProcess; applier: ServiceProcess; coordinator: ServiceProcess }> {
  await createAuditedDestination(pipeline);
  const reader = pipeline.start('reader');
  const applier = pipeline.start('applier');
  const coordinator = pipeline.start('coordinator');
  await waitForLog(reader, /copy phase complete/, copyTimeoutMs);
  workload.start();
  return { reader, applier, coordinator };
}

/**
 * A reshard (`split`) under the write workload, with the reader killed -9 three times: while the
 * workflow copies into the new shards; frozen (SIGSTOP) across SwitchTraffic, then killed, so
 * the next reader resumes on the old shards and must read the journal itself; and once it has
 * passed, so the next one resumes on the new shards. Complete comes in the safe order (README:
 * `cdc status` shows the committed position on the new shards only); then the destination must
 * equal the source row by row with no row version written twice.
 */
export async function reshardWithKills(
  cluster: VitessRealCluster,
  nats: NatsServer,
  postgres: PostgresServer,
  name: string,
  split: Split,
): Promise<void> {
  const p = await pipelineOn(cluster, nats, postgres, name);
  const workload = new Workload(cluster, SEED_ROWS);
  try {
    const { reader: first } = await startUnderWorkload(p, workload, 180_000);
    const reshard = await reshardCreated(cluster, split);
    // kill -9 while the workflow copies into the new shards.
    await p.stop(first, 'SIGKILL');
    const second = p.start('reader');
    await reshard.waitForCopy(300_000);
    await waitForLog(second, /VStream starting/, 60_000);
    await sleep(1000);

    // The switch while the reader is frozen, then kill -9: it never saw the journal, so the
    // committed VGtid is on the old shards and the next reader must read the journal itself.
    second.child.kill('SIGSTOP');
    await reshard.switchTraffic();
    await sleep(1000);
    await p.stop(second, 'SIGKILL');
    assert.doesNotMatch(second.log(), journalLine(split));
    const third = p.start('reader');
    await waitForLog(third, passedLine(split), 180_000);
    // Each old shard sends its own journal; vtgate moves the stream once it has them all.
    const journalsOn = logLines(third, journalLine(split)).map((line) => /on customer\/([^:]+):/.exec(line)?.[1]);
    assert.deepEqual([...new Set(journalsOn)].sort(), [...split.from].sort(), 'a journal line for every old shard');
    assert.deepEqual(
      shardsNamed(resumedFrom(third)),
      [...split.from].sort(),
      'the third reader resumed on the old shards',
    );

    // kill -9 once it has passed the switch: the next reader resumes on the new shards.
    await workload.progressed(20); // writes to the new shards, streamed by the third reader
    await sleep(2000);
    await p.stop(third, 'SIGKILL');
    const fourth = p.start('reader');
    await waitForLog(fourth, /VStream starting/, 60_000);
    assert.deepEqual(
      shardsNamed(resumedFrom(fourth)),
      [...split.to].sort(),
      'the fourth reader resumed on the new shards',
    );

    // The safe order (README): Complete once `cdc status` shows the committed position on the new shards.
    console.log(`# committed before Complete: ${await waitForCommittedOnNewShards(p, 120_000, split)}`);
    await reshard.complete();
    await cluster.removeShardTablets(KEYSPACE, split.from);
    await workload.progressed(20);
    await workload.stop();
    await assertReplicated(p, workload);
    assert.equal(fourth.child.exitCode, null, 'the last reader is still running');
  } finally {
    await workload.stop();
    await p.destroy();
  }
}
