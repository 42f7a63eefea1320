import type { PostgresSourceConfig } from './types';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './index';

const SOURCE = '{name: a, type: postgres, url: "postgres://u@h/db", tables: ["*"]}';

function config(nats: string, source = SOURCE): string {
  return `nats: ${nats}\nsources:\n  - ${source}\n`;
}

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  return assert.fail('expected a ConfigError');
}

test('${VAR} is replaced from the given env, not process.env', () => {
  process.env.CDC_CONFIG_TEST_UNUSED = 'from-process';
  const parsed = parseConfig(config('{url: "nats://${HOST}:${PORT}"}'), 'cdc.yaml', { HOST: 'n1', PORT: '4222' });
  assert.equal(parsed.nats.url, 'nats://n1:4222');
  assert.throws(
    () => parseConfig(config('{url: "nats://${CDC_CONFIG_TEST_UNUSED}"}'), 'cdc.yaml', {}),
    /environment variable CDC_CONFIG_TEST_UNUSED is not set/,
  );
  delete process.env.CDC_CONFIG_TEST_UNUSED;
});

test('env defaults to process.env', () => {
  process.env.CDC_CONFIG_TEST_HOST = 'from-process';
  try {
    assert.equal(
      parseConfig(config('{url: "nats://${CDC_CONFIG_TEST_HOST}"}'), 'cdc.yaml').nats.url,
      'nats://from-process',
    );
  } finally {
    delete process.env.CDC_CONFIG_TEST_HOST;
  }
});

test('${VAR:-default} uses the default when VAR is unset or empty', () => {
  const text = config('{url: "nats://${HOST:-localhost}:4222"}');
  assert.equal(parseConfig(text, 'cdc.yaml', {}).nats.url, 'nats://localhost:4222');
  assert.equal(parseConfig(text, 'cdc.yaml', { HOST: '' }).nats.url, 'nats://localhost:4222');
  assert.equal(parseConfig(text, 'cdc.yaml', { HOST: 'n9' }).nats.url, 'nats://n9:4222');
});

test('an unset variable without default names the variable and the path', () => {
  assert.equal(
    message(() => parseConfig(config('{url: nats://a, token: "${NATS_TOKEN}"}'), 'cdc.yaml', {})),
    'config error: cdc.yaml: nats.token: environment variable NATS_TOKEN is not set',
  );
  assert.equal(
    message(() => parseConfig(config('{url: nats://a}', SOURCE.replace('"*"', '"${SCHEMA}.*"')), 'cdc.yaml', {})),
    'config error: cdc.yaml: sources[0].tables[0]: environment variable SCHEMA is not set',
  );
});

test('an optional string that substitutes to "" counts as absent', () => {
  const parsed = parseConfig(config('{url: nats://a, token: "${NATS_TOKEN:-}"}'), 'cdc.yaml', {});
  assert.deepEqual(parsed.nats, { url: 'nats://a', replicas: 1, quorumLostAlertS: 30 });
  const source = SOURCE.replace('}', ', slot: "${SLOT:-}"}');
  assert.equal(
    (parseConfig(config('{url: nats://a}', source), 'cdc.yaml', {}).sources[0] as PostgresSourceConfig).slot,
    'cdc_a',
  );
  assert.equal(
    (parseConfig(config('{url: nats://a}', source), 'cdc.yaml', { SLOT: 's1' }).sources[0] as PostgresSourceConfig)
      .slot,
    's1',
  );
});

test('$${ is a literal ${ and substituted values are not substituted again', () => {
  const text = config('{url: nats://a, user: "$${USER}", password: "${PW}"}');
  const parsed = parseConfig(text, 'cdc.yaml', { USER: 'x', PW: '${USER}' });
  assert.equal(parsed.nats.user, '${USER}');
  assert.equal(parsed.nats.password, '${USER}');
});

