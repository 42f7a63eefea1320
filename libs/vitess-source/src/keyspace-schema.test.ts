import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { KeyspaceSchema } from './keyspace-schema';
import type { KeyspaceTable } from './schema';

const log = pino({ level: 'silent' });

function table(name: string, columns = ['id']): KeyspaceTable {
  return {
    name,
    columns: columns.map((column) => ({ name: column, columnType: 'int', nullable: false, json: false })),
    primaryKey: ['id'],
    estimatedRowsPerShard: 0,
  };
}

test('a table read once is looked up without reading again; an unknown one reads again', async () => {
  let reads = 0;
  let tables = [table('a')];
  const schema = new KeyspaceSchema(async () => ((reads += 1), tables), log);
  assert.deepEqual(
    (await schema.refresh()).map((t) => t.name),
    ['a'],
  );
  assert.equal((await schema.lookup('a'))?.name, 'a');
  assert.equal(reads, 1);
  tables = [table('a'), table('b')];
  assert.equal((await schema.lookup('b'))?.name, 'b', 'a table created since is found');
  assert.equal(reads, 2);
  assert.deepEqual([...schema.known.keys()], ['a', 'b']);
});

test('an invalidated table (a DDL) is read again on its next lookup, once', async () => {
  let reads = 0;
  let columns = ['id'];
  const schema = new KeyspaceSchema(async () => ((reads += 1), [table('a', columns)]), log);
  await schema.refresh();
  columns = ['id', 'added'];
  schema.invalidate('a');
  assert.deepEqual(
    (await schema.lookup('a'))?.columns.map((c) => c.name),
    ['id', 'added'],
  );
  await schema.lookup('a');
  assert.equal(reads, 2);
});

test('a failed re-read keeps what was known, with a warning, and is not retried on every lookup', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const capture = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  let fail = false;
  let reads = 0;
  const schema = new KeyspaceSchema(async () => {
    reads += 1;
    if (fail) throw new Error('vtgate is restarting');
    return [table('a')];
  }, capture);
  await schema.refresh();
  fail = true;
  schema.invalidate('a');
  assert.equal((await schema.lookup('a'))?.name, 'a');
  assert.equal(lines.length, 1);
  assert.equal(lines[0].msg, 'cannot re-read the keyspace schema');
  assert.equal(lines[0].err, 'vtgate is restarting');
  await schema.lookup('a');
  assert.equal(reads, 2, 'the stale mark was dropped after the failed read');
  assert.equal(await schema.lookup('missing'), undefined);
  await assert.rejects(schema.refresh(), /vtgate is restarting/);
});
