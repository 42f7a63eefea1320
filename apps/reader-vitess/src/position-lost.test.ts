import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { VStreamError } from '@cdc/vitess-source';
import { PositionLostWatch, positionLost } from './position-lost';

test('the reader gives up on a lost position only after refusals for the whole patience, none streamed between', () => {
  const watch = new PositionLostWatch(120_000);
  assert.equal(watch.refused(1_000), false);
  assert.equal(watch.refused(60_000), false);
  // An event streamed (another tablet had the position): the clock starts over.
  watch.streamed();
  assert.equal(watch.refused(100_000), false);
  assert.equal(watch.refused(219_999), false);
  assert.equal(watch.refused(220_000), true);
});

test('the error is one line naming the source, the position, the cause and the way out', () => {
  const vtgate = new VStreamError(
    "VStream from vtgate 127.0.0.1:15991 failed: UNKNOWN: Error: connecting slave requested to start from GTID 0-1-1212, which is not in the master's binlog (errno 1236) (sqlstate HY000)",
    grpc.status.UNKNOWN,
  );
  const error = positionLost(
    { name: 'customer' } as Parameters<typeof positionLost>[0],
    { shardGtids: [{ keyspace: 'customer', shard: '0', gtid: 'MariaDB/0-1-1212' }] },
    vtgate,
  );
  assert.equal(error.message.includes('\n'), false);
  assert.match(
    error.message,
    /^source customer: the binlog no longer holds the position to resume from \(customer\/0@MariaDB\/0-1-1212\)/,
  );
  assert.match(error.message, /Recovering from a lost position/);
  assert.match(error.message, /errno 1236/);
});
