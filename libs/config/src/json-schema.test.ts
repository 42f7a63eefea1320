import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse, stringify } from 'yaml';
import { ConfigError, configJsonSchema, parseConfig } from './index';

// The JSON Schema editors get (`cdc config schema`), checked with a validator of its own (ajv)
// against every config the repository ships, and against what it must refuse.
const REPO = join(__dirname, '..', '..', '..');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(configJsonSchema());

function errorsOf(config: unknown): string[] {
  return validate(config) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** YAML text as the services read it (merge keys on, like the parser). */
const yaml = (text: string): unknown => parse(text, { merge: true });

/** Every config file, README example and demo config in the repository, by where it is. */
function repositoryConfigs(): Array<[string, unknown]> {
  const configs: Array<[string, unknown]> = [];
  const file = (path: string) => readFileSync(join(REPO, path), 'utf8');
  configs.push(['libs/config/example.yaml', yaml(file('libs/config/example.yaml'))]);
  for (const name of readdirSync(join(REPO, 'deploy', 'compose')).filter((f) => f.endsWith('.yaml'))) {
    configs.push([`deploy/compose/${name}`, yaml(file(`deploy/compose/${name}`))]);
  }
  // The Helm chart renders its values' `config:` into the ConfigMap the services read; an
  // example's values are merged over values.yaml as helm merges them (mappings deep, lists replaced).
  const helm = 'deploy/helm/cdc';
  const chartConfig = (yaml(file(`${helm}/values.yaml`)) as { config: unknown }).config;
  configs.push([`${helm}/values.yaml (config)`, chartConfig]);
  for (const name of readdirSync(join(REPO, helm, 'examples'))) {
    const values = yaml(file(`${helm}/examples/${name}`)) as { config?: unknown } | null;
    if (values?.config !== undefined) {
      configs.push([`${helm}/examples/${name} (config)`, helmMerge(chartConfig, values.config)]);
    }
  }
  for (const path of ['README.md', 'libs/config/README.md', 'deploy/README.md']) {
    for (const [, block] of file(path).matchAll(/```yaml\n([\s\S]*?)```/g)) {
      if (/^nats:/m.test(block) && /^sources:/m.test(block)) configs.push([`${path} (yaml block)`, yaml(block)]);
    }
  }
  // The demo writes its configs from templates: `${nats}sources:\n...` after a nats section of its
  // own (natsSection: url and, on a cluster, replicas); their other ${...} parts are URLs and names.
  for (const [, template] of file('tools/demo/src/demo.ts').matchAll(
    /`((?:\$\{nats\}|nats:\\n)[^`]*?sources:\\n[^`]*)`/g,
  )) {
    const text = template
      .replace('${nats}', 'nats:\\n  url: [placeholder, placeholder]\\n  replicas: 3\\n')
      .replace(/\$\{[^}]*\}/g, 'placeholder')
      .replace(/\\n/g, '\n');
    configs.push(['tools/demo/src/demo.ts (template)', yaml(text)]);
  }
  return configs;
}

