import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { VStreamError } from './vstream-client';

// vtgate v0.22's words (go/vt/vtgate/vstream_manager.go, keyspaceHasBeenResharded) when the VGtid
// names a shard that a completed Reshard deleted, as the reader's gRPC call reports them.
const GONE =
  'VStream from vtgate 127.0.0.1:15991 failed: FAILED_PRECONDITION: failed to determine if keyspace customer has been resharded: shard provided in VGTID, 0, not found in the customer keyspace';

test('a VGtid naming a deleted shard is recognised, with its keyspace and shard', () => {
  const error = new VStreamError(GONE, grpc.status.FAILED_PRECONDITION);
  assert.deepEqual(error.missingShard, { keyspace: 'customer', shard: '0' });
  const ranged = new VStreamError(GONE.replace('VGTID, 0,', 'VGTID, -80,'), grpc.status.FAILED_PRECONDITION);
  assert.deepEqual(ranged.missingShard, { keyspace: 'customer', shard: '-80' });
});

test('other vtgate failures are not taken for a deleted shard', () => {
  assert.equal(new VStreamError(GONE, grpc.status.UNAVAILABLE).missingShard, undefined);
  const transient = new VStreamError(
    'VStream from vtgate 127.0.0.1:15991 failed: UNAVAILABLE: no healthy tablet available for \'keyspace:"customer" shard:"-80" tablet_type:PRIMARY\'',
    grpc.status.UNAVAILABLE,
  );
  assert.equal(transient.missingShard, undefined);
});

test('a position the binlog no longer holds (error 1236) is recognised, other failures are not', () => {
  // MariaDB's words through vttablet and vtgate (Vitess formats a MySQL error as "(errno N) (sqlstate S)").
  const mariadb = new VStreamError(
    "VStream from vtgate 127.0.0.1:15991 failed: UNKNOWN: vttablet: rpc error: code = Unknown desc = stream (at source tablet) error @ 0-1-1212: Error: connecting slave requested to start from GTID 0-1-1212, which is not in the master's binlog (errno 1236) (sqlstate HY000)",
    grpc.status.UNKNOWN,
  );
  assert.equal(mariadb.positionLost, true);
  const mysql = new VStreamError(
    'VStream from vtgate 127.0.0.1:15991 failed: UNKNOWN: Cannot replicate because the source purged required binary logs. (errno 1236) (sqlstate HY000)',
    grpc.status.UNKNOWN,
  );
  assert.equal(mysql.positionLost, true);
  assert.equal(new VStreamError(GONE, grpc.status.FAILED_PRECONDITION).positionLost, false);
  assert.equal(
    new VStreamError(
      'VStream from vtgate 127.0.0.1:15991 failed: UNAVAILABLE: errno 12360 elsewhere',
      grpc.status.UNAVAILABLE,
    ).positionLost,
    false,
  );
});
