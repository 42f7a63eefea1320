import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The bundle's command line without any server: help, config check/explain, log formats.
// (Servers refuse on port 1, so services fail at once: their log lines are what is checked.)
const BUNDLE = resolve(__dirname, '../../../dist/cdc.cjs');
const dir = mkdtempSync(join(tmpdir(), 'cdc-cli-'));

function cdc(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, CDC_LOG_FORMAT: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const UNREACHABLE = `nats:
  url: nats://127.0.0.1:1
sources:
  - name: shop
    type: postgres
    url: postgres://cdc:s3cret@127.0.0.1:1/shop
    tables: ['public.*']
    partitions: 4
destinations:
  - name: replica
    type: postgres
    url: postgres://applier:an0ther@127.0.0.1:1/replica
    sources: [shop]
`;

test('cdc --help, cdc help, cdc <command> --help exit 0 on stdout; cdc alone exits 2', () => {
  const overview = cdc(['--help']);
  assert.equal(overview.status, 0);
  assert.match(overview.stdout, /^cdc: change-data-capture/);
  assert.match(overview.stdout, /config explain/);
  for (const command of [['reader'], ['applier'], ['up'], ['dlq', 'replay'], ['config', 'check']]) {
    const help = cdc([...command, '--help']);
    assert.equal(help.status, 0, command.join(' '));
    assert.match(help.stdout, new RegExp(`^cdc ${command.join(' ')}: .*\\n\\nusage: cdc ${command.join(' ')}`));
  }
  assert.equal(cdc(['help', 'status']).status, 0);
  const alone = cdc([]);
  assert.equal(alone.status, 2);
  assert.match(alone.stderr, /usage: cdc <command>/);
});

test('cdc verify: unknown options and bad values exit 2 (exit 1 means "not equal"), one line; cdc status still 1', () => {
  const file = configFile('verify-usage.yaml', UNREACHABLE);
  const cases: [string[], RegExp][] = [
    [['verify', '--config', file, '--frob'], /^error: cdc verify: unknown option --frob \(options: --config, /],
    [
      ['verify', '--config', file, '--chunk-rows', 'many'],
      /^error: cdc verify: --chunk-rows takes a number >= 1, got many$/,
    ],
    [['verify', '--config', file, '--repair=yes'], /^error: cdc verify: --repair takes no value$/],
    [['verify'], /^error: cdc verify: --config <FILE> is required$/],
  ];
  for (const [args, pattern] of cases) {
    const result = cdc(args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr.trim(), pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
  const status = cdc(['status', '--config', file, '--frob']);
  assert.equal(status.status, 1, status.stderr);
  assert.match(status.stderr, /^error: cdc status: unknown option --frob/);
});

test('cdc config check: ok with a summary, or the one line that says what to fix; nothing is connected to', () => {
  const good = cdc(['config', 'check', configFile('good.yaml', UNREACHABLE)]);
  assert.equal(good.status, 0, good.stderr);
  assert.match(
    good.stdout,
    /^ok: .*good\.yaml\nsources: shop \(postgres, 4 partitions\)\ndestinations: replica \(postgres, from shop\)\n$/,
  );
  const typo = cdc(['config', 'check', configFile('typo.yaml', UNREACHABLE.replace('partitions: 4', 'partitionz: 4'))]);
  assert.equal(typo.status, 1);
  assert.equal(typo.stderr.trim().split('\n').length, 1, typo.stderr);
  assert.match(
    typo.stderr,
    /^error: config error: .*typo\.yaml: sources\[0\]\.partitionz: unknown key \(did you mean "partitions"\?\)/,
  );
  const unset = cdc(['config', 'check', configFile('env.yaml', UNREACHABLE.replace('s3cret', '${NO_SUCH_VAR_X}'))]);
  assert.match(unset.stderr, /^error: .*environment variable NO_SUCH_VAR_X is not set\n$/);
});

test('cdc config schema: the JSON Schema of the file on stdout (what editors are pointed at)', () => {
  const result = cdc(['config', 'schema']);
  assert.equal(result.status, 0, result.stderr);
  const schema = JSON.parse(result.stdout) as {
    $schema: string;
    required: string[];
    properties: Record<string, unknown>;
  };
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.deepEqual(schema.required, ['nats', 'sources']);
  assert.deepEqual(Object.keys(schema.properties), ['nats', 'sources', 'destinations', 'coordinator']);
  assert.equal(cdc(['config', 'schema', '--help']).status, 0);
});

test('cdc config explain: every default filled in, passwords hidden; --json is the same data', () => {
  const file = configFile('explain.yaml', UNREACHABLE);
  const text = cdc(['config', 'explain', file]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /url: postgres:\/\/cdc:\*\*\*@127\.0\.0\.1:1\/shop/);
  assert.match(text.stdout, /max_wait_ms: \d+/, 'a default the file left out');
  assert.doesNotMatch(text.stdout, /s3cret|an0ther/);
  const json = cdc(['config', 'explain', file, '--json']);
  const parsed = JSON.parse(json.stdout) as {
    sources: { slot: string; partitions: number }[];
    destinations: { batch: { max_ops: number } }[];
    coordinator: { interval_ms: number };
  };
  assert.equal(parsed.sources[0].slot, 'cdc_shop');
  assert.equal(parsed.sources[0].partitions, 4);
  assert.ok(parsed.destinations[0].batch.max_ops > 0);
  assert.ok(parsed.coordinator.interval_ms > 0);
  assert.doesNotMatch(json.stdout, /s3cret|an0ther/);
});

/** Keys of a flat JSON line in the order written, repeats included. */
function topLevelKeys(line: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    if (line[i] === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (line[i] === '{' || line[i] === '[') depth += 1;
    else if (line[i] === '}' || line[i] === ']') depth -= 1;
  }
  return keys;
}

test('logs: JSON lines with each key once by default; --log-format pretty and CDC_LOG_FORMAT=pretty are readable lines', () => {
  const file = configFile('logs.yaml', UNREACHABLE);
  const json = cdc(['up', '--config', file], { CDC_LOG_LEVEL: 'debug' });
  assert.equal(json.status, 1);
  const lines = json.stderr.trim().split('\n');
  const logLines = lines.filter((line) => !line.startsWith('error: '));
  assert.ok(logLines.length >= 2, json.stderr);
  for (const line of logLines) {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const keys = topLevelKeys(line);
    assert.equal(new Set(keys).size, keys.length, `a key written twice: ${line}`);
    assert.equal(entry.service, 'up');
  }
  for (const pretty of [
    cdc(['up', '--config', file, '--log-format', 'pretty']),
    cdc(['up', '--config', file], { CDC_LOG_FORMAT: 'pretty' }),
  ]) {
    assert.equal(pretty.status, 1);
    const prettyLines = pretty.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('error: '));
    assert.ok(prettyLines.length >= 2, pretty.stderr);
    for (const line of prettyLines) assert.match(line, /^\d\d:\d\d:\d\d\.\d{3} (ERROR|WARN |INFO ) up /);
    assert.doesNotMatch(pretty.stderr, /s3cret|an0ther/);
  }
  const wrong = cdc(['up', '--config', file, '--log-format', 'fancy']);
  assert.match(wrong.stderr, /^error: cdc up: --log-format is "fancy": use json or pretty\n$/);
  const wrongEnv = cdc(['coordinator', '--config', file], { CDC_LOG_FORMAT: 'fancy' });
  assert.match(wrongEnv.stderr, /^error: CDC_LOG_FORMAT is "fancy": use json or pretty\n$/);
});