test('malformed references are errors that do not echo the value', () => {
  for (const bad of ['${', '${1X}', '${A B}', 'pre${file:}']) {
    assert.equal(
      message(() => parseConfig(config(`{url: nats://a, user: u, password: "${bad}"}`), 'cdc.yaml', {})),
      'config error: cdc.yaml: nats.password: malformed ${...} reference (expected ${NAME}, ${NAME:-default} or ${file:/path}; write $${ for a literal ${)',
    );
  }
});

test('numbers and booleans may come from substitution', () => {
  const source = SOURCE.replace('}', ', partitions: "${PARTS:-8}", snapshot: {enabled: "${SNAP}"}}');
  const parsed = parseConfig(config('{url: nats://a}', source), 'cdc.yaml', { SNAP: 'false' });
  assert.equal(parsed.sources[0].partitions, 8);
  assert.equal((parsed.sources[0] as PostgresSourceConfig).snapshot.enabled, false);
  assert.equal(
    message(() => parseConfig(config('{url: nats://a}', source), 'cdc.yaml', { PARTS: 'lots', SNAP: 'true' })),
    'config error: cdc.yaml: sources[0].partitions: expected integer, got (value from ${...}, not shown)',
  );
});

test('${file:...} reads a secret file, trimmed; relative paths follow the config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-config-'));
  try {
    writeFileSync(join(dir, 'nats-password'), '  s3cret \n');
    const file = join(dir, 'cdc.yaml');
    writeFileSync(file, config(`{url: nats://a, user: u, password: "\${file:${join(dir, 'nats-password')}}"}`));
    assert.equal(loadConfig(file, {}).nats.password, 's3cret');
    writeFileSync(file, config('{url: nats://a, user: u, password: "${file:nats-password}"}'));
    assert.equal(loadConfig(file, {}).nats.password, 's3cret');
    const missing = join(dir, 'missing');
    writeFileSync(file, config(`{url: nats://a, user: u, password: "\${file:${missing}}"}`));
    assert.equal(
      message(() => loadConfig(file, {})),
      `config error: ${file}: nats.password: cannot read secret file ${JSON.stringify(missing)} (ENOENT)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('secret values never appear in error messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-config-'));
  try {
    writeFileSync(join(dir, 'pw'), 'T0pSecret');
    // A substituted password inside a URL with the wrong scheme: the URL is shown redacted.
    const wrongScheme = SOURCE.replace('"postgres://u@h/db"', '"mysql://u:${PW}@h/db"');
    const m1 = message(() => parseConfig(config('{url: nats://a}', wrongScheme), 'cdc.yaml', { PW: 'T0pSecret' }));
    assert.equal(
      m1,
      'config error: cdc.yaml: sources[0].url: expected a postgres:// or postgresql:// URL, got "mysql://u:***@h/db"',
    );
    // A password with characters that break URL parsing: the URL is not shown at all.
    const broken = SOURCE.replace('"postgres://u@h/db"', '"postgres://u:${PW}@h/db"');
    const m2 = message(() => parseConfig(config('{url: nats://a}', broken), 'cdc.yaml', { PW: 'T0p:Secret/x' }));
    assert.ok(!m2.includes('T0p'), m2);
    // A secret substituted where a name is expected is not echoed.
    const named = SOURCE.replace('name: a', `name: "\${file:${join(dir, 'pw')}}."`);
    const m3 = message(() => parseConfig(config('{url: nats://a}', named), 'cdc.yaml', {}));
    assert.equal(
      m3,
      'config error: cdc.yaml: sources[0].name: must match ^[A-Za-z0-9_-]+$, got (value from ${...}, not shown)',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keys are not substituted', () => {
  assert.equal(
    message(() => parseConfig('nats: {url: nats://a, "${K}": 1}\n', 'cdc.yaml', { K: 'user' })),
    'config error: cdc.yaml: nats["${K}"]: unknown key (known keys: url, user, password, token, nkey_seed, creds_file, tls, replicas, max_bytes, max_age_s, quorum_lost_alert_s)',
  );
});
