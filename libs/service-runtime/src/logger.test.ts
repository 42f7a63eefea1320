import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, logFormatFromEnvironment } from './logger';
import { prettyLogLine } from './pretty-log';

function capture(format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const log = createLogger(
    'up',
    {},
    { level: 'debug', format, destination: { write: (line: string) => lines.push(line) } },
  );
  return { log, lines };
}

/** Keys in the order written, repeats included (JSON.parse would hide a repeat). */
function keysOf(line: string): string[] {
  const keys: string[] = [];
  // Top-level keys only: pino writes flat objects, with nested values for err and the like.
  let depth = 0;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (c === '"') {
      let end = i + 1;
      while (line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && line[end + 1] === ':') keys.push(JSON.parse(line.slice(i, end + 1)) as string);
      i = end;
    } else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') depth -= 1;
  }
  return keys;
}

test('nested loggers merge their bindings: each key once, the innermost value', () => {
  const { log, lines } = capture();
  const reader = log.child({ service: 'reader', source: 'demo' });
  const partition = reader.child({ source: 'demo', partition: 3 });
  partition.info('applied');
  reader.child({ source: 'other' }).warn('moved');
  assert.equal(lines.length, 2);
  const [first, second] = lines.map((line) => line.trim());
  assert.deepEqual(keysOf(first), ['level', 'time', 'service', 'source', 'partition', 'msg']);
  assert.deepEqual(JSON.parse(first), {
    ...JSON.parse(first),
    service: 'reader',
    source: 'demo',
    partition: 3,
    msg: 'applied',
  });
  assert.equal(JSON.parse(second).source, 'other');
  assert.deepEqual(keysOf(second), ['level', 'time', 'service', 'source', 'msg']);
});

test("a call's fields replace the bindings they name, and the logger keeps its own", () => {
  const { log, lines } = capture();
  const reader = log.child({ source: 'demo' });
  reader.info({ source: 'demo', lag: 5 }, 'lag');
  reader.info({ source: 'shop' }, 'other source');
  reader.info('plain');
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  for (const line of lines) assert.equal(new Set(keysOf(line)).size, keysOf(line).length, line);
  assert.deepEqual(
    parsed.map((p) => [p.source, p.lag, p.msg]),
    [
      ['demo', 5, 'lag'],
      ['shop', undefined, 'other source'],
      ['demo', undefined, 'plain'],
    ],
  );
});

test('errors and levels still go through: an Error as first argument, debug below the level', () => {
  const lines: string[] = [];
  const log = createLogger(
    'x',
    { a: 1 },
    { level: 'info', format: 'json', destination: { write: (l) => lines.push(l) } },
  );
  log.debug('hidden');
  log.error(new Error('boom'), 'failed');
  log.child({ a: 2 }).info({ err: 'text' }, 'with err');
  assert.equal(lines.length, 2);
  assert.match(JSON.parse(lines[0]).err.message, /boom/);
  assert.deepEqual(keysOf(lines[1]), ['level', 'time', 'service', 'a', 'err', 'msg']);
  assert.equal(JSON.parse(lines[1]).a, 2);
});

test('pretty format: time, level, context, message, then the other fields', () => {
  const { log, lines } = capture('pretty');
  log.child({ service: 'reader', source: 'demo' }).child({ partition: 2 }).warn({ lag: 12, note: 'a b' }, 'behind');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\d\d:\d\d:\d\d\.\d{3} WARN {2}reader demo p2 behind {2}lag=12 note="a b"\n$/);
});

test('prettyLogLine passes through what is not a JSON object, and colours only when asked', () => {
  assert.equal(prettyLogLine('not json\n'), 'not json\n');
  const line = '{"level":"error","time":"2026-01-02T03:04:05.678Z","service":"up","msg":"x"}';
  assert.equal(prettyLogLine(line), '03:04:05.678 ERROR up x\n');
  assert.ok(prettyLogLine(line, { colour: true }).includes('\x1b[31mERROR'));
});

test('CDC_LOG_FORMAT: json by default, pretty on request, anything else refused with the choices', () => {
  assert.equal(logFormatFromEnvironment(undefined), 'json');
  assert.equal(logFormatFromEnvironment('pretty'), 'pretty');
  assert.throws(() => logFormatFromEnvironment('fancy'), /CDC_LOG_FORMAT is "fancy": use json or pretty/);
});
