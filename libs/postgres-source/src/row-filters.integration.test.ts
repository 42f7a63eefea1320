import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { preflightSource } from './preflight';
import { ensurePublication } from './publication';
import { RowFilters } from './row-filters';

let pg: PostgresServer;

before(async () => {
  pg = await startPostgres({ name: 'row-filters' });
});

after(async () => {
  await pg?.destroy();
});

async function setUp(database: string, more = '') {
  const url = await pg.createDatabase(database);
  await pg.query(
    `CREATE TABLE orders (id int PRIMARY KEY, region text, deleted bool NOT NULL DEFAULT false, qty int);
     CREATE TABLE "Odd ""Name""" (id int PRIMARY KEY, "Kind" text); ${more}`,
    [],
    database,
  );
  const preflight = await preflightSource({
    source: 'shop',
    url,
    displayUrl: url,
    publication: 'cdc_shop',
    slot: 'cdc_shop',
    tableMatches: () => true,
    tablePatterns: ['public.*'],
  });
  const check = (filters: Record<string, string>) =>
    RowFilters.check({
      source: 'shop',
      url,
      tables: preflight.tables,
      filterOf: (schema, table) => filters[`${schema}.${table}`],
      serverVersion: preflight.serverVersion,
    });
  return { url, preflight, check };
}

test('a filter outside the replica identity, an unknown column, a literal of the wrong type: one line naming source, table, column', async () => {
  const { check } = await setUp('checks');
  await assert.rejects(
    check({ 'public.orders': "region = 'eu'" }),
    (error: Error) =>
      error.message.startsWith(
        `source shop: table public.orders: filter "region = 'eu'": column "region" is not in the table's replica identity`,
      ) && error.message.includes('ALTER TABLE public.orders REPLICA IDENTITY FULL'),
  );
  await assert.rejects(
    check({ 'public.orders': "regoin = 'eu'" }),
    /source shop: table public\.orders: filter "regoin = 'eu'": unknown column "regoin" \(columns: id, region, deleted, qty\)$/,
  );
  await assert.rejects(
    check({ 'public.orders': "qty > 'many'" }),
    /table public\.orders: filter .*"many" is not a number/,
  );
  // Filtering on the key needs nothing more.
  const onKey = await check({ 'public.orders': 'id >= 10' });
  assert.equal(onKey.of('public', 'orders')?.sql, '("id" >= 10)');
});

test('the publication is created with the rendered row filter, and a changed filter replaces it (PostgreSQL 15+)', async (t) => {
  const { url, preflight, check } = await setUp(
    'pushdown',
    `ALTER TABLE orders REPLICA IDENTITY FULL; ALTER TABLE "Odd ""Name""" REPLICA IDENTITY FULL`,
  );
  if (preflight.serverVersion < 150000) return t.skip('no publication row filters before 15');
  const filters = await check({
    'public.orders': "region = 'eu' AND NOT deleted",
    'public.Odd "Name"': `"Kind" = 'it''s'`,
  });
  await ensurePublication(url, 'cdc_shop', preflight, { rowFilters: filters });
  const read = async () =>
    Object.fromEntries(
      (
        await pg.query(
          `SELECT tablename, rowfilter FROM pg_publication_tables WHERE pubname = 'cdc_shop' ORDER BY tablename`,
          [],
          'pushdown',
        )
      ).rows.map((row) => [row.tablename, row.rowfilter]),
    );
  assert.deepEqual(await read(), {
    'Odd "Name"': `("Kind" = 'it''s'::text)`,
    orders: `((region = 'eu'::text) AND (NOT deleted))`,
  });
  // The publication now exists: a restart with another filter (and none on the other table) replaces it.
  const again = await preflightSource({
    source: 'shop',
    url,
    displayUrl: url,
    publication: 'cdc_shop',
    slot: 'cdc_shop',
    tableMatches: () => true,
    tablePatterns: ['public.*'],
  });
  const changed = await RowFilters.check({
    source: 'shop',
    url,
    tables: again.tables,
    filterOf: (schema, table) => (table === 'orders' ? 'qty IN (1, 2)' : undefined),
    serverVersion: again.serverVersion,
  });
  await ensurePublication(url, 'cdc_shop', again, { rowFilters: changed });
  assert.deepEqual(await read(), { 'Odd "Name"': null, orders: '(qty = ANY (ARRAY[1, 2]))' });
  // The source's own writes still work: UPDATE and DELETE of a filtered table.
  await pg.query(
    `INSERT INTO orders VALUES (1, 'eu', false, 1); UPDATE orders SET qty = 3; DELETE FROM orders`,
    [],
    'pushdown',
  );
});
