// Over 400 lines on purpose: the config's one contract, case by case: most of the length is the table of bad configs and the one-line error each must give, which reads best as one list.
import { tmpdir } from 'node:os';
import type { PostgresSourceConfig } from './types';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, parseConfig, type PipelineConfig } from './index';

const EXAMPLE = join(__dirname, '..', 'example.yaml');

/** A small valid config as plain data; cases below break one thing in a copy of it. */
function base(): Record<string, unknown> & {
  sources: Array<Record<string, unknown>>;
  destinations: Array<Record<string, unknown>>;
} {
  return {
    nats: { url: 'nats://localhost:4222' },
    sources: [
      { name: 'a', type: 'postgres', url: 'postgres://u:secret@localhost/app', tables: ['public.*'] },
      { name: 'b', type: 'postgres', url: 'postgres://u:secret@localhost/other', tables: ['sales.*'] },
    ],
    destinations: [{ name: 'dw', type: 'postgres', url: 'postgres://u:secret@localhost/dw', sources: ['a', 'b'] }],
  };
}

function parse(text: string, env: NodeJS.ProcessEnv = {}): PipelineConfig {
  return parseConfig(text, 'cdc.yaml', env);
}

function errorOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parse(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ConfigError');
    assert.ok(!error.message.includes('\n'), 'message must be one line');
    return error.message;
  }
  return assert.fail('expected a ConfigError');
}

function errorOfData(data: unknown, env: NodeJS.ProcessEnv = {}): string {
  return errorOf(stringify(data), env);
}

test('the example file parses with every default filled in', () => {
  const config = loadConfig(EXAMPLE, {});
  assert.deepEqual(config.nats, {
    url: ['nats://localhost:4222', 'nats://localhost:4223'],
    user: 'cdc',
    password: 'cdc',
    replicas: 1,
    quorumLostAlertS: 30,
  });
  assert.equal(config.sources.length, 2);
  assert.deepEqual(config.sources[0], {
    name: 'shop',
    type: 'postgres',
    url: 'postgres://cdc:cdc@localhost:5432/shop',
    publication: 'cdc_shop',
    slot: 'cdc_shop',
    tables: ['public.*', 'sales.order_*', 'public.audit_log'],
    partitions: 8,
    partitionByKey: ['public.audit_log'],
    snapshot: { enabled: true, parallelism: 2, chunkRows: 100_000 },
    publish: {
      maxOps: 2000,
      maxBytes: 1_000_000,
      maxDelayMs: 10,
      watermarkIntervalMs: 500,
      maxBufferedBytes: 16_777_216,
    },
    statusIntervalMs: 1000,
    tableDiscoveryIntervalS: 60,
    largeTransactions: { stream: true, spillDir: tmpdir() },
    failoverUrls: [],
  });
  assert.equal((config.sources[1] as PostgresSourceConfig).publication, 'billing_pub');
  assert.equal((config.sources[1] as PostgresSourceConfig).slot, 'billing_eu_slot');
  assert.equal(config.sources[1].partitions, 16);
  assert.equal((config.sources[1] as PostgresSourceConfig).statusIntervalMs, 2000);
  assert.deepEqual((config.sources[1] as PostgresSourceConfig).largeTransactions, {
    stream: true,
    spillDir: '/var/lib/cdc/spill',
  });
  assert.deepEqual(config.destinations[0], {
    name: 'warehouse',
    type: 'postgres',
    url: 'postgres://applier:applier@localhost:5433/warehouse',
    sources: ['shop', 'billing-eu'],
    createTables: true,
    tables: { 'public.users': 'crm.customers', 'invoices.invoice': 'finance.invoices' },
    schema: 'replica',
    batch: { maxOps: 5000, maxWaitMs: 50, maxIdleMs: 10, maxBytes: 16777216 },
    concurrency: 8,
    membership: { heartbeatMs: 1000, ttlMs: 5000 },
    onError: 'dead-letter',
    missingColumns: 'create',
    tablePolicies: {},
  });
  assert.deepEqual(config.destinations[1], {
    name: 'shop-mirror',
    type: 'postgres',
    url: 'postgres://applier:applier@localhost:5434/shop',
    sources: ['shop'],
    createTables: false,
    tables: {},
    batch: { maxOps: 5000, maxWaitMs: 50, maxIdleMs: 10, maxBytes: 16777216 },
    concurrency: 4,
    membership: { heartbeatMs: 1000, ttlMs: 5000 },
    onError: 'stop',
    missingColumns: 'fail',
    tablePolicies: {},
  });
  const consolidated = config.destinations[2];
  assert.deepEqual(consolidated.sourceId, { column: 'tenant', values: { shop: 'shop', 'billing-eu': 'billing' } });
  assert.deepEqual(consolidated.tables, {
    'public.users': 'tenants.customers',
    'invoices.invoice': 'tenants.invoice_log',
  });
  assert.deepEqual(consolidated.tablePolicies, {
    'sales.order_lines': {
      mode: 'history',
      rename: { amount: 'amount_cents' },
      exclude: ['internal_note'],
      deletes: 'ignore',
    },
    'invoices.invoice': { mode: 'append-only', rename: {}, exclude: [], deletes: 'record' },
  });
  assert.deepEqual(config.coordinator, { intervalMs: 500 });
});

