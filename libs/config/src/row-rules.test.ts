import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, effectiveConfig, parseConfig, ruleForTable, type PipelineConfig } from './index';

function config(
  source: Record<string, unknown> = {},
  destination: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    nats: { url: 'nats://localhost:4222' },
    sources: [{ name: 'shop', type: 'postgres', url: 'postgres://u@localhost/app', tables: ['public.*'], ...source }],
    destinations: [
      { name: 'analytics', type: 'postgres', url: 'postgres://u@localhost/dw', sources: ['shop'], ...destination },
    ],
  };
}

const parse = (data: unknown, env: NodeJS.ProcessEnv = {}): PipelineConfig =>
  parseConfig(stringify(data), 'cdc.yaml', env);

function errorOf(data: unknown, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(data, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes('\n'));
    return error.message;
  }
  return assert.fail('expected a ConfigError');
}

const KEY = 'k'.repeat(32);

test('the shape of issue 19 parses: source filters, destination filters, transforms and the key from a secret file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-rules-'));
  writeFileSync(join(dir, 'hash-key'), `${KEY}\n`);
  const parsed = parse(
    config(
      { filters: { 'public.orders': "region = 'eu' AND NOT deleted", items: 'qty > 0' } },
      {
        filters: { 'public.events': "kind <> 'debug'" },
        transforms: {
          'public.users': {
            email: 'mask_email',
            ssn: 'hash',
            note: 'redact',
            phone: 'mask_phone',
            city: { constant: 'x' },
            bio: { truncate: 10 },
            id: { transform: 'hash', on_key: true },
            gone: 'null',
          },
        },
        transform_key: `\${file:${join(dir, 'hash-key')}}`,
      },
    ),
  );
  const source = parsed.sources[0];
  assert.equal(source.type, 'postgres');
  assert.deepEqual(source.type === 'postgres' && source.filters, {
    'public.orders': "region = 'eu' AND NOT deleted",
    'public.items': 'qty > 0',
  });
  const destination = parsed.destinations[0];
  assert.deepEqual(destination.filters, { 'public.events': "kind <> 'debug'" });
  assert.deepEqual(destination.transforms!['public.users'], {
    email: { kind: 'mask_email', onKey: false },
    ssn: { kind: 'hash', onKey: false },
    note: { kind: 'redact', onKey: false },
    phone: { kind: 'mask_phone', onKey: false },
    city: { kind: 'constant', value: 'x', onKey: false },
    bio: { kind: 'truncate', length: 10, onKey: false },
    id: { kind: 'hash', onKey: true },
    gone: { kind: 'null', onKey: false },
  });
  assert.equal(destination.transformKey, KEY);
  // cdc config explain never shows the key.
  const shown = JSON.stringify(effectiveConfig(parsed));
  assert.ok(!shown.includes(KEY));
  assert.ok(shown.includes('"transform_key":"***"'));
});

test('absent filters and transforms stay absent', () => {
  const parsed = parse(config());
  assert.equal('filters' in parsed.sources[0], false);
  assert.equal('transforms' in parsed.destinations[0], false);
});

test('a filter that does not parse is one line naming the source, table and what is wrong', () => {
  assert.equal(
    errorOf(config({ filters: { 'public.orders': "region = 'eu' AND" } })).startsWith(
      'config error: cdc.yaml: sources[0].filters["public.orders"]: source shop, table public.orders: filter "region = \'eu\' AND" does not parse',
    ),
    true,
  );
  assert.match(
    errorOf(config({ filters: { orders: "lower(region) = 'eu'" } })),
    /sources\[0\]\.filters\.orders: source shop, table public\.orders: filter .* uses a function call, which filters do not support/,
  );
  assert.match(errorOf(config({ filters: { orders: 'a = 1; DROP TABLE users' } })), /unexpected ";"/);
  assert.match(
    errorOf(config({}, { filters: { 'public.events': 'kind <>' } })),
    /destinations\[0\]\.filters\["public\.events"\]: destination analytics, table public\.events: filter "kind <>" does not parse/,
  );
  assert.match(
    errorOf(config({ filters: { 'other.orders': 'a = 1' } })),
    /table "other.orders" is not matched by this source's tables/,
  );
});

