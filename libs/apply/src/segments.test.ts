import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChangeOp } from '@cdc/change-envelope';
import { writeInSegments } from './segments';

const ops = (count: number, rows?: number): ChangeOp[] =>
  Array.from(
    { length: count },
    (_, i) => ({ kind: 'insert', position: { commit: 1n, index: i }, rows }) as unknown as ChangeOp,
  );

test('segments are contiguous, in order, each executed after the one before, the next planned meanwhile', async () => {
  const events: string[] = [];
  let executing = 0;
  await writeInSegments(
    ops(10),
    4,
    (segment) => {
      const first = segment[0].position.index;
      events.push(`plan ${first}-${first + segment.length - 1}${executing > 0 ? ' (while executing)' : ''}`);
      return first;
    },
    async (first) => {
      executing += 1;
      events.push(`execute ${first}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      executing -= 1;
    },
  );
  assert.deepEqual(events, [
    'plan 0-3',
    'execute 0',
    'plan 4-7 (while executing)',
    'execute 4',
    'plan 8-9 (while executing)',
    'execute 8',
  ]);
});

test('a chunk op counts its rows; one segment passes the ops as they are', async () => {
  const all = ops(3, 600);
  const segments: number[] = [];
  await writeInSegments(
    all,
    1000,
    (segment) => segments.push(segment.length),
    async () => undefined,
  );
  assert.deepEqual(segments, [2, 1]);
  let same = false;
  await writeInSegments(
    all,
    Number.POSITIVE_INFINITY,
    (segment) => (same = segment === all),
    async () => undefined,
  );
  assert.ok(same);
});

test('a failure while planning waits for the segment in flight; a failed execution stops the rest', async () => {
  let finished = false;
  await assert.rejects(
    writeInSegments(
      ops(8),
      4,
      (segment) => {
        if (segment[0].position.index === 4) throw new Error('cannot plan');
        return 0;
      },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        finished = true;
      },
    ),
    /cannot plan/,
  );
  assert.ok(finished, 'the rejection came after the executing segment settled');

  const planned: number[] = [];
  await assert.rejects(
    writeInSegments(
      ops(12),
      4,
      (segment) => planned.push(segment[0].position.index),
      async () => {
        throw new Error('rejected by the destination');
      },
    ),
    /rejected by the destination/,
  );
  assert.deepEqual(planned, [0, 4], 'planned one segment ahead, then stopped');
});
