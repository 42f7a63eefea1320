import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { loadConfig } from '@cdc/config';
import { runVerify } from '@cdc/verify';
import { connect } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { jetstreamManager } from '@nats-io/jetstream';
import { HEADER_KIND, decodeBatch, expandRows, type ChangeOp } from '@cdc/change-envelope';
import {
  startNats,
  startPostgres,
  startVitess,
  until,
  type NatsServer,
  type PostgresServer,
  type VitessCluster,
} from '@cdc/testenv';
import { createTable, startVitessPipeline, waitForEqual, waitForLog, type VitessPipeline } from '@cdc/pipeline-fixture';

// Row filters on a Vitess source (issue 19): Vitess (vttestserver) → reader → JetStream →
// applier → Postgres, the services as real processes of dist/cdc.cjs.
let cluster: VitessCluster;
let nats: NatsServer;
let postgres: PostgresServer;
let pipeline: VitessPipeline | undefined;
let changing: VitessPipeline | undefined;
const RUN = `r${Date.now().toString(36)}`;
const PARTITIONS = 4; // the fixture's

before(async () => {
  [cluster, nats, postgres] = await Promise.all([
    startVitess(),
    startNats({ name: 'vitess-filters' }),
    startPostgres({ name: 'vitess-filters-dest', logical: false }),
  ]);
});

after(async () => {
  await pipeline?.destroy();
  await changing?.destroy();
  await Promise.all([nats?.destroy(), postgres?.destroy()]);
});

/** Every op of a table the reader published, snapshot chunks expanded to rows. */
async function streamedOps(name: string, keyspace: string, table: string): Promise<ChangeOp[]> {
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    const ops: ChangeOp[] = [];
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      for (let seq = 1; ;) {
        const message = await jsm.direct.getMessage(`CDC_${name}`, { seq, next_by_subj: `cdc.${name}.${partition}` });
        if (!message) break;
        if (message.header?.get(HEADER_KIND) !== 'watermark') {
          for (const op of decodeBatch(message.data).ops) {
            if (op.kind !== 'ddl' && op.table.schema === keyspace && op.table.table === table)
              ops.push(...expandRows(op));
          }
        }
        seq = message.seq + 1;
      }
    }
    return ops;
  } finally {
    await nc.close();
  }
}

const idOf = (op: ChangeOp): string | undefined => {
  const row = op.after ?? op.before;
  const value = row?.[0] ?? op.key[0];
  return value && 'value' in value ? String(value.value) : undefined;
};