test('transforms: unknown kinds, missing key, short key', () => {
  assert.match(
    errorOf(config({}, { transforms: { users: { email: 'scramble' } } })),
    /destination analytics, table public\.users, column email: unknown transform "scramble" \(expected one of hash, redact, null, mask_email, mask_phone, constant, truncate, expr\)/,
  );
  assert.match(errorOf(config({}, { transforms: { users: { email: 'truncate' } } })), /write \{truncate: \.\.\.\}/);
  assert.match(
    errorOf(config({}, { transforms: { users: { ssn: 'hash' } } })),
    /transform_key: required by the hash transform/,
  );
  assert.match(
    errorOf(config({}, { transforms: { users: { ssn: 'hash' } }, transform_key: '${KEY}' }), { KEY: 'short' }),
    /transform_key: is shorter than 16 bytes/,
  );
  assert.match(
    errorOf(config({}, { transforms: { users: { ssn: { transform: 'hash', truncate: 3 } } }, transform_key: KEY })),
    /expected exactly one of transform, constant, truncate, expr \(got transform, truncate\)/,
  );
});

test('derived columns: {expr: ...} parsed at start, one line for what does not parse', () => {
  const parsed = parse(config({}, { transforms: { orders: { is_big: { expr: 'amount > 100' }, note: 'redact' } } }));
  assert.deepEqual(parsed.destinations[0].transforms!['public.orders'], {
    is_big: { kind: 'expr', expression: 'amount > 100', onKey: false },
    note: { kind: 'redact', onKey: false },
  });
  assert.match(
    errorOf(config({}, { transforms: { orders: { is_big: { expr: 'amount >' } } } })),
    /destination analytics, table public\.orders, column is_big: expr "amount >" does not parse/,
  );
  assert.match(
    errorOf(config({}, { transforms: { orders: { is_big: { expr: 'upper(region)' } } } })),
    /column is_big: expr "upper\(region\)" uses a function call, which filters do not support/,
  );
  assert.match(
    errorOf(config({}, { transforms: { orders: { is_big: { expr: 'amount > 1', on_key: true } } } })),
    /on_key does not apply to a derived column/,
  );
  assert.match(errorOf(config({}, { transforms: { orders: { is_big: 'expr' } } })), /write \{expr: \.\.\.\}/);
});

test('filters on a vitess source: patterns in the keyspace, parsed at start', () => {
  const vitess = (filters: Record<string, string>) => ({
    nats: { url: 'nats://localhost:4222' },
    sources: [
      {
        name: 'v',
        type: 'vitess',
        vtgate: 'localhost:15991',
        keyspace: 'ks',
        mysql: 'mysql://u@localhost:15306/ks',
        tables: ['ord*', 'users'],
        filters,
      },
    ],
  });
  const source = parse(vitess({ orders: "region = 'eu' AND NOT deleted", 'ks.users': 'id > 10' })).sources[0];
  assert.deepEqual(source.filters, { 'ks.orders': "region = 'eu' AND NOT deleted", 'ks.users': 'id > 10' });
  assert.match(errorOf(vitess({ orders: 'region =' })), /source v, table ks\.orders: filter "region =" does not parse/);
  assert.match(
    errorOf(vitess({ 'other.orders': 'id = 1' })),
    /table "other.orders" is not matched by this source's tables/,
  );
});

test('ruleForTable: an exact entry first, else the first matching pattern as written', () => {
  const map = { 'public.*': 'glob', 'public.orders': 'exact', 'public.o*': 'second glob' };
  assert.equal(ruleForTable(map, 'public', 'orders'), 'exact');
  assert.equal(ruleForTable(map, 'public', 'owners'), 'glob');
  assert.equal(ruleForTable(map, 'sales', 'orders'), undefined);
  assert.equal(ruleForTable(undefined, 'public', 'orders'), undefined);
});
