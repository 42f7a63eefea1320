import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFailureStreak } from './stream-failures';

function recorder() {
  const events: string[] = [];
  return {
    events,
    health: {
      fail: (loop: string, reason: string) => events.push(`fail ${loop}: ${reason}`),
      recover: (loop: string) => events.push(`recover ${loop}`),
    },
  };
}

test('failures that go on past the threshold mark the loop failed, with the last reason', () => {
  const { events, health } = recorder();
  let now = 1_000;
  const streak = new StreamFailureStreak('reader shop: stream', 10_000, health, () => now);
  for (let i = 0; i < 12; i += 1) {
    streak.started();
    now += 500; // streams briefly, then fails
    streak.failed('publication "cdc_shop" does not exist');
    now += 500; // the reconnect pause
  }
  streak.stop();
  assert.ok(events.length > 0, 'marked failed');
  assert.equal(events.filter((e) => e.startsWith('recover')).length, 0);
  assert.match(
    events[0],
    /^fail reader shop: stream: streaming has failed again and again for 1\d s: publication "cdc_shop" does not exist$/,
  );
});

test('a blip shorter than the threshold is not a failure, and a long session ends the streak', () => {
  const { events, health } = recorder();
  let now = 0;
  const streak = new StreamFailureStreak('loop', 10_000, health, () => now);
  streak.started();
  now += 1_000;
  assert.equal(streak.failed('x'), 0);
  streak.started();
  now += 3_000;
  assert.equal(streak.failed('x'), 3_000);
  // A session that ran 60 s before failing: a new streak starts at its start.
  streak.started();
  now += 60_000;
  assert.equal(streak.failed('y'), 0);
  streak.stop();
  assert.deepEqual(events, []);
});

test('a session that lasts the threshold recovers the loop', async () => {
  const { events, health } = recorder();
  let now = 0;
  const streak = new StreamFailureStreak('loop', 20, health, () => now);
  for (let i = 0; i < 6; i += 1) {
    streak.started();
    now += 5;
    streak.failed('x');
  }
  assert.equal(events.length, 2, 'failed at 20 and 25 ms into the streak');
  streak.started();
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(events.slice(2), ['recover loop']);
  streak.stop();
});
