import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SlotMissingError } from './slot-health';

test('a slot missing after a promotion: one line naming the promotion, the position and cdc resnapshot', () => {
  const { message } = new SlotMissingError({
    source: 'shop',
    slot: 'cdc_shop',
    server: 'postgres://standby:5433/shop',
    committed: '0/3A0F1B8',
    timeline: 2,
    slotTimeline: 1,
  });
  assert.doesNotMatch(message, /\n/);
  assert.match(
    message,
    /^source shop: replication slot "cdc_shop" does not exist on postgres:\/\/standby:5433\/shop although this source has streamed from it \(a standby promoted since the slot was created \(timeline 1 -> 2\) that did not have the slot synced/,
  );
  assert.match(
    message,
    /the changes after 0\/3A0F1B8 cannot be read, and a new slot would skip them, so the reader stops/,
  );
  assert.match(message, /cdc resnapshot --config <file> --source shop /);
});

test('a slot missing on the same timeline, or with nothing known: dropped or not synced, said as such', () => {
  for (const known of [{ timeline: 1, slotTimeline: 1 }, {}]) {
    const { message } = new SlotMissingError({ source: 'shop', slot: 'cdc_shop', server: 'p', ...known });
    assert.match(message, /\(the slot was dropped, or the server is a promoted standby it was not synced to\)/);
    assert.match(message, /the changes after the committed position cannot be read/);
  }
});