test('the example file takes secrets from the environment', () => {
  const config = loadConfig(EXAMPLE, { NATS_PASSWORD: 'n4ts', SHOP_PG_PASSWORD: 'p%40ss' });
  assert.equal(config.nats.password, 'n4ts');
  assert.equal((config.sources[0] as PostgresSourceConfig).url, 'postgres://cdc:p%40ss@localhost:5432/shop');
});

test('a minimal config gets every default', () => {
  const config = parse(
    'nats: {url: "localhost:4222"}\nsources:\n  - {name: My-Src, type: postgres, url: "postgresql:///db?host=/tmp", tables: [users]}\n',
  );
  assert.deepEqual(config, {
    nats: { url: 'localhost:4222', replicas: 1, quorumLostAlertS: 30 },
    sources: [
      {
        name: 'My-Src',
        type: 'postgres',
        url: 'postgresql:///db?host=/tmp',
        publication: 'cdc_my_src',
        slot: 'cdc_my_src',
        tables: ['public.users'],
        partitions: 16,
        partitionByKey: [],
        snapshot: { enabled: true, parallelism: 4, chunkRows: 100_000 },
        publish: {
          maxOps: 2000,
          maxBytes: 1_000_000,
          maxDelayMs: 20,
          watermarkIntervalMs: 500,
          maxBufferedBytes: 16_777_216,
        },
        statusIntervalMs: 1000,
        tableDiscoveryIntervalS: 60,
        largeTransactions: { stream: true, spillDir: tmpdir() },
        failoverUrls: [],
      },
    ],
    destinations: [],
    coordinator: { intervalMs: 500 },
  });
});

test('null values count as absent, so an emptied section keeps its defaults', () => {
  const config = parse(stringify({ ...base(), coordinator: null }).replace('coordinator: null', 'coordinator:'));
  assert.deepEqual(config.coordinator, { intervalMs: 500 });
});

test('null is absent for a key, a value where null is one (constant: null), an error in a name map', () => {
  const data = base();
  Object.assign(data.destinations[0], { transforms: { users: { city: { constant: null } } }, batch: null });
  const destination = parse(stringify(data)).destinations[0];
  assert.deepEqual(destination.transforms?.['public.users'], { city: { kind: 'constant', value: null, onKey: false } });
  assert.equal(destination.batch.maxOps, 5000);
  Object.assign(data.destinations[0], { tables: { 'public.users': null } });
  assert.equal(
    errorOfData(data),
    'config error: cdc.yaml: destinations[0].tables["public.users"]: expected string or mapping, got null',
  );
});

test('YAML anchors, merge keys and x- extension keys work', () => {
  const text = [
    'x-pg: &pg {type: postgres, url: "postgres://u@h/db"}',
    'nats: {url: nats://n:4222}',
    'sources:',
    '  - <<: *pg',
    '    name: a',
    '    tables: ["*"]',
  ].join('\n');
  const config = parse(text);
  assert.equal((config.sources[0] as PostgresSourceConfig).url, 'postgres://u@h/db');
  assert.deepEqual(config.sources[0].tables, ['public.*']);
});

