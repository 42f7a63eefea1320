import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createLogger } from './logger';
import { withRetry, describeError, retryDelayMs } from './retry';

const log = pino({ level: 'silent' });

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger(
    'test',
    {},
    { level: 'debug', format: 'json', destination: { write: (line: string) => lines.push(JSON.parse(line)) } },
  );
  return { log, lines };
}

test('withRetry retries until the attempt succeeds', async () => {
  let calls = 0;
  const result = await withRetry(
    async () => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return 'ok';
    },
    { what: 'thing', log, initialDelayMs: 1 },
  );
  assert.equal(result, 'ok');
  assert.equal(calls, 3);
});

test('withRetry rethrows fatal errors at once', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls += 1;
        throw new Error('permission denied');
      },
      { what: 'thing', log, initialDelayMs: 1, isFatal: () => true },
    ),
    /permission denied/,
  );
  assert.equal(calls, 1);
});

test('withRetry stops after maxAttempts', async () => {
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls += 1;
        throw new Error('down');
      },
      { what: 'thing', log, initialDelayMs: 1, maxAttempts: 2 },
    ),
  );
  assert.equal(calls, 2);
});

test('withRetry writes a log line and counts every failure, the last one included', async () => {
  const { log, lines } = capture();
  const counted: unknown[] = [];
  let asked = 0;
  await assert.rejects(
    withRetry(
      async () => {
        throw new Error('down');
      },
      {
        what: 'ack',
        log,
        initialDelayMs: 1,
        maxAttempts: 3,
        countFailure: (error) => counted.push(error),
        logFields: () => {
          asked += 1;
          return { partition: 4 };
        },
      },
    ),
    /down/,
  );
  assert.equal(counted.length, 3, 'a count per failure');
  assert.deepEqual(
    lines.map((line) => [line.msg, line.attempt, line.partition, line.err]),
    [
      ['ack failed, retrying', 1, 4, 'down'],
      ['ack failed, retrying', 2, 4, 'down'],
      ['ack failed, giving up', 3, 4, 'down'],
    ],
  );
  assert.ok(typeof lines[0].retryInMs === 'number' && lines[2].retryInMs === undefined);
  assert.equal(asked, 3, 'the log fields are asked for only on a failure');
});

test('withRetry counts a fatal error but writes no line for it (the caller reports it)', async () => {
  const { log, lines } = capture();
  let counted = 0;
  await assert.rejects(
    withRetry(
      async () => {
        throw new Error('bad data');
      },
      { what: 'apply', log, isFatal: () => true, countFailure: () => (counted += 1) },
    ),
    /bad data/,
  );
  assert.equal(counted, 1);
  assert.equal(lines.length, 0);
});

test('withRetry stops waiting and rethrows the last error when the signal aborts', async () => {
  const controller = new AbortController();
  let calls = 0;
  const started = Date.now();
  const running = withRetry(
    async () => {
      calls += 1;
      throw new Error(`down ${calls}`);
    },
    { what: 'thing', log, signal: controller.signal, initialDelayMs: 60_000 },
  );
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(running, /down 1/);
  assert.equal(calls, 1);
  assert.ok(Date.now() - started < 10_000, 'the wait ended with the signal');
});

test('retryDelayMs doubles up to the maximum, each wait 50-100% of it (jitter)', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };
  for (let round = 0; round < 200; round += 1) {
    for (const [tries, nominal] of [
      [1, 100],
      [2, 200],
      [4, 800],
      [5, 1_000],
      [1_000, 1_000],
    ]) {
      const delay = retryDelayMs(policy, tries);
      assert.ok(delay >= nominal / 2 && delay <= nominal, `try ${tries}: ${delay} within [${nominal / 2}, ${nominal}]`);
    }
  }
  const spread = new Set(Array.from({ length: 20 }, () => retryDelayMs(policy, 3)));
  assert.ok(spread.size > 1, 'the waits differ (jitter)');
});

test('describeError flattens AggregateError (connection refused on every address)', () => {
  const error = new AggregateError([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  ]);
  assert.equal(describeError(error), 'connect ECONNREFUSED 127.0.0.1:1');
});
