import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import {
  startNats,
  startPostgres,
  until,
  type NatsServer,
  type PostgresServer,
  type VitessRealCluster,
} from '@cdc/testenv';
import { gtidOrdinal, parseVgtid } from '@cdc/vitess-source';
import { BUNDLE, startVitessPipeline, waitForEqual, waitForLog, type VitessPipeline } from '@cdc/pipeline-fixture';
import {
  KEYSPACE,
  SEED_ROWS,
  TABLE,
  Workload,
  assertReplicated,
  auditedTwice,
  committedPosition,
  startUnderWorkload,
  logLines,
  onCluster,
  pipelineOn,
} from './reshard-fixture';

// MoveTables of the table `orders` from keyspace `customer` to keyspace `sales` while a reader
// streams `customer`, on the real multi-process cluster, under the write workload; the hand-over
// to a new source of `sales` as apps/reader-vitess/README.md ("MoveTables") documents it. On
// demand: npx nx run reader-vitess:test-cluster.

const TARGET = 'sales';

let nats: NatsServer;
let postgres: PostgresServer;

before(async () => {
  [nats, postgres] = await Promise.all([
    startNats({ name: 'vitess-movetables' }),
    startPostgres({ name: 'vitess-movetables-dest', logical: false }),
  ]);
});

after(async () => {
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

/** What SwitchTraffic wrote into `_vt.resharding_journal` of a source shard (README: how an operator reads it). */
interface SwitchJournal {
  /** The source shard's position at the switch (`local_position`). */
  readonly sourceShard: string;
  readonly localPosition: string;
  /** The target shards' positions at the switch (`shard_gtids`) as `cdc start-at --vgtid` takes them. */
  readonly targetPosition: string;
}

/** The journal of the last switch of `table`, read from each source shard's primary through vtctldclient. */
async function switchJournals(cluster: VitessRealCluster, keyspace: string, table: string): Promise<SwitchJournal[]> {
  const journals: SwitchJournal[] = [];
  for (const tablet of cluster.tablets(keyspace)) {
    const output = await cluster.vtctld([
      'ExecuteFetchAsDBA',
      '--json',
      tablet.alias,
      'SELECT val FROM _vt.resharding_journal ORDER BY id DESC',
    ]);
    const rows = (JSON.parse(output) as { rows?: string[][] }).rows ?? [];
    const val = rows.map((row) => row[0]).find((text) => text.includes(`tables:"${table}"`));
    assert.ok(val, `no journal of ${table} on ${keyspace}/${tablet.shard}: ${output.slice(0, 500)}`);
    const targets = [...val.matchAll(/shard_gtids:\{keyspace:"([^"]+)" shard:"([^"]+)" gtid:"([^"]+)"\}/g)];
    journals.push({
      sourceShard: tablet.shard,
      localPosition: /local_position:"([^"]+)"/.exec(val)?.[1] ?? '',
      targetPosition: targets.map(([, ks, shard, gtid]) => `${ks}/${shard}@${gtid}`).join(', '),
    });
  }
  return journals;
}

/** Until `cdc status` shows the source's committed position at or past the journal on every source shard. */
async function waitForCommittedPast(pipeline: VitessPipeline, journals: readonly SwitchJournal[]): Promise<string> {
  let position = '';
  await until(
    'cdc status to show a committed position past the switch journals',
    async () => {
      position = await committedPosition(pipeline);
      const shards = position === '' ? [] : (parseVgtid(position).shardGtids ?? []);
      return journals.every((journal) => {
        const shard = shards.find((candidate) => candidate.shard === journal.sourceShard);
        return shard !== undefined && gtidOrdinal(shard.gtid ?? '') >= gtidOrdinal(journal.localPosition);
      });
    },
    120_000,
    250,
  ).catch(() => {
    throw new Error(`cdc status still shows ${position}, not past ${JSON.stringify(journals)}`);
  });
  return position;
}

async function cdc(args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BUNDLE, ...args]);
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The MoveTables workflow `move` of orders from customer to sales, created and through its copy. */
async function ordersMovedAndCopied(cluster: VitessRealCluster) {
  const move = cluster.moveTables({
    workflow: 'move',
    sourceKeyspace: KEYSPACE,
    targetKeyspace: TARGET,
    tables: [TABLE],
  });
  await move.create();
  await move.waitForCopy(300_000);
  return move;
}

/**
 * The hand-over of README "MoveTables": orders moved from customer (on its cluster's shards) to sales
 * while a source reads customer, SwitchTraffic without reverse replication, a second source of
 * sales started at the journal's target position once the first is committed past the journal.
 */