test('file-level errors', () => {
  const empty = 'config error: cdc.yaml: file is empty (expected a mapping with nats, sources and destinations)';
  assert.equal(errorOf(''), empty);
  assert.equal(errorOf('# only a comment\n\n'), empty);
  assert.equal(errorOf('- a\n- b\n'), 'config error: cdc.yaml: top level: expected mapping, got list');
  assert.equal(errorOf('nats: {url: x}\nnats: {url: y}\n'), 'config error: cdc.yaml:2:1: Map keys must be unique');
  assert.equal(
    errorOf('nats:\n  url: [a, b\nsources: []\n'),
    'config error: cdc.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
  );
  assert.equal(errorOf('nats:\n\turl: x\n').startsWith('config error: cdc.yaml:2:1: '), true);
});

test('syntax errors do not quote the offending line (it may hold a secret)', () => {
  const message = errorOf('nats:\n  password: "hunter2\n');
  assert.match(message, /^config error: cdc\.yaml:\d+:\d+: /);
  assert.ok(!message.includes('hunter2'), message);
});

test('loadConfig reports an unreadable file', () => {
  assert.throws(() => loadConfig('/nonexistent/cdc.yaml', {}), {
    name: 'ConfigError',
    message: 'config error: /nonexistent/cdc.yaml: cannot read file (ENOENT)',
  });
});

test('nats replicas and stream limits', () => {
  const config = parse(
    'nats: {url: nats://a, replicas: 3, max_bytes: 67108864, max_age_s: 3600, quorum_lost_alert_s: 10}\n' +
      'sources:\n  - {name: s, type: postgres, url: "postgres:///db", tables: [t]}\n',
  );
  assert.equal(config.nats.replicas, 3);
  assert.equal(config.nats.maxBytes, 67108864);
  assert.equal(config.nats.maxAgeS, 3600);
  assert.equal(config.nats.quorumLostAlertS, 10);
  const five = parse(
    'nats: {url: nats://a, replicas: "${R}"}\nsources:\n  - {name: s, type: postgres, url: "postgres:///db", tables: [t]}\n',
    {
      R: '5',
    },
  );
  assert.equal(five.nats.replicas, 5);
});

