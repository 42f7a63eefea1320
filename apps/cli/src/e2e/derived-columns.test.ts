import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { parseConfig, type PipelineConfig } from '@cdc/config';
import { runApplier } from '@cdc/applier';
import { runCoordinator } from '@cdc/coordinator';
import { runPostgresReader } from '@cdc/reader-postgres';
import { startNats, startPostgres, until, type NatsServer, type PostgresServer } from '@cdc/testenv';

/*
 * Issue 19, derived columns, PG -> PG in-process: a destination's `transforms` entry
 * `{expr: ...}` adds a column computed from the row's source columns with the row filters'
 * expression language. create_tables creates it (bool for a condition, the column's own type for
 * a copy, text for a string literal); the snapshot and every insert and update fill it; the
 * expected values are computed by PostgreSQL from the same expressions at the source.
 */

const log = pino({ level: 'silent' });

let source: PostgresServer;
let destination: PostgresServer;
let nats: NatsServer;

before(async () => {
  [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'derived-source' }),
    startPostgres({ name: 'derived-dest', logical: false }),
    startNats({ name: 'derived' }),
  ]);
});

after(async () => {
  await Promise.all([source, destination, nats].map((server) => server?.destroy()));
});

function configOf(sourceUrl: string, destinationUrl: string, more = ''): PipelineConfig {
  return parseConfig(
    `
nats: { url: ${JSON.stringify(nats.url)} }
sources:
  - name: shop
    type: postgres
    url: ${JSON.stringify(sourceUrl)}
    tables: ["public.*"]
    partitions: 2
    snapshot: { chunk_rows: 100 }
    publish: { max_delay_ms: 5, watermark_interval_ms: 100 }
    status_interval_ms: 100
destinations:
  - name: dw
    type: postgres
    url: ${JSON.stringify(destinationUrl)}
    sources: [shop]
    create_tables: true
    batch: { max_ops: 500, max_wait_ms: 10 }
    membership: { heartbeat_ms: 200, ttl_ms: 1000 }
    transforms:
      public.orders:
        is_big: { expr: "amount > 100 AND NOT cancelled" }
        in_eu: { expr: "region IN ('de', 'fr', 'it')" }
        region_code: { expr: "region" }
        origin: { expr: "'shop'" }
        region: redact
${more}coordinator: { interval_ms: 100 }
`,
    'derived-columns.yaml',
  );
}