function helmMerge(base: unknown, over: unknown): unknown {
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(base) || !isMap(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = helmMerge(base[key], value);
  return merged;
}

test('every config in the repository is valid under the JSON Schema', () => {
  const configs = repositoryConfigs();
  const places = new Set(configs.map(([where]) => where.split(' ')[0]));
  for (const expected of [
    'libs/config/example.yaml',
    'deploy/compose/cdc.yaml',
    'deploy/helm/cdc/values.yaml',
    'README.md',
    'tools/demo/src/demo.ts',
  ]) {
    assert.ok(places.has(expected), `no config found in ${expected}`);
  }
  const demos = configs.filter(([where]) => where.startsWith('tools/demo'));
  assert.ok(demos.length >= 2, `the Postgres and Vitess demo configs, found ${demos.length}`);
  for (const [where, config] of configs) assert.deepEqual(errorsOf(config), [], where);
});

const minimal = () => ({
  nats: { url: 'nats://localhost:4222' },
  sources: [{ name: 'shop', type: 'postgres', url: 'postgres://u@h/shop', tables: ['public.*'] }],
  destinations: [{ name: 'dw', type: 'mysql', url: 'mysql://u@h/dw', sources: ['shop'], tls: { verify: false } }],
});

test('a misspelt key is refused, at any depth, as the parser refuses it', () => {
  assert.deepEqual(errorsOf(minimal()), []);
  const typo = minimal();
  Object.assign(typo.sources[0], { slott: 'x' });
  assert.ok(errorsOf(typo).includes('/sources/0 must NOT have additional properties'), errorsOf(typo).join('; '));
  const nested = minimal();
  Object.assign(nested.destinations[0].tls, { verfy: true });
  assert.ok(errorsOf(nested).some((e) => e.startsWith('/destinations/0/tls must NOT have additional properties')));
  assert.ok(errorsOf({ ...minimal(), sourcse: [] }).includes(' must NOT have additional properties'));
  // A key of another type is misspelt for this one (unrepresentable is a mysql key).
  const other = minimal();
  Object.assign(other.sources[0], { unrepresentable: 'json' });
  assert.notDeepEqual(errorsOf(other), []);
});

test('types, ranges, enums and ${...} references as the parser reads them', () => {
  const with_ = (change: (config: ReturnType<typeof minimal>) => void) => {
    const config = minimal();
    change(config);
    return errorsOf(config);
  };
  assert.deepEqual(
    with_((c) => Object.assign(c.sources[0], { partitions: '${PARTITIONS:-8}', snapshot: { enabled: '${SNAP}' } })),
    [],
  );
  assert.notDeepEqual(
    with_((c) => Object.assign(c.sources[0], { partitions: '8' })),
    [],
    'a quoted number without ${',
  );
  assert.notDeepEqual(
    with_((c) => Object.assign(c.sources[0], { partitions: 2000 })),
    [],
    'out of range',
  );
  assert.notDeepEqual(
    with_((c) => Object.assign(c.destinations[0], { on_error: 'skip' })),
    [],
    'not a policy',
  );
  assert.notDeepEqual(
    with_((c) => Object.assign(c.sources[0], { type: 'oracle' })),
    [],
    'unknown type',
  );
  assert.notDeepEqual(
    with_((c) => delete (c.nats as { url?: string }).url),
    [],
    'required key',
  );
  // `snapshot:` with nothing after it (null) means the defaults; top-level x- keys are free.
  assert.deepEqual(
    with_((c) => Object.assign(c.sources[0], { snapshot: null })),
    [],
  );
  assert.deepEqual(errorsOf({ ...minimal(), 'x-defaults': { anything: 1 } }), []);
});

test('every option has a description', () => {
  const missing: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, path));
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'properties') {
        visit(value, path);
        continue;
      }
      for (const [name, property] of Object.entries(value as Record<string, { description?: string }>)) {
        if (!property.description) missing.push(`${path}.${name}`);
        visit(property, `${path}.${name}`);
      }
    }
  };
  visit(configJsonSchema(), '');
  assert.deepEqual([...new Set(missing)], []);
});

test('the parser and the JSON Schema agree on what is malformed', () => {
  type Config = ReturnType<typeof minimal> & Record<string, unknown>;
  const parses = (config: unknown): boolean => {
    try {
      parseConfig(stringify(config), 'cdc.yaml', {});
      return true;
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return false;
    }
  };
  assert.ok(parses(minimal()));
  const cases: Array<[string, (config: Config) => void]> = [
    ['misspelt key', (c) => Object.assign(c.sources[0], { slott: 'x' })],
    ['camelCase key', (c) => Object.assign(c.sources[0], { statusIntervalMs: 5 })],
    ['misspelt top-level key', (c) => Object.assign(c, { destination: [] })],
    ['string for an integer', (c) => Object.assign(c.sources[0], { partitions: 'many' })],
    ['quoted number', (c) => Object.assign(c.sources[0], { partitions: '8' })],
    ['out of range', (c) => Object.assign(c.sources[0], { partitions: 0 })],
    ['fraction', (c) => Object.assign(c.sources[0], { partitions: 1.5 })],
    ['yes for a boolean', (c) => Object.assign(c.destinations[0], { load_data: 'yes' })],
    ['unknown policy', (c) => Object.assign(c.destinations[0], { on_error: 'skip' })],
    ['unknown type', (c) => Object.assign(c.sources[0], { type: 'oracle' })],
    ['missing url', (c) => delete (c.sources[0] as { url?: string }).url],
    ['no tables', (c) => Object.assign(c.sources[0], { tables: [] })],
    ['empty name', (c) => Object.assign(c.sources[0], { name: '' })],
    ['a mysql key on a postgres source', (c) => Object.assign(c.sources[0], { load_data: true })],
    ['number for a string', (c) => Object.assign(c.sources[0], { url: 5432 })],
    ['mapping for a list', (c) => Object.assign(c.sources[0], { tables: { a: 1 } })],
  ];
  for (const [name, breakIt] of cases) {
    const config = minimal() as Config;
    breakIt(config);
    assert.notDeepEqual(errorsOf(config), [], `${name}: the JSON Schema accepts it`);
    assert.equal(parses(config), false, `${name}: the parser accepts it`);
  }
});