const cases: Array<[string, (data: ReturnType<typeof base>) => void, string]> = [
  ['nats missing', (d) => delete d.nats, 'nats: required'],
  ['nats.url missing', (d) => (d.nats = { user: 'x', password: 'y' }), 'nats.url: required'],
  ['nats.url wrong type', (d) => (d.nats = { url: 4222 }), 'nats.url: expected string or list of strings, got integer'],
  ['nats.url empty list', (d) => (d.nats = { url: [] }), 'nats.url: must list at least one server'],
  ['nats.replicas even', (d) => (d.nats = { url: 'nats://a', replicas: 2 }), 'nats.replicas: must be 1, 3 or 5, got 2'],
  [
    'nats.replicas too many',
    (d) => (d.nats = { url: 'nats://a', replicas: 7 }),
    'nats.replicas: must be between 1 and 5, got 7',
  ],
  [
    'nats.max_bytes zero',
    (d) => (d.nats = { url: 'nats://a', max_bytes: 0 }),
    'nats.max_bytes: must be at least 1, got 0',
  ],
  [
    'nats.max_bytes below a message',
    (d) => (d.nats = { url: 'nats://a', max_bytes: 500_000 }),
    'nats.max_bytes: must be at least publish.max_bytes of source a (1000000), got 500000',
  ],
  [
    'nats.max_age_s zero',
    (d) => (d.nats = { url: 'nats://a', max_age_s: 0 }),
    'nats.max_age_s: must be at least 1, got 0',
  ],
  [
    'nats.url wrong scheme',
    (d) => (d.nats = { url: ['nats://a:4222', 'http://b:4222'] }),
    'nats.url[1]: expected a nats://, tls://, ws:// or wss:// URL, got "http://b:4222"',
  ],
  [
    'nats.url comma-separated',
    (d) => (d.nats = { url: 'nats://a:4222,nats://b:4222' }),
    'nats.url: not a valid URL (expected nats://, tls://, ws:// or wss://...) (list several servers as a YAML list)',
  ],
  [
    'nats user without password',
    (d) => (d.nats = { url: 'nats://a', user: 'u' }),
    'nats.password: required when user is set',
  ],
  [
    'nats password without user',
    (d) => (d.nats = { url: 'nats://a', password: 'p' }),
    'nats.user: required when password is set',
  ],
  [
    'nats token with user',
    (d) => (d.nats = { url: 'nats://a', user: 'u', password: 'p', token: 't' }),
    'nats.token: cannot be combined with user (one authentication method)',
  ],
  ['unknown top-level key', (d) => (d.source = []), 'source: unknown key (did you mean "sources"?)'],
  [
    'unknown key with a typo',
    (d) => (d.sources[0].slott = 'x'),
    'sources[0].slott: unknown key (did you mean "slot"?)',
  ],
  ['transposed key', (d) => (d.sources[0].tabels = ['x']), 'sources[0].tabels: unknown key (did you mean "tables"?)'],
  [
    'camelCase key',
    (d) => (d.sources[0].statusIntervalMs = 5),
    'sources[0].statusIntervalMs: unknown key (did you mean "status_interval_ms"?)',
  ],
  [
    'nested unknown key',
    (d) => (d.sources[0].publish = { maxOps: 1 }),
    'sources[0].publish.maxOps: unknown key (did you mean "max_ops"?)',
  ],
  [
    'unknown key without a close match',
    (d) => (d.nats = { url: 'nats://a', zzzzzz: 1 }),
    'nats.zzzzzz: unknown key (known keys: url, user, password, token, nkey_seed, creds_file, tls, replicas, max_bytes, max_age_s, quorum_lost_alert_s)',
  ],
  [
    'odd unknown key is quoted',
    (d) => (d.coordinator = { 'a b': 1 }),
    'coordinator["a b"]: unknown key (known keys: interval_ms)',
  ],
  ['sources missing', (d) => delete (d as Record<string, unknown>).sources, 'sources: required'],
  ['sources empty', (d) => (d.sources = []), 'sources: at least one source is required'],
  [
    'sources not a list',
    (d) => ((d as Record<string, unknown>).sources = { a: 1 }),
    'sources: expected list, got mapping',
  ],
  ['source not a mapping', (d) => ((d.sources as unknown[])[0] = 'a'), 'sources[0]: expected mapping, got string'],
  ['source name missing', (d) => delete d.sources[0].name, 'sources[0].name: required'],
  ['source name empty', (d) => (d.sources[0].name = ''), 'sources[0].name: must not be empty'],
  [
    'source name invalid',
    (d) => (d.sources[0].name = 'a.b'),
    'sources[0].name: must match ^[A-Za-z0-9_-]+$, got "a.b"',
  ],
  ['duplicate source name', (d) => (d.sources[1].name = 'a'), 'sources[1].name: duplicate name "a" (also sources[0])'],
  ['source type missing', (d) => delete d.sources[0].type, 'sources[0].type: required'],
  [
    'unknown source type',
    (d) => (d.sources[0].type = 'x'),
    'sources[0].type: unknown source type "x" (expected: postgres, vitess)',
  ],
  ['source url missing', (d) => delete d.sources[0].url, 'sources[0].url: required'],
  [
    'source url wrong type',
    (d) => (d.sources[0].url = 5432),
    'sources[0].url: expected string, got integer (quote it)',
  ],
  [
    'source url wrong scheme (password redacted)',
    (d) => (d.sources[0].url = 'mysql://root:secret@db/app'),
    'sources[0].url: expected a postgres:// or postgresql:// URL, got "mysql://root:***@db/app"',
  ],
  [
    'source url not a URL',
    (d) => (d.sources[0].url = 'postgres://u:secret@h1:5432,h2:5432/db'),
    'sources[0].url: not a valid URL (expected postgres:// or postgresql://...)',
  ],
  [
    'source url with an unescaped / in the password',
    (d) => (d.sources[0].url = 'postgres://u:123/secret@h/db'),
    'sources[0].url: not a valid URL: "@" after the host (percent-encode special characters in the password, e.g. / as %2F)',
  ],
  [
    'source url without scheme',
    (d) => (d.sources[0].url = 'localhost:5432'),
    'sources[0].url: expected a postgres:// or postgresql:// URL',
  ],
  [
    'slot invalid',
    (d) => (d.sources[0].slot = 'Bad-Slot'),
    'sources[0].slot: must match ^[a-z0-9_]{1,63}$, got "Bad-Slot"',
  ],
  [
    'derived slot too long',
    (d) => (d.sources[0].name = 'x'.repeat(60)),
    `sources[0].publication: default "cdc_${'x'.repeat(60)}" is longer than 63 bytes; set publication`,
  ],
  [
    'derived slot too long with publication set',
    (d) => Object.assign(d.sources[0], { name: 'x'.repeat(60), publication: 'p' }),
    `sources[0].slot: default "cdc_${'x'.repeat(60)}" does not match ^[a-z0-9_]{1,63}$; set slot`,
  ],
  [
    'publication too long',
    (d) => (d.sources[0].publication = 'p'.repeat(64)),
    'sources[0].publication: longer than 63 bytes',
  ],
  ['tables missing', (d) => delete d.sources[0].tables, 'sources[0].tables: required'],
  ['tables empty', (d) => (d.sources[0].tables = []), 'sources[0].tables: must list at least one table pattern'],
  ['tables not a list', (d) => (d.sources[0].tables = 'public.*'), 'sources[0].tables: expected list, got string'],
  [
    'table pattern wrong type',
    (d) => (d.sources[0].tables = [1]),
    'sources[0].tables[0]: expected string, got integer (quote it)',
  ],
  [
    'table pattern with empty half',
    (d) => (d.sources[0].tables = ['public.*', 'sales.']),
    'sources[0].tables[1]: expected "schema.table" or "table", got "sales."',
  ],
  [
    'duplicate table pattern',
    (d) => (d.sources[0].tables = ['users', 'public.users']),
    'sources[0].tables[1]: duplicate table pattern "public.users"',
  ],
  [
    'partitions not a number',
    (d) => (d.sources[0].partitions = 'many'),
    'sources[0].partitions: expected integer, got string',
  ],
  [
    'partitions quoted number',
    (d) => (d.sources[0].partitions = '8'),
    'sources[0].partitions: expected integer, got string',
  ],
  [
    'partitions fractional',
    (d) => (d.sources[0].partitions = 1.5),
    'sources[0].partitions: expected integer, got number',
  ],
  [
    'partitions too large',
    (d) => (d.sources[0].partitions = 2000),
    'sources[0].partitions: must be between 1 and 1024, got 2000',
  ],
  ['partitions zero', (d) => (d.sources[0].partitions = 0), 'sources[0].partitions: must be between 1 and 1024, got 0'],
  [
    'snapshot.parallelism too large',
    (d) => (d.sources[0].snapshot = { parallelism: 33 }),
    'sources[0].snapshot.parallelism: must be between 1 and 32, got 33',
  ],
  [
    'snapshot.enabled not a boolean',
    (d) => (d.sources[0].snapshot = { enabled: 'yes' }),
    'sources[0].snapshot.enabled: expected boolean, got string',
  ],
  [
    'snapshot not a mapping',
    (d) => (d.sources[0].snapshot = true),
    'sources[0].snapshot: expected mapping, got boolean',
  ],
  [
    'publish.max_buffered_bytes zero',
    (d) => (d.sources[0].publish = { max_buffered_bytes: 0 }),
    'sources[0].publish.max_buffered_bytes: must be at least 1, got 0',
  ],
  [
    'publish.max_delay_ms negative',
    (d) => (d.sources[0].publish = { max_delay_ms: -1 }),
    'sources[0].publish.max_delay_ms: must be at least 0, got -1',
  ],
  [
    'partition_by with an unknown mode',
    (d) => (d.sources[0].partition_by = { 'public.audit_log': 'row' }),
    'sources[0].partition_by["public.audit_log"]: expected key or table, got "row"',
  ],
  [
    'partition_by naming a table the source does not stream',
    (d) => (d.sources[0].partition_by = { 'other.nope': 'key' }),
    'sources[0].partition_by["other.nope"]: table "other.nope" is not matched by this source\'s tables',
  ],
  [
    'partition_by not a mapping',
    (d) => (d.sources[0].partition_by = ['public.audit_log']),
    'sources[0].partition_by: expected mapping, got list',
  ],
  [
    'failover_urls with a URL that is not postgres',
    (d) => (d.sources[0].failover_urls = ['postgres://cdc@standby:5432/shop', 'mysql://x@y/z']),
    'sources[0].failover_urls[1]: expected a postgres:// or postgresql:// URL, got "mysql://x@y/z"',
  ],
  [
    'large_transactions with a misspelt key',
    (d) => (d.sources[0].large_transactions = { spilldir: '/tmp' }),
    'sources[0].large_transactions.spilldir: unknown key (did you mean "spill_dir"?)',
  ],
  [
    'large_transactions.stream not a boolean',
    (d) => (d.sources[0].large_transactions = { stream: 'yes' }),
    'sources[0].large_transactions.stream: expected boolean, got string',
  ],
  [
    'status_interval_ms zero',
    (d) => (d.sources[0].status_interval_ms = 0),
    'sources[0].status_interval_ms: must be at least 1, got 0',
  ],
  [
    'destinations not a list',
    (d) => ((d as Record<string, unknown>).destinations = 'dw'),
    'destinations: expected list, got string',
  ],
  ['destination name missing', (d) => delete d.destinations[0].name, 'destinations[0].name: required'],
  [
    'duplicate destination name',
    (d) => d.destinations.push({ ...d.destinations[0] }),
    'destinations[1].name: duplicate name "dw" (also destinations[0])',
  ],
  [
    'unknown destination type',
    (d) => (d.destinations[0].type = 'oracle'),
    'destinations[0].type: unknown destination type "oracle" (expected: postgres, mysql)',
  ],
  [
    'mysql destination with a postgres url',
    (d) => (d.destinations[0].type = 'mysql'),
    'destinations[0].url: expected a mysql:// URL, got "postgres://u:***@localhost/dw"',
  ],
  [
    'mysql destination url without a database',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u:secret@localhost:3306' }),
    'destinations[0].url: must name a database (mysql://user@host:port/<database>): it holds the checkpoint table',
  ],
  [
    'mysql destination with an unknown unrepresentable policy',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u@h/db', unrepresentable: 'skip' }),
    'destinations[0].unrepresentable: expected one of fail, json, null, got "skip"',
  ],
  [
    'mysql tls ca_file missing',
    (d) =>
      Object.assign(d.destinations[0], {
        type: 'mysql',
        url: 'mysql://u@h/db',
        tls: { ca_file: '/nonexistent/ca.pem' },
      }),
    'destinations[0].tls.ca_file: cannot read "/nonexistent/ca.pem" (ENOENT)',
  ],
  [
    'mysql tls cert_file without key_file',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u@h/db', tls: { cert_file: __filename } }),
    'destinations[0].tls.key_file: cert_file and key_file go together',
  ],
  [
    'mysql tls key_file without cert_file',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u@h/db', tls: { key_file: __filename } }),
    'destinations[0].tls.cert_file: cert_file and key_file go together',
  ],
  [
    'mysql tls verify not a boolean',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u@h/db', tls: { verify: 'no' } }),
    'destinations[0].tls.verify: expected boolean, got string',
  ],
  [
    'mysql tls unknown key',
    (d) => Object.assign(d.destinations[0], { type: 'mysql', url: 'mysql://u@h/db', tls: { ca: __filename } }),
    'destinations[0].tls.ca: unknown key (known keys: ca_file, cert_file, key_file, verify)',
  ],
  [
    'mysql tls and an ssl query in the url',
    (d) =>
      Object.assign(d.destinations[0], {
        type: 'mysql',
        url: 'mysql://u:secret@h/db?ssl={"rejectUnauthorized":true}',
        tls: {},
      }),
    'destinations[0].url: has an ssl query parameter and tls is set: configure TLS in tls only',
  ],
  [
    'tls on a postgres destination',
    (d) => (d.destinations[0].tls = { ca_file: __filename }),
    'destinations[0].tls: unknown key (known keys: name, type, url, sources, create_tables, tables, schema, batch, concurrency, membership, on_error, source_id, missing_columns, filters, transforms, transform_key)',
  ],
  [
    'vitess mysql_tls cert_file unreadable',
    (d) =>
      (d.sources[1] = {
        name: 'b',
        type: 'vitess',
        vtgate: 'vtgate:15991',
        keyspace: 'shop',
        mysql: 'mysql://u@vtgate:15306/shop',
        tables: ['*'],
        mysql_tls: { cert_file: '/nonexistent/client.pem', key_file: __filename },
      }),
    'sources[1].mysql_tls.cert_file: cannot read "/nonexistent/client.pem" (ENOENT)',
  ],
  [
    'unrepresentable on a postgres destination',
    (d) => (d.destinations[0].unrepresentable = 'json'),
    'destinations[0].unrepresentable: unknown key (known keys: name, type, url, sources, create_tables, tables, schema, batch, concurrency, membership, on_error, source_id, missing_columns, filters, transforms, transform_key)',
  ],
  [
    'on_error not a policy',
    (d) => (d.destinations[0].on_error = 'skip'),
    'destinations[0].on_error: expected one of stop, dead-letter, got "skip"',
  ],
  ['destination url missing', (d) => delete d.destinations[0].url, 'destinations[0].url: required'],
  ['destination sources missing', (d) => delete d.destinations[0].sources, 'destinations[0].sources: required'],
  [
    'destination sources empty',
    (d) => (d.destinations[0].sources = []),
    'destinations[0].sources: must list at least one source',
  ],
  [
    'destination references a missing source',
    (d) => (d.destinations[0].sources = ['a', 'x']),
    'destinations[0].sources[1]: unknown source "x" (known: a, b)',
  ],
  [
    'destination lists a source twice',
    (d) => (d.destinations[0].sources = ['a', 'a']),
    'destinations[0].sources[1]: duplicate source "a"',
  ],
  [
    'create_tables not a boolean',
    (d) => (d.destinations[0].create_tables = 1),
    'destinations[0].create_tables: expected boolean, got integer',
  ],
  [
    'mapping key without a schema',
    (d) => (d.destinations[0].tables = { users: 'crm.customers' }),
    'destinations[0].tables.users: key must be "schema.table"',
  ],
  [
    'mapping value without a schema',
    (d) => (d.destinations[0].tables = { 'public.users': 'customers' }),
    'destinations[0].tables["public.users"]: expected "schema.table", got "customers"',
  ],
  [
    'mapping key no source selects',
    (d) => (d.destinations[0].tables = { 'crm.users': 'crm.customers' }),
    'destinations[0].tables["crm.users"]: not matched by the table patterns of sources "a", "b"',
  ],
  [
    'mapping key is case-sensitive',
    (d) => Object.assign(d.destinations[0], { sources: ['a'], tables: { 'Public.users': 'crm.customers' } }),
    'destinations[0].tables["Public.users"]: not matched by the table patterns of source "a"',
  ],
  [
    'batch.max_ops zero',
    (d) => (d.destinations[0].batch = { max_ops: 0 }),
    'destinations[0].batch.max_ops: must be at least 1, got 0',
  ],
  [
    'concurrency zero',
    (d) => (d.destinations[0].concurrency = 0),
    'destinations[0].concurrency: must be between 1 and 1024, got 0',
  ],
  [
    'coordinator.interval_ms wrong type',
    (d) => (d.coordinator = { interval_ms: '1s' }),
    'coordinator.interval_ms: expected integer, got string',
  ],
];

