import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceStatus } from './status';
import { renderStatus } from './status-text';

const vitessSource = (startPosition: SourceStatus['startPosition']): SourceStatus => ({
  source: 'sales',
  type: 'vitess',
  committedSeq: null,
  committedPosition: null,
  slot: null,
  partitions: [],
  appliers: [],
  vitess: null,
  startPosition,
});

test('cdc status shows where a Vitess source with nothing committed starts, and who recorded it', () => {
  const atStartAt = renderStatus([vitessSource({ vgtid: 'sales/0@MariaDB/0-1-85', recordedBy: 'start-at' })]);
  assert.match(atStartAt, /^ {2}committed: none yet$/m);
  assert.match(
    atStartAt,
    /^ {2}starts at: sales\/0@MariaDB\/0-1-85 \(recorded by cdc start-at; the reader streams from there until it has committed a position\)$/m,
  );
  const byReader = renderStatus([vitessSource({ vgtid: 'sales/0@MariaDB/0-1-85', recordedBy: 'reader' })]);
  assert.match(byReader, /starts at: sales\/0@MariaDB\/0-1-85 \(recorded by the reader's first start;/);
  assert.doesNotMatch(renderStatus([vitessSource(null)]), /starts at/);
});

test('cdc status shows, per standby of a source with failover_urls, whether a promotion keeps the slot', () => {
  const text = renderStatus([
    {
      source: 'shop',
      type: 'postgres',
      committedSeq: 4,
      committedPosition: '0/3000000',
      slot: { name: 'cdc_shop', active: true, confirmedFlush: '0/3000000', lagBytes: '0' },
      standbys: [
        { server: 'postgres://a/shop', state: 'synced', confirmedFlush: '0/2F00000' },
        { server: 'postgres://b/shop', state: 'temporary', confirmedFlush: null },
        { server: 'postgres://c/shop', state: 'missing', confirmedFlush: null },
        { server: 'postgres://d/shop', state: 'unknown', confirmedFlush: null, error: 'connect ECONNREFUSED' },
      ],
      partitions: [],
      appliers: [],
    },
  ]);
  assert.match(
    text,
    /^ {2}slot cdc_shop: active.*\n {2}standby postgres:\/\/a\/shop: slot synced \(confirmed_flush 0\/2F00000\): a promotion keeps it$/m,
  );
  assert.match(
    text,
    /^ {2}standby postgres:\/\/b\/shop: slot being synced, not caught up yet: a promotion now would drop it/m,
  );
  assert.match(
    text,
    /^ {2}standby postgres:\/\/c\/shop: WARNING: slot not synced .*a promotion stops the reader \(cdc resnapshot\)$/m,
  );
  assert.match(text, /^ {2}standby postgres:\/\/d\/shop: unknown \(connect ECONNREFUSED\)$/m);
});

test("cdc status shows a promoted server that lacks what the destinations hold with the reader's line, and says nothing while the timeline is the destinations'", () => {
  const shop = (timeline: SourceStatus['timeline']): SourceStatus => ({
    source: 'shop',
    type: 'postgres',
    committedSeq: 4,
    committedPosition: '0/4001128',
    slot: { name: 'cdc_shop', active: false, confirmedFlush: '0/19CDC88', lagBytes: '0' },
    timeline,
    partitions: [],
    appliers: [],
  });
  const diverged = 'source shop: postgres://standby/shop left timeline 1 at 0/19CDC88 ... so the reader stops.';
  assert.match(
    renderStatus([shop({ server: 2, destinations: 1, diverged })]),
    /^ {2}slot cdc_shop: inactive.*\n {2}timeline 2: ERROR: source shop: postgres:\/\/standby\/shop left timeline 1 at 0\/19CDC88 \.\.\. so the reader stops\.$/m,
  );
  assert.match(
    renderStatus([shop({ server: 2, destinations: 1, diverged: null })]),
    /^ {2}timeline 2: the destinations' positions are on timeline 1, all within this server's history: the reader streams on from it$/m,
  );
  assert.match(
    renderStatus([shop({ server: null, destinations: 1, diverged: null, error: 'permission denied' })]),
    /^ {2}timeline: unknown \(permission denied\)$/m,
  );
  for (const quiet of [
    { server: 1, destinations: 1, diverged: null },
    { server: 1, destinations: null, diverged: null },
    null,
  ])
    assert.doesNotMatch(renderStatus([shop(quiet)]), /timeline/);
});
