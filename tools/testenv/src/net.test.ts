import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until } from './net';

test('until resolves once the check is true, polling at the interval', async () => {
  let calls = 0;
  await until('the third call', async () => (calls += 1) === 3, 5_000, 1);
  assert.equal(calls, 3);
  await until('a plain boolean', () => true);
});

test('until throws, naming what it waited for, after the timeout', async () => {
  let calls = 0;
  const started = Date.now();
  await assert.rejects(
    until('the moon', () => ((calls += 1), false), 50, 10),
    (error: Error) => error.message === 'timed out waiting for the moon',
  );
  assert.ok(calls >= 2, `polled more than once (${calls})`);
  assert.ok(Date.now() - started >= 50, 'not before the timeout');
});

test('until with retryErrors counts a throwing check as not yet and names its last error', async () => {
  let calls = 0;
  await until(
    'the table',
    () => {
      calls += 1;
      if (calls < 3) throw new Error('relation "t" does not exist');
      return true;
    },
    { timeoutMs: 5_000, intervalMs: 1, retryErrors: true },
  );
  assert.equal(calls, 3);
  await assert.rejects(
    until(
      'the table',
      () => {
        throw new Error('relation "t" does not exist');
      },
      { timeoutMs: 30, intervalMs: 5, retryErrors: true },
    ),
    (error: Error) => error.message === 'timed out waiting for the table (last error: relation "t" does not exist)',
  );
});

test("until without retryErrors ends on the check's error, and abort ends it early", async () => {
  await assert.rejects(
    until('anything', () => {
      throw new Error('broken');
    }),
    /^Error: broken$/,
  );
  await assert.rejects(
    until('the service', () => false, {
      abort: () => {
        throw new Error('the service exited with code 1');
      },
    }),
    /the service exited with code 1/,
  );
});
