import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeVgtid, type binlogdata } from '@cdc/vitess-source';
import { vgtidPosition, vgtidReached } from './vitess-position';

const read: binlogdata.IVGtid = {
  shardGtids: [
    { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-54' },
    { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-7' },
  ],
};

function applied(...shards: binlogdata.IShardGtid[]): Uint8Array {
  return encodeVgtid({ shardGtids: shards });
}

test('a read position is reached when every shard it names is at or past it, compared shard by shard', () => {
  const both = applied(
    { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-7' },
    { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-60' },
  );
  assert.ok(vgtidReached(read, both));
  // One shard behind: not reached, however far the other one is.
  assert.ok(
    !vgtidReached(
      read,
      applied(
        { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-999' },
        { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-6' },
      ),
    ),
  );
  // MySQL GTID sets compare by their transaction count.
  const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const mysqlRead = { shardGtids: [{ keyspace: 'ks', shard: '0', gtid: `MySQL56/${uuid}:1-10` }] };
  assert.ok(vgtidReached(mysqlRead, applied({ keyspace: 'ks', shard: '0', gtid: `MySQL56/${uuid}:1-12` })));
  assert.ok(!vgtidReached(mysqlRead, applied({ keyspace: 'ks', shard: '0', gtid: `MySQL56/${uuid}:1-9` })));
});

test('not reached: no watermark yet, a shard still copying, a shard the applied VGtid does not name', () => {
  assert.ok(!vgtidReached(read, undefined));
  assert.ok(!vgtidReached(read, new Uint8Array()));
  const copying = applied(
    { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-60', tablePKs: [{ tableName: 't' }] },
    { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-9' },
  );
  assert.ok(!vgtidReached(read, copying));
  // After a reshard the applied VGtid names other shards: their positions say nothing about these.
  const resharded = applied(
    { keyspace: 'ks', shard: '-40', gtid: 'MariaDB/0-3-900' },
    { keyspace: 'ks', shard: '40-80', gtid: 'MariaDB/0-4-900' },
    { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-9' },
  );
  assert.ok(!vgtidReached(read, resharded));
  // Another keyspace's shard of the same name is another lane.
  assert.ok(
    !vgtidReached(
      read,
      applied(
        { keyspace: 'other', shard: '-80', gtid: 'MariaDB/0-1-60' },
        { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-9' },
      ),
    ),
  );
});

test('the position as a SourcePosition: readable label, reachedBy on a watermark position', () => {
  const position = vgtidPosition(read);
  assert.equal(position.label, 'ks/-80@MariaDB/0-1-54, ks/80-@MariaDB/0-2-7');
  const token = applied(
    { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-54' },
    { keyspace: 'ks', shard: '80-', gtid: 'MariaDB/0-2-7' },
  );
  assert.ok(position.reachedBy({ commit: 0n, index: 0, token }));
  assert.ok(!position.reachedBy({ commit: 999n, index: 0 }));
});
