import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  conninfoHasDbname,
  failoverSetupProblems,
  failoverSetupWarning,
  parseSlotList,
  type StandbyFailoverSettings,
} from './failover-setup';

const ready: StandbyFailoverSettings = {
  server: 'postgres://standby:5433/shop',
  inRecovery: true,
  syncReplicationSlots: 'on',
  hotStandbyFeedback: 'on',
  primarySlotName: 'standby',
  walLevel: 'logical',
  dbnameInConninfo: true,
};

test('a complete set-up has no problem and no warning', () => {
  assert.deepEqual(failoverSetupProblems(['standby'], [ready]), []);
  assert.equal(failoverSetupWarning('shop', 'cdc_shop', []), undefined);
});

test('every missing setting of a standby is named, in one line', () => {
  const problems = failoverSetupProblems(
    ['standby'],
    [
      {
        ...ready,
        syncReplicationSlots: 'off',
        hotStandbyFeedback: 'off',
        walLevel: 'replica',
        dbnameInConninfo: false,
        primarySlotName: '',
      },
    ],
  );
  assert.deepEqual(problems, [
    'postgres://standby:5433/shop: sync_replication_slots is off (the slot is not copied there)',
    'postgres://standby:5433/shop: hot_standby_feedback is off',
    'postgres://standby:5433/shop: wal_level is replica, not logical',
    'postgres://standby:5433/shop: primary_conninfo has no dbname',
    'postgres://standby:5433/shop: primary_slot_name is empty',
  ]);
  const line = failoverSetupWarning('shop', 'cdc_shop', problems)!;
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /^source shop: failover set-up incomplete, after a promotion slot "cdc_shop" may be missing/);
  assert.match(line, /sync_replication_slots is off .*; .*hot_standby_feedback is off/);
});

test('the primary must hold changes back for each standby: synchronized_standby_slots empty or without its slot', () => {
  assert.deepEqual(failoverSetupProblems([], [ready]), [
    'synchronized_standby_slots is empty on the primary (the reader may receive changes a standby does not have yet)',
  ]);
  assert.deepEqual(failoverSetupProblems(['other'], [ready]), [
    'synchronized_standby_slots on the primary does not list "standby", the slot of postgres://standby:5433/shop ' +
      '(the reader may receive changes that standby does not have yet)',
  ]);
});

test('an unreachable server and a second primary are named; a conninfo the role may not read is not', () => {
  assert.deepEqual(
    failoverSetupProblems(
      ['standby'],
      [
        { ...ready, server: 'a', unreachable: 'connect ECONNREFUSED' },
        { ...ready, server: 'b', inRecovery: false },
        { ...ready, server: 'c', dbnameInConninfo: undefined },
      ],
    ),
    [
      'a cannot be reached (connect ECONNREFUSED)',
      'b is a primary too, not a standby (two primaries: one of them must be rebuilt as a standby)',
    ],
  );
});

test('PostgreSQL 16 has no sync_replication_slots: said as unknown', () => {
  assert.deepEqual(failoverSetupProblems(['standby'], [{ ...ready, syncReplicationSlots: null }]), [
    'postgres://standby:5433/shop: sync_replication_slots is unknown (the slot is not copied there)',
  ]);
});

test('synchronized_standby_slots and primary_conninfo as the server shows them', () => {
  assert.deepEqual(parseSlotList(''), []);
  assert.deepEqual(parseSlotList('a, "B c" ,d'), ['a', 'B c', 'd']);
  assert.equal(conninfoHasDbname('host=p port=5432 user=postgres dbname=postgres application_name=s'), true);
  assert.equal(conninfoHasDbname("host=p dbname = 'my db'"), true);
  assert.equal(conninfoHasDbname('host=p port=5432 user=postgres application_name=s'), false);
  assert.equal(conninfoHasDbname('postgresql://u@p:5432/shop'), true);
  assert.equal(conninfoHasDbname('postgresql://u@p:5432'), false);
  assert.equal(conninfoHasDbname('postgresql://u@p:5432?dbname=shop'), true);
});