test('a Vitess source with row filters: pushed into VStream (copy and stream), the rest in the reader; moves in and out, deletes', async () => {
  const keyspace = 'sharded';
  const orders = `${RUN}_rf_orders`;
  const events = `${RUN}_rf_events`;
  // orders: all of it VStream's; events: IN pushed down, LIKE (under the column's _ci collation) the reader's.
  const filters: Record<string, string> = {
    [orders]: "region = 'eu' AND NOT deleted",
    [events]: "region IN ('eu', 'us') AND note LIKE 'keep%'",
  };
  pipeline = await startVitessPipeline({
    name: `filters_${RUN}`,
    cluster,
    nats,
    postgres,
    keyspace,
    tables: [`${RUN}_rf_*`],
    sourceExtra: `    filters:\n${Object.entries(filters)
      .map(([table, filter]) => `      ${table}: ${JSON.stringify(filter)}\n`)
      .join('')}`,
  });
  const p = pipeline;
  const q = (sql: string, values: unknown[] = []) => p.vtgate.query(sql, values);
  await createTable(
    p,
    true,
    orders,
    'id BIGINT NOT NULL PRIMARY KEY, region VARCHAR(8), deleted TINYINT(1) NOT NULL DEFAULT 0, note VARCHAR(40)',
  );
  await createTable(
    p,
    true,
    events,
    'id BIGINT NOT NULL PRIMARY KEY, region VARCHAR(8), note VARCHAR(40) COLLATE utf8mb4_general_ci',
  );
  const o = mysql.escapeId(orders);
  const e = mysql.escapeId(events);

  // Before the reader starts (the copy): orders 1..20 alternate eu / us, every 4th deleted;
  // 100..139 are 'us' and never enter the filter.
  const orderRows = Array.from({ length: 20 }, (_, i) => [
    i + 1,
    i % 2 === 1 ? 'eu' : 'us',
    (i + 1) % 4 === 0 ? 1 : 0,
    'copied',
  ]);
  orderRows.push(...Array.from({ length: 40 }, (_, i) => [100 + i, 'us', 0, 'never']));
  await q(`INSERT INTO ${o} (id, region, deleted, note) VALUES ?`, [orderRows]);
  await q(`INSERT INTO ${e} (id, region, note) VALUES ?`, [
    [
      [1, 'eu', 'keep this'],
      [2, 'us', 'KEEP this too'],
      [3, 'eu', 'drop'],
      [4, 'asia', 'keep'],
      [5, 'eu', 'kéep accents'],
      [6, 'us', null],
    ],
  ]);

  // The reader alone first: the stream keeps every message until the applier acks it (interest
  // retention), so what the reader published through the copy and the changes can be read back.
  const reader = p.start('reader');
  // The VStream rules in place: the reader logs the plan it asked vtgate for.
  await waitForLog(reader, /row filters: pushed down/);
  const plan = reader.log();
  assert.match(plan, new RegExp(`select \\* from \`${orders}\` where \`region\` = 'eu' and \`deleted\` = 0`));
  assert.match(plan, new RegExp(`select \\* from \`${events}\` where \`region\` in \\('eu', 'us'\\)`));
  await waitForLog(reader, /copy phase complete/);
  // The rows VStream sent in the copy (counted before the reader's own filter): only those its
  // rule matches, 5 of the 60 orders and 5 of the 6 events (the reader then keeps 3 of those).
  const copied = reader
    .log()
    .split('\n')
    .filter((line) => line.includes('copy phase complete'))
    .map((line) => (JSON.parse(line) as { tables: Record<string, number> }).tables)[0];
  assert.deepEqual(copied, { [orders]: 5, [events]: 5 });

  // While streaming: inserts in and out, updates moving rows in, out and within, deletes.
  await q(
    `INSERT INTO ${o} (id, region, deleted, note) VALUES (21, 'eu', 0, 'new in'), (22, 'us', 0, 'new out'), (23, 'eu', 1, 'new deleted')`,
  );
  await q(`UPDATE ${o} SET region = 'eu' WHERE id IN (1, 3)`); // into the filter
  await q(`UPDATE ${o} SET region = 'us' WHERE id IN (2, 6)`); // out of it
  await q(`UPDATE ${o} SET deleted = 1 WHERE id = 10`); // out, by the other column
  await q(`UPDATE ${o} SET deleted = 0 WHERE id = 8`); // in, by the other column
  await q(`UPDATE ${o} SET note = 'changed inside' WHERE id = 14`); // within
  await q(`UPDATE ${o} SET note = 'changed outside' WHERE id >= 100`); // outside, stays outside
  await q(`DELETE FROM ${o} WHERE id IN (18, 5, 120)`); // one inside, two outside
  await q(`INSERT INTO ${e} (id, region, note) VALUES (7, 'us', 'Keep new'), (8, 'eu', 'nope')`);
  await q(`UPDATE ${e} SET note = 'dropped now' WHERE id = 1`); // out, by the reader's half
  await q(`UPDATE ${e} SET note = 'keep it now' WHERE id = 3`); // in, by the reader's half
  await q(`UPDATE ${e} SET region = 'asia' WHERE id = 2`); // out, by VStream's half
  await q(`UPDATE ${e} SET region = 'us' WHERE id = 4`); // in, by VStream's half
  await q(`DELETE FROM ${e} WHERE id IN (5, 6)`);
  // Each table's last change that passes its filter, then what the stream holds.
  const deadline = Date.now() + 60_000;
  let orderOps: ChangeOp[] = [];
  let eventOps: ChangeOp[] = [];
  const published = (ops: ChangeOp[], id: string) => ops.some((op) => op.kind === 'delete' && idOf(op) === id);
  while (!(published(orderOps, '18') && published(eventOps, '5'))) {
    if (Date.now() > deadline)
      throw new Error(`the last changes were not published in 60 s: ${reader.log().slice(-2000)}`);
    await new Promise((done) => setTimeout(done, 250));
    orderOps = await streamedOps(p.name, keyspace, orders);
    eventOps = await streamedOps(p.name, keyspace, events);
  }

  // What reached JetStream for orders: never a row outside the filter, the moves as inserts and deletes.
  const leaked = orderOps.filter((op) => Number(idOf(op)) >= 100 || ['22', '23'].includes(idOf(op) ?? ''));
  assert.deepEqual(
    leaked.map((op) => `${op.kind} ${idOf(op)}`),
    [],
  );
  const kindsOf = (ops: ChangeOp[], id: string) => ops.filter((op) => idOf(op) === id).map((op) => op.kind);
  assert.deepEqual(kindsOf(orderOps, '1'), ['insert'], 'row 1 entered the filter: an insert');
  assert.deepEqual(kindsOf(orderOps, '2'), ['snapshot-row', 'delete'], 'row 2 left it: a delete');
  assert.deepEqual(kindsOf(orderOps, '10'), ['snapshot-row', 'delete']);
  assert.deepEqual(kindsOf(orderOps, '8'), ['insert']);
  assert.deepEqual(kindsOf(orderOps, '14'), ['snapshot-row', 'update']);
  assert.deepEqual(kindsOf(orderOps, '5'), [], 'a row outside the filter: not even its delete');
  assert.deepEqual(kindsOf(orderOps, '18'), ['snapshot-row', 'delete']);
  console.log(`orders: ${orderOps.length} ops in the stream, ${orderRows.length + 3} rows written`);

  // events: the reader's half turns its moves the same way.
  assert.deepEqual(kindsOf(eventOps, '1'), ['snapshot-row', 'delete']);
  assert.deepEqual(kindsOf(eventOps, '3'), ['insert']);
  assert.deepEqual(kindsOf(eventOps, '2'), ['snapshot-row', 'delete']);
  assert.deepEqual(kindsOf(eventOps, '4'), ['insert']);
  assert.deepEqual(kindsOf(eventOps, '8'), []);
  assert.deepEqual(kindsOf(eventOps, '6'), []);
  // 'kéep' matches 'keep%' under utf8mb4_general_ci, as MySQL's own WHERE (waitForEqual) says.
  assert.deepEqual(kindsOf(eventOps, '5'), ['snapshot-row', 'delete']);

  // The destination, once the applier has drained it, equals what MySQL's own WHERE returns.
  p.start('applier');
  p.start('coordinator');
  await waitForEqual(p, [orders, events], 120_000, filters);

  // cdc verify compares the rows the filters select on both sides: the source chunks read through
  // vtgate with the filter as MySQL SQL (events: its LIKE, the reader's half, under general_ci).
  const verify = async () =>
    (await runVerify({ config: loadConfig(p.configFile), chunkRows: 4, parallelism: 2 })).tables.filter((t) =>
      [orders, events].some((table) => t.table === `${keyspace}.${table}`),
    );
  const equal = await verify();
  // The row counts MySQL's own WHERE gives (the filters are written in the syntax both share).
  const countOf = async (table: string) => {
    const [rows] = await p.vtgate.query<mysql.RowDataPacket[]>(
      `SELECT count(*) AS n FROM ${mysql.escapeId(table)} WHERE ${filters[table]}`,
    );
    return Number(rows[0].n);
  };
  assert.deepEqual(
    equal.map((t) => [t.table, t.status, t.rows]),
    [
      [`${keyspace}.${events}`, 'equal', await countOf(events)],
      [`${keyspace}.${orders}`, 'equal', await countOf(orders)],
    ],
    JSON.stringify(equal),
  );
  assert.ok(equal[1].notes.includes(`source rows matching ${JSON.stringify(filters[orders])} (filters)`));
  // Behind the pipeline's back: a row inside the filter deleted, one outside it (100, 'us') added.
  const target = `${keyspace}.${pg.escapeIdentifier(orders)}`;
  await p.destination.query(`INSERT INTO ${target} SELECT 100, region, deleted, note FROM ${target} WHERE id = 14`);
  await p.destination.query(`DELETE FROM ${target} WHERE id = 14`);
  const tampered = (await verify()).find((t) => t.table === `${keyspace}.${orders}`)!;
  assert.equal(tampered.status, 'different');
  assert.deepEqual(tampered.differences.map((d) => `${d.kind} ${d.key.join(',')}`).sort(), ['extra 100', 'missing 14']);
});

