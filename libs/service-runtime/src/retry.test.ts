import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { withRetry, describeError } from './retry';

const log = pino({ level: 'silent' });

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

test('describeError flattens AggregateError (connection refused on every address)', () => {
  const error = new AggregateError([
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
  ]);
  assert.equal(describeError(error), 'connect ECONNREFUSED 127.0.0.1:1');
});