async function handOverAtJournal(cluster: VitessRealCluster, name: string): Promise<void> {
  await cluster.createKeyspace(TARGET, { shards: ['0'] });
  const p = await pipelineOn(cluster, nats, postgres, `${name}customer`);
  const workload = new Workload(cluster, SEED_ROWS);
  let sales: VitessPipeline | undefined;
  try {
    const { reader } = await startUnderWorkload(p, workload, 180_000);
    const move = await ordersMovedAndCopied(cluster);
    // Without reverse replication: after the switch no write reaches customer.orders, so the
    // source reader's share of the table ends exactly at the journal.
    await move.switchTraffic({ reverseReplication: false });
    const journals = await switchJournals(cluster, KEYSPACE, TABLE);
    console.log(`# journal: ${JSON.stringify(journals)}`);
    assert.equal(new Set(journals.map((journal) => journal.targetPosition)).size, 1, 'one target position');
    await workload.progressed(30); // the workload goes on, now in sales

    // The hand-over (README): once the source's committed position is past the journal, a new
    // source of `sales` (destination schema customer: the same table) starts at the journal's target position.
    console.log(`# customer committed past the journal: ${await waitForCommittedPast(p, journals)}`);
    assert.doesNotMatch(reader.log(), /reshard journal/, 'vtgate passes no MoveTables journal to VStream');
    sales = await startVitessPipeline({
      name: `${name}sales`,
      cluster,
      nats,
      postgres,
      keyspace: TARGET,
      tables: [TABLE],
      destinationUrl: p.destinationUrl,
      destinationName: `pg_${name}sales`,
      destinationSchema: KEYSPACE,
    });
    const targetPosition = journals[0].targetPosition;
    const salesConfig = sales.configFile;
    const startAtJournal = () =>
      cdc(['start-at', '--config', salesConfig, '--source', `${name}sales`, '--vgtid', targetPosition]);
    const startAt = await startAtJournal();
    assert.equal(startAt.code, 0, startAt.output);
    assert.match(startAt.output, new RegExp(`source ${name}sales: its reader's first start streams from sales/0@`));
    // cdc status shows the recorded start until the new source has committed a position.
    const recorded = await cdc(['status', '--config', sales.configFile]);
    assert.equal(recorded.code, 0, recorded.output);
    assert.ok(
      recorded.output.includes(`starts at: ${targetPosition} (recorded by cdc start-at`),
      `cdc status shows the recorded start: ${recorded.output}`,
    );
    const first = sales.start('reader');
    sales.start('applier');
    sales.start('coordinator');
    await waitForLog(first, /nothing committed yet: starting from the recorded start position/, 60_000);
    assert.equal(logLines(first, /VStream starting/).length, 1);
    assert.ok(logLines(first, /VStream starting/)[0].includes(`"vgtid":"${targetPosition}"`));
    // kill -9 of the new source's reader after the switch: it resumes from its committed position.
    await workload.progressed(40);
    await sales.stop(first, 'SIGKILL');
    const second = sales.start('reader');
    await waitForLog(second, /VStream starting/, 60_000);
    const again = await startAtJournal();
    assert.equal(again.code, 1, 'start-at refused once the source has started');
    assert.match(
      again.output,
      new RegExp(`error: source ${name}sales (already has a committed position|has already started)`),
    );
    await workload.progressed(40);
    await workload.stop();
    await assertReplicated(sales, workload);

    // Complete drops the source table: the source reader logs the DDL and goes on; the
    // destination table stays and keeps following sales.
    await move.complete();
    await waitForLog(reader, /"ddl":"DROP TABLE `orders`/, 60_000);
    await sales.vtgate.query(
      `INSERT INTO ${TABLE} (id, version, note, amount) VALUES (?, 1, 'after Complete 🎉', 1)`,
      [10_000_000],
    );
    await waitForEqual(sales, [TABLE], 120_000);
    assert.deepEqual((await auditedTwice(p)).twice, [], 'row versions written more than once at the destination');
    await sleep(1000);
    assert.equal(reader.child.exitCode, null, 'the source reader is still running');
    assert.equal(second.child.exitCode, null, 'the target reader is still running');
  } finally {
    await workload.stop();
    await sales?.destroy();
    await p.destroy();
  }
}

test(
  'MoveTables customer.orders -> sales while the reader streams customer: the source reader sees no journal and the DROP at Complete; handed over at the journal to a source of sales, equal, nothing written twice',
  { timeout: 900_000 },
  async () => {
    await onCluster('movetables', (cluster) => handOverAtJournal(cluster, 'mt'));
  },
);

test(
  'MoveTables from two source shards (-80, 80-): one journal per shard, the same target position; handed over, equal, nothing written twice',
  { timeout: 900_000 },
  async () => {
    await onCluster('movetables-2', (cluster) => handOverAtJournal(cluster, 'mt2'), ['-80', '80-']);
  },
);

test(
  'MoveTables with reverse replication (the default) and only a reader of customer: it publishes the writes reverse-replicated into customer until Complete, none after',
  { timeout: 900_000 },
  async () => {
    await onCluster('movetables-reverse', async (cluster) => {
      await cluster.createKeyspace(TARGET, { shards: ['0'] });
      const p = await pipelineOn(cluster, nats, postgres, 'mtreverse');
      const workload = new Workload(cluster, SEED_ROWS);
      try {
        const { reader } = await startUnderWorkload(p, workload, 180_000);
        const move = await ordersMovedAndCopied(cluster);
        await move.switchTraffic();
        await workload.progressed(100); // written to sales, copied back into customer by the reverse workflow
        await workload.stop();
        // p.vtgate reads orders through the routing rules, from sales: the source reader alone kept up.
        await assertReplicated(p, workload);
        assert.doesNotMatch(reader.log(), /reshard journal/, 'vtgate passes no MoveTables journal to VStream');

        await move.complete();
        await waitForLog(reader, /"ddl":"DROP TABLE `orders`/, 60_000);
        const salesDb = await mysql.createConnection({ uri: cluster.mysqlUrl(TARGET) });
        try {
          await salesDb.query(
            `INSERT INTO ${TABLE} (id, version, note, amount) VALUES (?, 1, 'after Complete', 1)`,
            [10_000_000],
          );
        } finally {
          await salesDb.end();
        }
        await sleep(5000);
        const { rows } = await p.destination.query(`SELECT id FROM ${KEYSPACE}.${TABLE} WHERE id = 10000000`);
        assert.equal(rows.length, 0, 'a write after Complete reaches no reader of customer');
        assert.equal(reader.child.exitCode, null, 'the source reader is still running');
      } finally {
        await workload.stop();
        await p.destroy();
      }
    });
  },
);
