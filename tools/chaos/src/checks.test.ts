// The checkers must catch what they are for: a hand-built divergent destination (real Postgres,
// the same schema and audit triggers as a run) and hand-written audit trails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import {
  checkAudit,
  checkConsistency,
  consistencyViolations,
  COMPARE_OPTIONS,
  type AuditEvent,
  type Query,
} from './checks';
import { DESTINATION_DDL, SOURCE_DDL } from './schema';

let server: PostgresServer;
const clients: Client[] = [];

before(async () => {
  server = await startPostgres({ name: 'chaos-checks' });
});

after(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.destroy();
});

async function database(ddl: string): Promise<Query> {
  const client = new Client({ connectionString: await server.createDatabase(), options: COMPARE_OPTIONS });
  await client.connect();
  clients.push(client);
  await client.query(ddl);
  return async (sql, params) => (await client.query(sql, params)).rows;
}

/** The same writes on both sides: the source directly, the destination through its audit triggers. */
const WRITES = `
  INSERT INTO items (id, v, qty, note, updated_at) SELECT g, 1, g, 'n' || g, '2020-01-01' FROM generate_series(1, 20) g;
  UPDATE items SET v = v + 1, qty = qty + 1 WHERE id <= 10;
  DELETE FROM items WHERE id = 20;
  INSERT INTO nokey (rid, v, payload) SELECT g, 1, 'p' FROM generate_series(1, 10) g;
  UPDATE nokey SET v = 2, payload = 'q' WHERE rid = 3;
  INSERT INTO docs (id, v, title, body) SELECT g, 1, 't', repeat(md5(g::text), 200) FROM generate_series(1, 5) g;
  UPDATE docs SET v = 2, title = 'u' WHERE id = 2;
  INSERT INTO txlog (k, ops) SELECT g, 3 FROM generate_series(1, 4) g;
`;

test('equal databases pass every check', async () => {
  const source = await database(SOURCE_DDL);
  const destination = await database(DESTINATION_DDL);
  await source(WRITES);
  await destination(WRITES);
  const report = await checkConsistency(source, destination);
  assert.deepEqual(consistencyViolations(report), []);
  assert.ok(report.audit.writes > 40, `audited ${report.audit.writes} writes`);
});

test('a divergent destination: lost, re-applied, stale TOAST, duplicated keyless row and missed delete are all reported', async () => {
  const source = await database(SOURCE_DDL);
  const destination = await database(DESTINATION_DDL);
  await source(WRITES);
  await destination(WRITES);
  // What a faulty pipeline could do, one defect per row:
  await source(`UPDATE items SET v = v + 1 WHERE id = 5`); // lost at the destination
  await destination(`UPDATE items SET v = v WHERE id = 6`); // a version applied a second time
  await source(`UPDATE docs SET v = 3, body = repeat('z', 9000) WHERE id = 4`);
  await destination(`UPDATE docs SET v = 3 WHERE id = 4`); // version arrived, new TOAST body did not
  await destination(`INSERT INTO nokey (rid, v, payload) VALUES (7, 1, 'p')`); // keyless insert applied twice
  await source(`DELETE FROM items WHERE id = 15`); // delete lost
  await source(`INSERT INTO txlog (k, ops) VALUES (5, 1)`); // a whole transaction lost

  const report = await checkConsistency(source, destination);
  const violations = consistencyViolations(report);
  const unequal = report.tables.filter((t) => !t.equal).map((t) => t.table);
  assert.deepEqual(unequal.sort(), ['docs', 'items', 'nokey', 'txlog']);
  const lost = report.audit.lost.map((f) => `${f.table} ${f.rid}`).sort();
  assert.deepEqual(lost, ['items 15', 'items 5', 'txlog 5']);
  const twice = report.audit.appliedTwice.map((f) => `${f.table} ${f.rid}`).sort();
  assert.deepEqual(twice, ['items 6', 'nokey 7']);
  assert.deepEqual(
    report.duplicates.map((f) => `${f.table} ${f.rid}`),
    ['nokey 7'],
  );
  // The stale body has the right version: only the checksum of docs catches it.
  assert.ok(
    violations.some((v) => v.startsWith('docs: source')),
    violations.join('\n'),
  );
  assert.ok(
    violations.some((v) => v.startsWith('3 ops lost')),
    violations.join('\n'),
  );
  assert.ok(
    violations.some((v) => v.startsWith('2 ops applied twice')),
    violations.join('\n'),
  );
});

const event = (id: number, op: AuditEvent['op'], rid?: number, oldV?: number, newV?: number): AuditEvent => ({
  id,
  table: 'items',
  rid,
  op,
  oldV,
  newV,
});

test('audit replay: folded versions pass; repeats, regressions, gaps and re-inserts do not', () => {
  const source = new Map([['items', new Map([[1, 5]])]]);
  // Versions may skip (the applier folds several updates of a key into one write).
  assert.deepEqual(checkAudit([event(1, 'I', 1, undefined, 2), event(2, 'U', 1, 2, 5)], source), {
    appliedTwice: [],
    outOfOrder: [],
    lost: [],
    writes: 2,
  });
  const repeated = checkAudit([event(1, 'I', 1, undefined, 1), event(2, 'U', 1, 1, 5), event(3, 'U', 1, 5, 5)], source);
  assert.equal(repeated.appliedTwice.length, 1);
  const backwards = checkAudit(
    [event(1, 'I', 1, undefined, 1), event(2, 'U', 1, 1, 5), event(3, 'U', 1, 5, 3), event(4, 'U', 1, 3, 5)],
    source,
  );
  assert.equal(backwards.appliedTwice.length, 2);
  const reinserted = checkAudit([event(1, 'I', 1, undefined, 5), event(2, 'I', 1, undefined, 5)], source);
  assert.equal(reinserted.appliedTwice.length, 1);
  const unseen = checkAudit([event(1, 'U', 1, 4, 5)], source);
  assert.equal(unseen.outOfOrder.length, 1);
  const behind = checkAudit([event(1, 'I', 1, undefined, 4)], source);
  assert.deepEqual(
    behind.lost.map((f) => f.problem),
    ["source has v5, destination's last write was v4"],
  );
  // A truncate (a snapshot starting over) resets the table: its rows may be inserted again.
  const resnapshot = checkAudit(
    [event(1, 'I', 1, undefined, 5), event(2, 'T'), event(3, 'I', 1, undefined, 5)],
    source,
  );
  assert.deepEqual(resnapshot, { appliedTwice: [], outOfOrder: [], lost: [], writes: 2 });
});
