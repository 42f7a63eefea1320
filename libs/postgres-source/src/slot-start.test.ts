import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slotStart, type SnapshotState } from './slot-start';

const done: SnapshotState = { slot: 'cdc_shop', status: 'done', timeline: 1 };

test('the slot streamed from is there: stream on; a slot without a record is adopted', () => {
  assert.deepEqual(slotStart(done, true, 'cdc_shop'), { action: 'stream' });
  assert.deepEqual(slotStart(undefined, true, 'cdc_shop'), { action: 'adopt' });
});

test('a slot whose snapshot did not finish, or was asked for again, is dropped and the snapshot retaken', () => {
  assert.deepEqual(slotStart({ slot: 'cdc_shop', status: 'in-progress' }, true, 'cdc_shop'), { action: 'retake' });
  assert.deepEqual(slotStart({ slot: 'cdc_shop', status: 'resnapshot' }, true, 'cdc_shop'), { action: 'retake' });
});

test('no slot: a new snapshot on a first start, after an unfinished one, when asked for, or for a renamed slot', () => {
  assert.deepEqual(slotStart(undefined, false, 'cdc_shop'), { action: 'snapshot', reason: 'first start' });
  assert.deepEqual(slotStart({ slot: 'cdc_shop', status: 'in-progress' }, false, 'cdc_shop'), {
    action: 'snapshot',
    reason: 'unfinished',
  });
  assert.deepEqual(slotStart({ slot: 'cdc_shop', status: 'resnapshot' }, false, 'cdc_shop'), {
    action: 'snapshot',
    reason: 'requested',
  });
  assert.deepEqual(slotStart(done, false, 'cdc_shop_v2'), { action: 'snapshot', reason: 'slot renamed' });
});

test('the slot streamed from is missing (dropped, or a promoted standby it was not synced to): stop, never a new slot', () => {
  assert.deepEqual(slotStart(done, false, 'cdc_shop'), { action: 'stop' });
});
