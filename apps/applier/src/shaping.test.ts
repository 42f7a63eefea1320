import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '@cdc/config';
import type { TableSchema } from '@cdc/change-envelope';
import { shapingLookup } from './shaping';

const yaml = (destination: string) => `
nats: { url: nats://localhost:4222 }
sources:
  - { name: a, type: postgres, url: postgres://u@h/a, tables: [public.*] }
  - { name: b, type: postgres, url: postgres://u@h/b, tables: [public.*] }
destinations:
  - name: dw
    type: postgres
    url: postgres://u@h/dw
    sources: [a, b]
${destination}
`;
const table = (name: string): TableSchema => ({ schema: 'public', table: name, columns: [], hasKey: true });

test('no consolidation settings: tables are written as they come', () => {
  assert.equal(shapingLookup(parseConfig(yaml(''), 'cdc.yaml', {}).destinations[0]), undefined);
});

test('one shaping object per source and table, with the source id value and the table policy', () => {
  const destination = parseConfig(
    yaml(`    source_id: { column: tenant, values: { a: A } }
    tables:
      public.orders: { mode: history, columns: { rename: { amount: cents } } }`),
    'cdc.yaml',
    {},
  ).destinations[0];
  const lookup = shapingLookup(destination)!;
  const orders = lookup('a', table('orders'));
  assert.equal(lookup('a', table('orders')), orders);
  assert.deepEqual(orders, {
    mode: 'history',
    rename: { amount: 'cents' },
    exclude: [],
    deletes: 'ignore',
    sourceId: { column: 'tenant', value: 'A' },
  });
  assert.deepEqual(lookup('b', table('other')), {
    mode: 'clone',
    rename: {},
    exclude: [],
    deletes: 'ignore',
    sourceId: { column: 'tenant', value: 'b' },
  });
});