test('PG -> PG: derived columns are created with their types and hold the computed values after the snapshot, inserts and updates', async () => {
  const sourceUrl = await source.createDatabase('shop');
  const destinationUrl = await destination.createDatabase('dw');
  const q = (sql: string) => source.query(sql, [], 'shop');
  const dq = async (sql: string) => (await destination.query(sql, [], 'dw')).rows;
  await q(`CREATE TABLE orders (id int PRIMARY KEY, region varchar(8), amount numeric(10,2), cancelled bool NOT NULL DEFAULT false);
           INSERT INTO orders SELECT i, (ARRAY['de', 'us', 'fr', NULL])[i % 4 + 1], CASE WHEN i % 7 = 0 THEN NULL ELSE i * 3.5 END, i % 5 = 0
             FROM generate_series(1, 300) i`);

  const config = configOf(sourceUrl, destinationUrl);
  let stop = new AbortController();
  const running = [
    runPostgresReader({ config, source: 'shop', signal: stop.signal, log }),
    runApplier({ config, destination: 'dw', signal: stop.signal, log }),
    runCoordinator({ config, signal: stop.signal, log }),
  ];
  // What the destination must hold, computed by PostgreSQL from the same expressions.
  const expected = async () =>
    JSON.stringify(
      (
        await q(`SELECT id, 'REDACTED' AS region, amount, cancelled,
                        amount > 100 AND NOT cancelled AS is_big, region IN ('de', 'fr', 'it') AS in_eu,
                        region AS region_code, 'shop' AS origin
                 FROM orders ORDER BY id`)
      ).rows.map((row) => ({ ...row, region: row.region_code === null ? null : row.region })),
    );
  const actual = async () =>
    JSON.stringify(
      await dq('SELECT id, region, amount, cancelled, is_big, in_eu, region_code, origin FROM orders ORDER BY id'),
    );
  const equal = async () => {
    try {
      return (await actual()) === (await expected());
    } catch {
      return false;
    }
  };
  try {
    await until('the snapshot with its derived columns at the destination', equal, 60_000);

    // The types create_tables gave them.
    const types = await dq(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable FROM information_schema.columns
        WHERE table_name = 'orders' AND column_name IN ('is_big', 'in_eu', 'region_code', 'origin') ORDER BY ordinal_position`,
    );
    assert.deepEqual(
      types.map((row) => [row.column_name, row.data_type, row.length, row.is_nullable]),
      [
        ['is_big', 'boolean', null, 'YES'],
        ['in_eu', 'boolean', null, 'YES'],
        ['region_code', 'character varying', 8, 'YES'],
        ['origin', 'text', null, 'NO'],
      ],
    );
    // NULL semantics: an unknown condition is NULL (region NULL; amount NULL and not cancelled).
    const nulls = await dq('SELECT id, is_big, in_eu FROM orders WHERE id IN (3, 14) ORDER BY id');
    assert.deepEqual(nulls, [
      { id: 3, is_big: false, in_eu: null },
      { id: 14, is_big: null, in_eu: true },
    ]);

    // Live: inserts, updates moving a row's derived values both ways, a NULL set and cleared, deletes.
    await q(`INSERT INTO orders VALUES (301, 'it', 500, false), (302, 'us', 1, false), (303, NULL, NULL, false)`);
    await q(`UPDATE orders SET amount = 1000 WHERE id BETWEEN 1 AND 20`);
    await q(`UPDATE orders SET cancelled = true WHERE id IN (301, 40)`);
    await q(`UPDATE orders SET region = 'fr' WHERE region IS NULL AND id < 100`);
    await q(`UPDATE orders SET region = NULL, amount = NULL WHERE id IN (50, 51)`);
    await q(`DELETE FROM orders WHERE id IN (2, 302)`);
    await until('the live changes with their derived columns at the destination', equal, 60_000);
    // NULL AND FALSE is FALSE: row 50 has no amount but is cancelled.
    const changed = await dq(
      'SELECT id, is_big, in_eu, region_code FROM orders WHERE id IN (1, 3, 40, 50, 301) ORDER BY id',
    );
    assert.deepEqual(changed, [
      { id: 1, is_big: true, in_eu: false, region_code: 'us' },
      { id: 3, is_big: true, in_eu: true, region_code: 'fr' },
      { id: 40, is_big: false, in_eu: true, region_code: 'de' },
      { id: 50, is_big: false, in_eu: null, region_code: null },
      { id: 301, is_big: false, in_eu: true, region_code: 'it' },
    ]);
    assert.deepEqual(await dq('SELECT id FROM orders WHERE id IN (2, 302)'), []);

    // A derived column added to a running pipeline (the applier restarted with it): schema
    // evolution adds it to the destination table; a row holds its value from its next change,
    // NULL until then.
    stop.abort();
    await Promise.allSettled(running);
    stop = new AbortController();
    const more = configOf(sourceUrl, destinationUrl, '        is_de: { expr: "region = \'de\'" }\n');
    running.push(
      runPostgresReader({ config: more, source: 'shop', signal: stop.signal, log }),
      runApplier({ config: more, destination: 'dw', signal: stop.signal, log }),
      runCoordinator({ config: more, signal: stop.signal, log }),
    );
    await q(`UPDATE orders SET amount = amount + 1 WHERE id IN (4, 5)`);
    await until(
      'the added column filled for the changed rows',
      async () => {
        try {
          return (await dq('SELECT count(*)::int AS n FROM orders WHERE is_de IS NOT NULL'))[0].n === 2;
        } catch {
          return false;
        }
      },
      60_000,
    );
    assert.deepEqual(await dq('SELECT id, is_de FROM orders WHERE id IN (4, 5, 8) ORDER BY id'), [
      { id: 4, is_de: true },
      { id: 5, is_de: false },
      { id: 8, is_de: null },
    ]);
  } finally {
    stop.abort();
    await Promise.allSettled(running);
  }
});
