import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPostgres, type PostgresServer } from '@cdc/testenv';
import { reconcilePublication } from './publication';

let pg: PostgresServer;

before(async () => {
  pg = await startPostgres({ name: 'publication' });
});

after(async () => {
  await pg?.destroy();
});

const options = (url: string) => ({
  source: 'shop',
  url,
  publication: 'cdc "pub"',
  tableMatches: () => true,
  beforeAdd: async () => undefined,
});

test('tables with quotes, dots, spaces and capitals join and leave the publication', async () => {
  const url = await pg.createDatabase('odd');
  await pg.query(
    `CREATE SCHEMA "Sch.""ema"; CREATE TABLE "Sch.""ema"."Odd Table.x" (id int PRIMARY KEY);
     CREATE PUBLICATION "cdc ""pub"""`,
    [],
    'odd',
  );
  const added = await reconcilePublication(options(url));
  assert.deepEqual(
    added.added.map((t) => [t.schema, t.table]),
    [['Sch."ema', 'Odd Table.x']],
  );
  const members = await pg.query(
    `SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = 'cdc "pub"'`,
    [],
    'odd',
  );
  assert.deepEqual(members.rows, [{ schemaname: 'Sch."ema', tablename: 'Odd Table.x' }]);
  const removed = await reconcilePublication({ ...options(url), tableMatches: () => false });
  assert.deepEqual(removed.removed, [{ schema: 'Sch."ema', table: 'Odd Table.x' }]);
});

test('a publication change the source refuses says which source, publication and tables', async () => {
  const url = await pg.createDatabase('refused');
  await pg.query(
    `CREATE ROLE cdc_owner LOGIN; CREATE TABLE items (id int PRIMARY KEY);
     CREATE PUBLICATION "cdc ""pub"""; ALTER PUBLICATION "cdc ""pub""" OWNER TO cdc_owner`,
    [],
    'refused',
  );
  // cdc_owner owns the publication but not the table: Postgres refuses to publish it.
  await assert.rejects(reconcilePublication(options(url.replace('postgres@', 'cdc_owner@'))), (error: Error) => {
    assert.match(error.message, /^source shop: cannot add public\.items to publication "cdc "pub"": .*owner/);
    return true;
  });
});
