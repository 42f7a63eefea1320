import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { optionTables, withOptionTables } from './option-tables';

const README = join(__dirname, '..', '..', '..', 'libs', 'config', 'README.md');

test('the option tables in libs/config/README.md are the ones the schema gives (npm run docs:config)', async () => {
  const committed = readFileSync(README, 'utf8');
  assert.equal(await withOptionTables(committed, README), committed, 'run npm run docs:config and commit the README');
});

test('every row has a meaning, and the tables cover the keys of every type', () => {
  const tables = optionTables();
  for (const [name, table] of Object.entries(tables)) {
    for (const row of table.split('\n').slice(2)) {
      const meaning = row.split(' | ')[3]?.replace(/ \|$/, '').trim();
      assert.ok(meaning, `${name}: ${row}`);
    }
  }
  assert.match(tables.nats, /\| `tls\.ca_file` \| string \| — \|/);
  assert.match(tables['postgres-source'], /\| `partitions` \| integer \| `16` \|/);
  assert.match(tables['postgres-source'], /\| `snapshot\.enabled` \| boolean \| `true` \|/);
  assert.match(tables['vitess-source'], /\| `vtgate` \| string \| required \|/);
  assert.doesNotMatch(tables['vitess-source'], /`publish\./, 'keys described as for Postgres sources are not repeated');
  assert.match(tables['mysql-destination'], /\| `load_data` \| boolean \| `true` \|/);
  assert.match(tables.consolidation, /\| `source_id\.column` \| string \| required in `source_id` \|/);
  assert.match(tables['table-entry'], /\| `mode` \| string \| `clone` \|/);
});

test('a README without the place for a table is an error, not a silent omission', async () => {
  await assert.rejects(withOptionTables('# nothing here\n', 'README.md'), /no place for the option tables nats/);
});