for (const [name, breakIt, problem] of cases) {
  test(`error: ${name}`, () => {
    const data = base();
    breakIt(data);
    const message = errorOfData(data);
    assert.equal(message, `config error: cdc.yaml: ${problem}`);
    assert.ok(!message.includes('secret'), `a password leaked: ${message}`);
  });
}

test('ConfigError carries the file and the path', () => {
  const data = base();
  data.sources[0].slott = 'x';
  try {
    parse(stringify(data));
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.file, 'cdc.yaml');
    assert.equal(error.path, 'sources[0].slott');
  }
});

test('the base config used by the error cases is itself valid', () => {
  const config = parse(stringify(base()));
  assert.equal(config.sources.length, 2);
  assert.deepEqual(config.destinations[0].sources, ['a', 'b']);
});

test('the README shows example.yaml verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const block = /## Full example[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a "Full example" yaml block');
  assert.equal(block[1], readFileSync(EXAMPLE, 'utf8'));
});

test('a mysql destination: url, policy (default fail), load_data (default true) and the common keys', () => {
  const data = base();
  data.destinations.push({
    name: 'mariadb',
    type: 'mysql',
    url: 'mysql://app:secret@db:3306/replica',
    sources: ['a'],
    create_tables: true,
    schema: 'replica',
    unrepresentable: 'json',
  });
  const config = parse(stringify(data));
  const [postgres, mysql] = config.destinations;
  assert.equal(postgres.type, 'postgres');
  assert.deepEqual(mysql, {
    name: 'mariadb',
    type: 'mysql',
    url: 'mysql://app:secret@db:3306/replica',
    sources: ['a'],
    createTables: true,
    tables: {},
    schema: 'replica',
    batch: { maxOps: 5000, maxWaitMs: 50, maxIdleMs: 10, maxBytes: 16777216 },
    concurrency: 4,
    membership: { heartbeatMs: 1000, ttlMs: 5000 },
    onError: 'stop',
    unrepresentable: 'json',
    loadData: true,
    missingColumns: 'create',
    tablePolicies: {},
  });
  data.destinations[1].unrepresentable = undefined;
  const fallback = parse(stringify(data)).destinations[1];
  assert.equal(fallback.type === 'mysql' && fallback.unrepresentable, 'fail');
  Object.assign(data.destinations[1], { load_data: false });
  const inserts = parse(stringify(data)).destinations[1];
  assert.equal(inserts.type === 'mysql' && inserts.loadData, false);
  Object.assign(data.destinations[1], { load_data: 'yes' });
  assert.throws(() => parse(stringify(data)), /load_data/);
});

