import { test } from 'node:test';
import assert from 'node:assert/strict';
import { destinationsOfSource, findDestination, findSource, parseConfig, redactUrl } from './index';
import type { PostgresSourceConfig } from './types';

const TEXT = [
  'nats: {url: nats://a}',
  'sources:',
  '  - {name: a, type: postgres, url: "postgres://h/a", tables: ["*"]}',
  '  - {name: b, type: postgres, url: "postgres://h/b", tables: ["*"]}',
  '  - {name: c, type: postgres, url: "postgres://h/c", tables: ["*"]}',
  'destinations:',
  '  - {name: d1, type: postgres, url: "postgres://h/d1", sources: [a, b]}',
  '  - {name: d2, type: postgres, url: "postgres://h/d2", sources: [b]}',
].join('\n');

test('findSource / findDestination', () => {
  const config = parseConfig(TEXT, 'cdc.yaml', {});
  assert.equal((findSource(config, 'b') as PostgresSourceConfig).url, 'postgres://h/b');
  assert.equal(findDestination(config, 'd2').url, 'postgres://h/d2');
  assert.throws(() => findSource(config, 'x'), {
    name: 'ConfigError',
    message: 'config error: cdc.yaml: unknown source "x" (known: a, b, c)',
  });
  assert.throws(() => findDestination(config, 'x'), {
    name: 'ConfigError',
    message: 'config error: cdc.yaml: unknown destination "x" (known: d1, d2)',
  });
});

test('lookups on a config built by hand have no file in the message', () => {
  const config = { ...parseConfig(TEXT, 'cdc.yaml', {}), destinations: [] };
  assert.throws(() => findDestination(config, 'x'), { message: 'config error: unknown destination "x" (known: none)' });
});

test('destinationsOfSource', () => {
  const config = parseConfig(TEXT, 'cdc.yaml', {});
  assert.deepEqual(
    destinationsOfSource(config, 'b').map((d) => d.name),
    ['d1', 'd2'],
  );
  assert.deepEqual(
    destinationsOfSource(config, 'a').map((d) => d.name),
    ['d1'],
  );
  assert.deepEqual(destinationsOfSource(config, 'c'), []);
  assert.throws(() => destinationsOfSource(config, 'zz'), /unknown source "zz" \(known: a, b, c\)/);
});

test('redactUrl hides passwords and keeps everything else', () => {
  assert.equal(redactUrl('postgres://cdc:s3cret@db:5432/app'), 'postgres://cdc:***@db:5432/app');
  assert.equal(
    redactUrl('postgresql://cdc:p%40ss@db/app?sslmode=require'),
    'postgresql://cdc:***@db/app?sslmode=require',
  );
  assert.equal(redactUrl('postgres://cdc:p@ss@db/app'), 'postgres://cdc:***@db/app');
  assert.equal(redactUrl('postgres://db/app?user=cdc&password=s3cret'), 'postgres://db/app?user=cdc&password=***');
  assert.equal(redactUrl('postgres://cdc@db/app'), 'postgres://cdc@db/app');
  assert.equal(redactUrl('postgres:///app?host=/tmp'), 'postgres:///app?host=/tmp');
  assert.equal(redactUrl('nats://localhost:4222'), 'nats://localhost:4222');
  assert.equal(redactUrl('localhost:4222'), 'localhost:4222');
  assert.equal(redactUrl(''), '');
});

test('redactUrl masks conservatively what does not parse', () => {
  assert.equal(redactUrl('postgres://u:s3cret@h1:5432,h2:5432/db'), 'postgres://u:***@h1:5432,h2:5432/db');
  assert.equal(redactUrl('u:s3cret@host:4222'), 'u:***@host:4222');
  assert.equal(redactUrl('postgres://u:a/b?c#d@h:bad/db'), 'postgres://u:***@h:bad/db');
  assert.equal(redactUrl('postgres://u:123/x@h/db'), 'postgres://u:***@h/db');
});
