import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReceiveAheadPermits, Semaphore } from './permits';

test('a semaphore holds at most its size at once, and a released slot goes to the first waiter', async () => {
  const semaphore = new Semaphore(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const releases: Array<() => void> = [];
  const work = (id: number) =>
    semaphore.run(async () => {
      started.push(id);
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running -= 1;
      return id;
    });
  const all = [1, 2, 3, 4].map(work);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [1, 2]);
  releases.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(started, [1, 2, 3]);
  while (started.length < 4 || releases.length > 0) {
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(await Promise.all(all), [1, 2, 3, 4]);
  assert.equal(most, 2);
});

test('a semaphore slot is released when the work fails', async () => {
  const semaphore = new Semaphore(1);
  await assert.rejects(
    semaphore.run(async () => Promise.reject(new Error('no'))),
    /no/,
  );
  assert.equal(await semaphore.run(async () => 'next'), 'next');
});

test('receive-ahead permits: taken while free, given back for the next partition', () => {
  const permits = new ReceiveAheadPermits(1);
  assert.equal(permits.tryTake(), true);
  assert.equal(permits.tryTake(), false);
  permits.give();
  assert.equal(permits.tryTake(), true);
  assert.equal(new ReceiveAheadPermits(0).tryTake(), false);
});