test('mysql tls: files, verify (default true); absent means no tls', () => {
  const data = base();
  data.sources[1] = {
    name: 'b',
    type: 'vitess',
    vtgate: 'vtgate:15991',
    keyspace: 'shop',
    mysql: 'mysql://u@vtgate:15306/shop',
    tables: ['*'],
    mysql_tls: { verify: false },
  };
  data.destinations.push({
    name: 'mariadb',
    type: 'mysql',
    url: 'mysql://app:secret@db:3306/replica',
    sources: ['a'],
    tls: { ca_file: __filename, cert_file: __filename, key_file: __filename },
  });
  const config = parse(stringify(data));
  const mysql = config.destinations[1];
  assert.ok(mysql.type === 'mysql');
  assert.deepEqual(mysql.tls, { caFile: __filename, certFile: __filename, keyFile: __filename, verify: true });
  const vitess = config.sources[1];
  assert.ok(vitess.type === 'vitess');
  assert.deepEqual(vitess.mysqlTls, { verify: false });
  data.destinations[1].tls = {};
  const empty = parse(stringify(data)).destinations[1];
  assert.deepEqual(empty.type === 'mysql' && empty.tls, { verify: true });
  delete data.destinations[1].tls;
  const none = parse(stringify(data)).destinations[1];
  assert.ok(none.type === 'mysql' && !('tls' in none));
});
