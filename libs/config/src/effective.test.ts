import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveConfig } from './effective';
import { parseConfig } from './load';

const TEXT = `nats:
  url: nats://127.0.0.1:4222
  user: cdc
  password: \${NATS_PASSWORD}
sources:
  - name: shop
    type: postgres
    url: postgres://cdc:pg-secret@db:5432/shop?sslpassword=key-secret
    tables: ['public.*']
destinations:
  - name: replica
    type: postgres
    url: postgres://applier@replica:5432/shop
    sources: [shop]
    tables:
      public.orderItems: sales.OrderItems
      public.users:
        to: crm.customers
        columns:
          rename: { fullName: full_name }
`;

test('effectiveConfig: snake_case keys and every default, table and column names kept as written', () => {
  const effective = effectiveConfig(parseConfig(TEXT, 'cdc.yaml', { NATS_PASSWORD: 'nats-secret' })) as {
    sources: Record<string, unknown>[];
    destinations: Record<string, unknown>[];
    coordinator: Record<string, unknown>;
  };
  const [source] = effective.sources;
  assert.equal(source.slot, 'cdc_shop');
  assert.equal(typeof source.status_interval_ms, 'number');
  assert.equal(typeof (source.publish as Record<string, unknown>).max_ops, 'number');
  const [destination] = effective.destinations;
  assert.deepEqual(destination.tables, { 'public.orderItems': 'sales.OrderItems', 'public.users': 'crm.customers' });
  const policies = destination.table_policies as Record<string, { rename: Record<string, string> }>;
  assert.deepEqual(policies['public.users'].rename, { fullName: 'full_name' });
  assert.equal(typeof effective.coordinator.interval_ms, 'number');
});

test('effectiveConfig hides credentials: URL passwords and secret parameters, NATS password', () => {
  const text = JSON.stringify(effectiveConfig(parseConfig(TEXT, 'cdc.yaml', { NATS_PASSWORD: 'nats-secret' })));
  for (const secret of ['pg-secret', 'key-secret', 'nats-secret']) assert.ok(!text.includes(secret), secret);
  assert.match(text, /postgres:\/\/cdc:\*\*\*@db:5432\/shop/);
  assert.match(text, /"password":"\*\*\*"/);
});
