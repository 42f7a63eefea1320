import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataMessageId, watermarkMessageId } from './subjects';

test('data message ids: Postgres positions as before, Vitess positions with their lane', () => {
  assert.equal(
    dataMessageId('shop', 3, { commit: 0x1a2bn, index: 0 }, { commit: 0x1a2bn, index: 41 }),
    'shop.3.1a2b.0-1a2b.41',
  );
  const west = dataMessageId(
    'vt',
    0,
    { commit: 77n, index: 0, lane: 'ks/-80' },
    { commit: 77n, index: 1999, lane: 'ks/-80' },
  );
  const east = dataMessageId(
    'vt',
    0,
    { commit: 77n, index: 0, lane: 'ks/80-' },
    { commit: 77n, index: 1999, lane: 'ks/80-' },
  );
  // Two shards at the same GTID ordinal must not de-duplicate each other's messages.
  assert.notEqual(west, east);
  assert.equal(west, 'vt.0.ks/-80@4d.0-ks/-80@4d.1999');
  assert.equal(watermarkMessageId('shop', 2, 17), 'shop.2.w17');
});
