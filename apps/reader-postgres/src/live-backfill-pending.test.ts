// The pending-backfill bookkeeping alone (no servers: nothing here connects).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { LiveBackfill } from './live-backfill';
import type { PendingBackfill } from './pending-backfill';

test('forgetting a table matches schema and table apart: "a.b"."c" and "a"."b.c" are different tables', async () => {
  const persisted: PendingBackfill[][] = [];
  const backfill = new LiveBackfill({
    source: 'shop',
    url: 'postgres://unused',
    publication: 'cdc',
    chunkRows: 1000,
    initial: [
      { schema: 'a.b', table: 'c' },
      { schema: 'a', table: 'b.c' },
    ],
    persist: async (pending) => void persisted.push(pending.map(({ schema, table }) => ({ schema, table }))),
    signal: new AbortController().signal,
    log: pino({ level: 'silent' }),
  });
  await backfill.forget([{ schema: 'a', table: 'b.c' }]);
  assert.deepEqual(backfill.pendingTables, ['a.b.c']);
  assert.deepEqual(persisted, [[{ schema: 'a.b', table: 'c' }]]);
});
