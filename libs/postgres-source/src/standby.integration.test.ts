import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPostgres, startStandby, type PostgresServer } from '@cdc/testenv';
import { SourcePreflightError } from './preflight';
import { checkStandbySource, waitForStandbyReplay } from './standby';

// What a reader pointed at a standby is told before it creates anything (PostgreSQL 16, a
// primary and two standbys from the same binaries: one with hot_standby_feedback, one without).
let primary: PostgresServer;
let standby: PostgresServer;
let withoutFeedback: PostgresServer;

before(async () => {
  primary = await startPostgres({ name: 'standby-check', version: 16 });
  standby = await startStandby(primary, { name: 'standby_check_a' });
  withoutFeedback = await startStandby(primary, {
    name: 'standby_check_b',
    settings: { hot_standby_feedback: 'off', primary_slot_name: '' },
  });
});

after(async () => {
  await Promise.all([standby?.destroy(), withoutFeedback?.destroy()]);
  await primary?.destroy();
});

const check = (url: string, primaryUrl: string | undefined) =>
  checkStandbySource({
    source: 'shop',
    url,
    displayUrl: url,
    primaryUrl,
    displayPrimaryUrl: primaryUrl,
    slot: 'cdc_shop',
  });

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof SourcePreflightError, `refused with a SourcePreflightError: ${String(error)}`);
  return error.message;
}

test('a primary needs no primary_url, and is refused one', async () => {
  assert.equal(await check(primary.url(), undefined), undefined);
  assert.match(await refusal(check(primary.url(), standby.url())), /primary_url is set but url .* is not a standby/);
});

test('a primary with primary_url that holds its own slot of the source: a standby promoted since', async () => {
  await primary.query(`SELECT pg_create_logical_replication_slot('cdc_shop', 'pgoutput')`);
  try {
    assert.deepEqual(await check(primary.url(), standby.url()), { promoted: true });
  } finally {
    await primary.query(`SELECT pg_drop_replication_slot('cdc_shop')`);
  }
  assert.match(await refusal(check(primary.url(), standby.url())), /primary_url is set but url .* is not a standby/);
});

test('a standby with hot_standby_feedback and primary_url naming its primary is accepted', async () => {
  assert.deepEqual(await check(standby.url(), primary.url()), {
    primaryUrl: primary.url(),
    withoutPhysicalSlot: false,
  });
});

test('a standby without primary_url, with primary_url naming a standby, or without hot_standby_feedback is refused', async () => {
  assert.match(await refusal(check(standby.url(), undefined)), /is a standby: set primary_url to its primary/);
  assert.match(await refusal(check(standby.url(), withoutFeedback.url())), /primary_url .* is a standby too/);
  assert.match(await refusal(check(withoutFeedback.url(), primary.url())), /hot_standby_feedback off/);
});

test('waitForStandbyReplay returns once the standby has what the primary just wrote', async () => {
  await primary.query('CREATE TABLE replayed (id int)');
  await waitForStandbyReplay(standby.url(), primary.url());
  const { rows } = await standby.query(`SELECT to_regclass('public.replayed') IS NOT NULL AS present`);
  assert.deepEqual(rows, [{ present: true }]);
});
