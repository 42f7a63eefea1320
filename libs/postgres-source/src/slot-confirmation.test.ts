import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotConfirmation } from './slot-confirmation';

/** A rule whose live-backfill hold the test sets. */
function rule(): { slot: SlotConfirmation; hold: (lsn: bigint | undefined) => void } {
  let held: bigint | undefined;
  return { slot: new SlotConfirmation(() => held), hold: (lsn) => (held = lsn) };
}

test('nothing streamed yet: the slot confirms nothing, whatever is committed', () => {
  const { slot } = rule();
  assert.equal(slot.position(), 0n);
  slot.commit(500n);
  assert.equal(slot.position(), 0n);
});

test('never past the committed position, however far the session has streamed', () => {
  const { slot } = rule();
  slot.handOver({ commit: 900n, index: 0 });
  slot.idle(1_000n);
  slot.commit(300n);
  assert.equal(slot.position(), 300n);
  // An older committed position read later (a stale read) does not move it back.
  slot.commit(200n);
  assert.equal(slot.committed, 300n);
  assert.equal(slot.position(), 300n);
  slot.commit(700n);
  assert.equal(slot.position(), 700n);
});

test('never past what this session streamed: after a restart the committed position waits for the replay', () => {
  const { slot } = rule();
  slot.commit(800n);
  slot.handOver({ commit: 400n, index: 0 });
  assert.equal(slot.position(), 400n);
  slot.handOver({ commit: 650n, index: 0 });
  assert.equal(slot.position(), 650n);
  slot.idle(2_000n);
  assert.equal(slot.position(), 800n);
});

test('a keepalive moves what is streamed forward only', () => {
  const { slot } = rule();
  slot.idle(100n);
  assert.deepEqual(slot.streamed, { commit: 100n, index: 0 });
  slot.idle(50n);
  assert.deepEqual(slot.streamed, { commit: 100n, index: 0 });
  slot.handOver({ commit: 120n, index: 0 });
  assert.deepEqual(slot.streamed, { commit: 120n, index: 0 });
});

test('held by a pending live-backfill re-read until it is stored, then moves on', () => {
  const { slot, hold } = rule();
  slot.handOver({ commit: 1_000n, index: 0 });
  slot.commit(1_000n);
  hold(600n);
  assert.equal(slot.position(), 600n);
  hold(undefined);
  assert.equal(slot.position(), 1_000n);
});

test('never lower than what was sent: a hold that appears later keeps the sent position', () => {
  const { slot, hold } = rule();
  slot.handOver({ commit: 500n, index: 0 });
  slot.commit(500n);
  slot.sent(slot.position());
  assert.equal(slot.changed, false);
  hold(450n);
  assert.equal(slot.position(), 500n);
  assert.equal(slot.changed, false);
  slot.handOver({ commit: 900n, index: 0 });
  slot.commit(900n);
  assert.equal(slot.position(), 500n, 'still held at the sent position');
  hold(undefined);
  assert.equal(slot.changed, true);
  assert.equal(slot.position(), 900n);
});

test('a position is sent only when the caller says so: a failed status update leaves it to send again', () => {
  const { slot } = rule();
  slot.handOver({ commit: 300n, index: 0 });
  slot.commit(300n);
  assert.equal(slot.changed, true);
  // The send failed: sent() was not called.
  assert.equal(slot.changed, true);
  slot.sent(300n);
  assert.equal(slot.changed, false);
});

test('over any order of events: at most committed, at most streamed, at most the hold unless already sent, never backwards', () => {
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let run = 0; run < 200; run++) {
    const { slot, hold } = rule();
    let maxCommitted = 0n;
    let maxStreamed = 0n;
    let held: bigint | undefined;
    let lastSent = -1n;
    let wal = 0n;
    for (let step = 0; step < 60; step++) {
      switch (random(5)) {
        case 0: {
          const lsn = BigInt(random(2_000));
          slot.commit(lsn);
          if (lsn > maxCommitted) maxCommitted = lsn;
          break;
        }
        case 1:
          wal += BigInt(random(100));
          slot.handOver({ commit: wal, index: 0 });
          if (wal > maxStreamed) maxStreamed = wal;
          break;
        case 2:
          wal += BigInt(random(100));
          slot.idle(wal);
          if (wal > maxStreamed) maxStreamed = wal;
          break;
        case 3:
          // A hold is the commit of an update already streamed.
          held = random(3) === 0 ? undefined : BigInt(random(Number(wal) + 1));
          hold(held);
          break;
        case 4: {
          const flush = slot.position();
          slot.sent(flush);
          lastSent = flush;
          break;
        }
      }
      const flush = slot.position();
      assert.ok(flush >= lastSent, `never below what was sent (${flush} < ${lastSent})`);
      assert.ok(flush <= maxCommitted, `never past committed (${flush} > ${maxCommitted})`);
      assert.ok(flush <= maxStreamed, `never past streamed (${flush} > ${maxStreamed})`);
      if (held !== undefined) assert.ok(flush <= held || flush === lastSent, `held at ${held}, not ${flush}`);
      assert.equal(slot.changed, flush !== lastSent);
    }
  }
});
