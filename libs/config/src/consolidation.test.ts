import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { ConfigError, parseConfig, type PipelineConfig } from './index';

function config(destination: Record<string, unknown>): string {
  return stringify({
    nats: { url: 'nats://localhost:4222' },
    sources: [
      { name: 'tenant_a', type: 'postgres', url: 'postgres://u@h/a', tables: ['public.*'] },
      { name: 'tenant_b', type: 'postgres', url: 'postgres://u@h/b', tables: ['public.*'] },
    ],
    destinations: [
      { name: 'dw', type: 'postgres', url: 'postgres://u@h/dw', sources: ['tenant_a', 'tenant_b'], ...destination },
    ],
  });
}

const parse = (destination: Record<string, unknown>): PipelineConfig =>
  parseConfig(config(destination), 'cdc.yaml', {});

function errorOf(destination: Record<string, unknown>): string {
  try {
    parse(destination);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes('\n'));
    return error.message;
  }
  return assert.fail('expected a ConfigError');
}

test('defaults: no source id, missing_columns follows create_tables, no table policies', () => {
  const plain = parse({}).destinations[0];
  assert.equal(plain.sourceId, undefined);
  assert.equal(plain.missingColumns, 'fail');
  assert.deepEqual(plain.tablePolicies, {});
  assert.equal(parse({ create_tables: true }).destinations[0].missingColumns, 'create');
});

test('long and short table forms, source id with per-source values', () => {
  const d = parse({
    create_tables: true,
    source_id: { column: 'tenant', values: { tenant_a: 'a' } },
    missing_columns: 'ignore',
    tables: {
      'public.accounts': 'warehouse.accounts',
      'public.orders': {
        to: 'warehouse.orders',
        mode: 'history',
        columns: { rename: { amount: 'amount_cents' }, exclude: ['secret'] },
      },
      'public.events': { mode: 'append-only', deletes: 'record' },
    },
  }).destinations[0];
  assert.deepEqual(d.sourceId, { column: 'tenant', values: { tenant_a: 'a', tenant_b: 'tenant_b' } });
  assert.equal(d.missingColumns, 'ignore');
  assert.deepEqual(d.tables, { 'public.accounts': 'warehouse.accounts', 'public.orders': 'warehouse.orders' });
  assert.deepEqual(d.tablePolicies, {
    'public.orders': { mode: 'history', rename: { amount: 'amount_cents' }, exclude: ['secret'], deletes: 'ignore' },
    'public.events': { mode: 'append-only', rename: {}, exclude: [], deletes: 'record' },
  });
});

test('validation errors name the key', () => {
  assert.match(
    errorOf({ tables: { 'public.t': { mode: 'snapshot' } } }),
    /destinations\[0\]\.tables\["public\.t"\]\.mode.*expected one of clone, history, append-only/,
  );
  assert.match(
    errorOf({ tables: { 'public.t': { mode: 'history', deletes: 'record' } } }),
    /deletes.*only applies to mode: append-only/,
  );
  assert.match(errorOf({ tables: { 'public.t': { modes: 'history' } } }), /"public\.t"\]\.modes.*unknown key/);
  assert.match(
    errorOf({ tables: { 'public.t': { columns: { rename: { a: 'x', b: 'x' } } } } }),
    /rename.*"b" and "a" are both renamed to "x"/,
  );
  assert.match(errorOf({ tables: { 'public.t': { columns: { rename: { a: '_cdc_x' } } } } }), /reserved/);
  assert.match(
    errorOf({ tables: { 'public.t': { columns: { rename: { a: 'b' }, exclude: ['a'] } } } }),
    /also excluded/,
  );
  assert.match(errorOf({ tables: { 'public.t': { to: 'nodot' } } }), /tables\["public\.t"\]\.to.*schema\.table/);
  assert.match(errorOf({ source_id: { values: { tenant_a: 'a' } } }), /source_id\.column.*required/);
  assert.match(
    errorOf({ source_id: { column: 'tenant', values: { tenant_c: 'c' } } }),
    /values\.tenant_c.*not in this destination's sources/,
  );
  assert.match(errorOf({ source_id: { column: 'tenant', values: { tenant_a: 'tenant_b' } } }), /same id "tenant_b"/);
  assert.match(errorOf({ missing_columns: 'create' }), /missing_columns.*create_tables: true/);
  assert.match(errorOf({ missing_columns: 'maybe' }), /missing_columns.*expected one of fail, create, ignore/);
});

test('mysql destinations reject consolidation options by key', () => {
  const mysql = { type: 'mysql', url: 'mysql://u@h/dw' };
  assert.match(
    errorOf({ ...mysql, source_id: { column: 'tenant' } }),
    /destinations\[0\]\.source_id.*not supported for type: mysql/,
  );
  assert.match(
    errorOf({ ...mysql, tables: { 'public.t': { mode: 'history' } } }),
    /tables\["public\.t"\]\.mode.*not supported for type: mysql/,
  );
  assert.deepEqual(parse({ ...mysql, tables: { 'public.t': { to: 'x.t' } } }).destinations[0].tables, {
    'public.t': 'x.t',
  });
});