test('a Vitess filter changed while the reader is stopped: the table emptied and copied again through the new filter while changes stream; the same filter written otherwise is no change', async () => {
  const keyspace = 'sharded';
  const table = `${RUN}_fc_orders`;
  const name = `fchange_${RUN}`;
  const extra = (filter: string) => `    filters:\n      ${table}: ${JSON.stringify(filter)}\n`;
  const first = "region = 'eu'";
  const second = "region IN ('eu', 'us') AND id <> 10";
  changing = await startVitessPipeline({
    name,
    cluster,
    nats,
    postgres,
    keyspace,
    tables: [table],
    sourceExtra: extra(first),
  });
  const p = changing;
  await createTable(p, true, table, 'id BIGINT NOT NULL PRIMARY KEY, region VARCHAR(8)');
  const t = mysql.escapeId(table);
  const rows = Array.from({ length: 40 }, (_, i) => [i + 1, ['eu', 'us', 'asia'][i % 3]]);
  await p.vtgate.query(`INSERT INTO ${t} (id, region) VALUES ?`, [rows]);
  const nc = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).open('cdc_progress');
    type Record = { backfill?: { [table: string]: { copiedBeforeSeq?: number } } };
    const filterRecord = async () => (await kv.get(`filters.${name}`))?.json<Record>();
    const committedSeq = async () => {
      const entry = await kv.get(`committed.${name}`);
      return entry?.operation === 'PUT' ? entry.json<{ seq: number }>().seq : 0;
    };
    let reader = p.start('reader');
    let applier = p.start('applier');
    let coordinator = p.start('coordinator');
    await waitForEqual(p, [table], 120_000, { [table]: first });
    await until('a committed position', async () => (await committedSeq()) > 0, 30_000);
    for (const service of [reader, applier, coordinator]) assert.equal(await p.stop(service, 'SIGTERM'), 0);

    // Another filter, and writes while the reader is stopped: at start the reader says so, the
    // destination table is emptied and copied again through the new filter: rows it no longer
    // matches leave (10), rows it now matches arrive ('us'), changes stream on meanwhile and after.
    await p.vtgate.query(`UPDATE ${t} SET region = 'us' WHERE id IN (1, 4)`);
    await p.vtgate.query(`INSERT INTO ${t} (id, region) VALUES (41, 'us'), (42, 'asia')`);
    p.setSourceExtra(extra(second));
    // First with no applier: the copy ends, but no committed watermark passes it, so a restart
    // copies the table again (from its first row, after a new truncate).
    reader = p.start('reader');
    await waitForLog(reader, /copied again through their changed filters/);
    assert.match(
      reader.log(),
      new RegExp(
        `row filter of ${keyspace}\\.${table} changed \\(was \\\\"region = 'eu'\\\\", now \\\\"region IN \\('eu', 'us'\\) AND id <> 10\\\\"\\): the destination table is emptied and copied again`,
      ),
    );
    assert.equal(await p.stop(reader, 'SIGTERM'), 0);
    reader = p.start('reader');
    await waitForLog(reader, /truncate published, copying it again through its filter/);
    assert.doesNotMatch(reader.log(), /row filter of .* changed/, 'the change is recorded: only the copy is pending');
    applier = p.start('applier');
    coordinator = p.start('coordinator');
    await p.vtgate.query(`UPDATE ${t} SET region = 'asia' WHERE id = 7`); // out of the new filter
    await p.vtgate.query(`INSERT INTO ${t} (id, region) VALUES (43, 'eu'), (44, 'asia')`);
    await waitForEqual(p, [table], 120_000, { [table]: second });
    // The copy's end is recorded; once the committed watermark is past it, the next start is done with it.
    await until(
      'the copy recorded and committed past',
      async () => {
        const seq = (await filterRecord())?.backfill?.[table]?.copiedBeforeSeq;
        return seq !== undefined && (await committedSeq()) > seq;
      },
      60_000,
    );
    assert.equal(await p.stop(reader, 'SIGTERM'), 0);

    // The same filter written otherwise is no change: no copy again, and the backfill is done.
    p.setSourceExtra(extra("REGION in ('eu','us') and ID != 10"));
    reader = p.start('reader');
    await waitForLog(reader, /VStream starting/);
    assert.match(reader.log(), /backfill through the changed filter of .* done/);
    assert.doesNotMatch(reader.log(), /truncate published|row filter of .* changed/);
    assert.equal((await filterRecord())?.backfill, undefined);
    await p.vtgate.query(`UPDATE ${t} SET region = 'eu' WHERE id = 42`); // into the filter
    await waitForEqual(p, [table], 60_000, { [table]: second });
    const report = await runVerify({ config: loadConfig(p.configFile), chunkRows: 10 });
    assert.deepEqual(
      report.tables.map((entry) => [entry.table, entry.status]),
      [[`${keyspace}.${table}`, 'equal']],
    );
  } finally {
    await nc.close();
  }
});
