import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommandLine, UsageError } from './command-line';
import { COMMANDS } from './commands';

test('a command and its options, as util.parseArgs reads them (--name value and --name=value)', () => {
  assert.deepEqual(parseCommandLine(['reader', '--config', 'f.yaml', '--source=shop']), {
    kind: 'run',
    command: 'reader',
    values: { config: 'f.yaml', source: 'shop' },
    positional: [],
  });
  const dlq = parseCommandLine(['dlq', 'replay', '--config', 'f', '--destination', 'd', '--all']);
  assert.equal(dlq.kind === 'run' && dlq.command, 'dlq replay');
  assert.deepEqual(dlq.kind === 'run' && dlq.values, { config: 'f', destination: 'd', all: true });
  const check = parseCommandLine(['config', 'check', 'cdc.yaml']);
  assert.deepEqual(check.kind === 'run' && [check.command, check.positional], ['config check', ['cdc.yaml']]);
});

test('--help and -h give each command its own help, exit 0; cdc alone is a usage error (2)', () => {
  for (const spec of COMMANDS) {
    const help = parseCommandLine([...spec.name.split(' '), '--help']);
    assert.equal(help.kind, 'help', spec.name);
    if (help.kind !== 'help') continue;
    assert.equal(help.exitCode, 0);
    assert.match(help.text, new RegExp(`^cdc ${spec.name}: `));
    assert.match(help.text, new RegExp(`usage: cdc ${spec.name}`));
    for (const option of Object.keys(spec.options)) assert.match(help.text, new RegExp(`--${option}\\b`));
  }
  const overview = parseCommandLine(['--help']);
  assert.equal(overview.kind === 'help' && overview.exitCode, 0);
  for (const spec of COMMANDS) assert.match(overview.kind === 'help' ? overview.text : '', new RegExp(spec.name));
  assert.equal(parseCommandLine(['-h']).kind, 'help');
  const alone = parseCommandLine([]);
  assert.equal(alone.kind === 'help' && alone.exitCode, 2);
  const helpTopic = parseCommandLine(['help', 'applier']);
  assert.match(helpTopic.kind === 'help' ? helpTopic.text : '', /^cdc applier: /);
  // --help wins over a missing required option.
  assert.equal(parseCommandLine(['up', '-h']).kind, 'help');
  const group = parseCommandLine(['config', '--help']);
  assert.match(group.kind === 'help' ? group.text : '', /cdc config check[\s\S]*cdc config explain/);
});

test('usage errors name the command and what to do, in one line', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^unknown command "frobnicate" \(commands: reader, applier, .*cdc --help\)$/],
    [['reader', '--config', 'f'], /^cdc reader: --source <NAME> is required$/],
    [['reader', '--config'], /^cdc reader: --config <FILE> is required$/],
    [
      ['applier', '--config', 'f', '--destination', 'd', '--destinaton', 'x'],
      /^cdc applier: unknown option --destinaton \(options: --config, --destination, --log-format\)$/,
    ],
    [['status', '--config', 'f', '--json=yes'], /^cdc status: --json takes no value$/],
    [['up', 'f.yaml'], /^cdc up: unexpected argument f\.yaml \(cdc up --config FILE \[--log-format json\|pretty\]\)$/],
    [['dlq'], /^cdc dlq: expected list or replay/],
    [['dlq', 'frob'], /^cdc dlq: expected list or replay/],
    [['config', 'check'], /^cdc config check: FILE is required/],
    [['config', 'check', 'a', 'b'], /^cdc config check: one FILE expected, got 2$/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(
      () => parseCommandLine(argv),
      (error: unknown) => error instanceof UsageError && pattern.test(error.message) && !error.message.includes('\n'),
      argv.join(' '),
    );
  }
});

test('cdc verify: a usage error exits 2 (1 means "not equal"); other commands keep exit 1', () => {
  const verifyCases = [
    ['verify', '--config', 'f', '--frob'],
    ['verify', '--config', 'f', '--json=yes'],
    ['verify', '--config', 'f', '--chunk-rows'],
    ['verify', '--source', 's'],
    ['verify', '--config', 'f', 'extra'],
  ];
  for (const argv of verifyCases)
    assert.throws(
      () => parseCommandLine(argv),
      (error: unknown) => error instanceof UsageError && error.exitCode === 2 && /^cdc verify: /.test(error.message),
      argv.join(' '),
    );
  for (const argv of [['status', '--config', 'f', '--frob'], ['reader', '--config', 'f'], ['frobnicate']])
    assert.throws(
      () => parseCommandLine(argv),
      (error: unknown) => error instanceof UsageError && error.exitCode === 1,
      argv.join(' '),
    );
});
