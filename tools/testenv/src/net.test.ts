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
