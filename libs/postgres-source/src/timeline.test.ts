import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTimeline, parseTimelineHistory, TimelineDivergedError } from './timeline';

// What PostgreSQL writes for a standby promoted twice (00000003.history).
const HISTORY = '1\t0/5000130\tno recovery target specified\n\n2\t0/70000A0\tno recovery target specified\n';

test('a timeline history file: each ancestor timeline and where it ended', () => {
  assert.deepEqual(parseTimelineHistory(HISTORY), [
    { timeline: 1, switchpoint: 0x5000130n },
    { timeline: 2, switchpoint: 0x70000a0n },
  ]);
  assert.deepEqual(parseTimelineHistory('# comment\n'), []);
  assert.throws(() => parseTimelineHistory('one 0/1\n'), /unreadable timeline history line/);
});

test('the same timeline: nothing to check', () => {
  assert.deepEqual(checkTimeline({ known: 2, server: 2, history: [], applied: 0xffffffffn }), { ok: true });
});

test('a promoted standby that had everything the destinations hold: stream on', () => {
  const history = parseTimelineHistory(HISTORY);
  // Up to and including the switch point the WAL is shared (positions are commit ends).
  assert.deepEqual(checkTimeline({ known: 1, server: 3, history, applied: 0x5000130n }), { ok: true });
  assert.deepEqual(checkTimeline({ known: 2, server: 3, history, applied: 0x7000000n }), { ok: true });
  assert.deepEqual(checkTimeline({ known: 1, server: 2, history, applied: undefined }), { ok: true });
});

test('a promoted standby behind what the destinations hold: stop, with where the timelines parted', () => {
  const history = parseTimelineHistory(HISTORY);
  assert.deepEqual(checkTimeline({ known: 1, server: 3, history, applied: 0x5000131n }), {
    ok: false,
    switchpoint: 0x5000130n,
  });
  assert.deepEqual(checkTimeline({ known: 2, server: 3, history, applied: 0x9000000n }), {
    ok: false,
    switchpoint: 0x70000a0n,
  });
});

test('a server on an older timeline, or whose history lacks the known one: another history, stop', () => {
  assert.deepEqual(checkTimeline({ known: 3, server: 2, history: [], applied: 1n }), { ok: false });
  assert.deepEqual(checkTimeline({ known: 4, server: 5, history: parseTimelineHistory(HISTORY), applied: undefined }), {
    ok: false,
  });
});

test('the one line names the source, the server, the slot, the positions and the way on', () => {
  const error = new TimelineDivergedError({
    source: 'shop',
    slot: 'cdc_shop',
    server: 'postgres://standby:5432/shop',
    known: 1,
    timeline: 2,
    switchpoint: 0x5000130n,
    applied: 0x6000000n,
    confirmedFlush: 0x5000100n,
  });
  assert.equal(
    error.message,
    'source shop: postgres://standby:5432/shop (its slot "cdc_shop" confirmed 0/5000100) left timeline 1 at ' +
      '0/5000130 (timeline 1 -> 2: a standby promoted before it had received everything), but the destinations ' +
      'have (or are applying) positions up to 0/6000000: the destinations hold transactions this server does not have, and streaming on ' +
      'would skip its own changes up to that position, so the reader stops. If an up-to-date server can still be ' +
      'brought back, read from it; otherwise take a new initial snapshot: cdc resnapshot --config <file> --source ' +
      "shop --force (the reader's next start copies every table again)",
  );
  assert.doesNotMatch(error.message, /\n/);
  const older = new TimelineDivergedError({
    source: 'shop',
    slot: 'cdc_shop',
    server: 'postgres://old:5432/shop',
    known: 2,
    timeline: 1,
    switchpoint: undefined,
    applied: 0x6000000n,
    confirmedFlush: undefined,
  });
  assert.match(older.message, /^source shop: postgres:\/\/old:5432\/shop is on timeline 1, older than timeline 2/);
});
