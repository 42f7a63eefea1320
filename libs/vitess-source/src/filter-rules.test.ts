import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Column } from '@cdc/change-envelope';
import { parseFilter, renderPostgres } from '@cdc/row-filter';
import { splitForVStream, tablePatternRules } from './filter-rules';

const column = (name: string, type: string): Column => ({
  name,
  type,
  key: name === 'id',
  nullable: name !== 'id',
  typeOid: 0,
  elementTypeOid: 0,
});
const columns = [
  column('id', 'bigint(20)'),
  column('region', 'varchar(8)'),
  column('deleted', 'tinyint(1)'),
  column('amount', 'decimal(10,2)'),
  column('created', 'datetime'),
  column('Kind', "enum('a','b')"),
  column('flags', 'bit(8)'),
];
const split = (text: string) => {
  const result = splitForVStream('orders', parseFilter(text), columns);
  return { vstream: result.rule?.filter, reader: result.remainder && renderPostgres(result.remainder) };
};

test('the shapes VStream evaluates are pushed whole, as one select per table', () => {
  assert.deepEqual(split("region = 'eu' AND NOT deleted"), {
    vstream: "select * from `orders` where `region` = 'eu' and `deleted` = 0",
    reader: undefined,
  });
  assert.deepEqual(split("id >= 10 AND 100 > amount AND region IN ('eu', 'us') AND created IS NOT NULL"), {
    vstream:
      "select * from `orders` where `id` >= 10 and `amount` < 100 and `region` in ('eu', 'us') and `created` is not null",
    reader: undefined,
  });
  assert.deepEqual(split('id BETWEEN 1 AND 9 AND id NOT BETWEEN 3 AND 4 AND deleted <> true AND NOT (amount = 1.5)'), {
    vstream:
      'select * from `orders` where `id` between 1 and 9 and `id` not between 3 and 4 and `deleted` != 1 and `amount` != 1.5',
    reader: undefined,
  });
  assert.equal(splitForVStream('orders', parseFilter('deleted'), columns).rule?.match, 'orders');
});

test('what VStream cannot evaluate stays with the reader, the rest is still pushed', () => {
  assert.deepEqual(split("region = 'eu' AND (deleted = 0 OR amount > 5)"), {
    vstream: "select * from `orders` where `region` = 'eu'",
    reader: '(("deleted" = 0) OR ("amount" > 5))',
  });
  for (const text of [
    "region LIKE 'e%'",
    'id NOT IN (1, 2)',
    'id = -1',
    'amount > 1e3',
    "id = '5'",
    'region = 5',
    "created > '2024-01-01'",
    "kind = 'a'",
    "flags = 'a'",
    'id = amount',
    'id IN (1, NULL)',
    'region = NULL',
    "(region = 'eu' OR FALSE)",
  ]) {
    assert.deepEqual(split(text), { vstream: undefined, reader: renderPostgres(parseFilter(text)) }, text);
  }
});

test('strings and names are quoted by the driver: quotes and backslashes cannot end them', () => {
  const rule = splitForVStream('we`ird', parseFilter(`"co""l" = 'it''s \\ done'`), [column('co"l', 'text')]).rule;
  assert.deepEqual(rule, {
    match: 'we`ird',
    filter: "select * from `we``ird` where `co\"l` = 'it\\'s \\\\ done'",
  });
});

test('table patterns become anchored regular expressions', () => {
  assert.deepEqual(tablePatternRules(['orders', 'order_*']), [{ match: '/^orders$' }, { match: '/^order_.*$' }]);
});
