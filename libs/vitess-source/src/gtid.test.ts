import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeVgtid, encodeVgtid, formatVgtid, gtidOrdinal, parseVgtid } from './gtid';
import { tablePatternRules } from './filter-rules';

test('MariaDB GTID lists: the sum of sequence numbers over the domains', () => {
  assert.equal(gtidOrdinal('MariaDB/0-364378080-54'), 54n);
  assert.equal(gtidOrdinal('MariaDB/0-1-54,1-2-7'), 61n);
  assert.ok(gtidOrdinal('MariaDB/0-1-55') > gtidOrdinal('MariaDB/0-1-54'));
});

test('MySQL GTID sets: the number of transactions, growing as the set grows', () => {
  const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  assert.equal(gtidOrdinal(`MySQL56/${uuid}:1-5`), 5n);
  assert.equal(gtidOrdinal(`MySQL56/${uuid}:1-5:7-9`), 8n);
  assert.equal(gtidOrdinal(`MySQL56/${uuid}:1-5,11111111-2222-3333-4444-555555555555:1-3`), 8n);
  assert.equal(gtidOrdinal(`MySQL56/${uuid}:1-5:11`), 6n);
});

test('file positions, empty and "current"', () => {
  assert.equal(gtidOrdinal('FilePos/binlog.000002:120'), (2n << 32n) + 120n);
  assert.equal(gtidOrdinal(''), 0n);
  assert.equal(gtidOrdinal('current'), 0n);
});

test('malformed GTIDs are errors that quote the input', () => {
  assert.throws(() => gtidOrdinal('MariaDB/0-1'), /malformed MariaDB GTID "0-1" in "MariaDB\/0-1"/);
  assert.throws(() => gtidOrdinal('MySQL56/nonsense'), /malformed MySQL GTID set/);
  assert.throws(() => gtidOrdinal('Oracle/1'), /unsupported GTID flavor/);
});

test('a VGtid survives its token form, copy state included', () => {
  const vgtid = {
    shardGtids: [
      { keyspace: 'ks', shard: '-80', gtid: 'MariaDB/0-1-54', tablePKs: [{ tableName: 't1' }] },
      { keyspace: 'ks', shard: '80-', gtid: '' },
    ],
  };
  const back = decodeVgtid(encodeVgtid(vgtid));
  assert.equal(back.shardGtids.length, 2);
  assert.equal(back.shardGtids[0].tablePKs?.[0]?.tableName, 't1');
  assert.equal(formatVgtid(back), 'ks/-80@MariaDB/0-1-54 (copying t1), ks/80-@(copy not started)');
});

test('table patterns become anchored VStream regex rules', () => {
  assert.deepEqual(tablePatternRules(['orders', 'order_*', 'a.b']), [
    { match: '/^orders$' },
    { match: '/^order_.*$' },
    { match: '/^a\\.b$' },
  ]);
});

test('parseVgtid reads back what formatVgtid writes (cdc status, the MoveTables journal hand-over)', () => {
  const vgtid = {
    shardGtids: [
      { keyspace: 'customer', shard: '-80', gtid: 'MariaDB/0-1-54,1-2-7' },
      { keyspace: 'customer', shard: '80-', gtid: 'MySQL56/3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7-9' },
    ],
  };
  assert.deepEqual(parseVgtid(formatVgtid(vgtid)), vgtid);
  assert.deepEqual(parseVgtid(' sales/0@MariaDB/0-1916968622-114 '), {
    shardGtids: [{ keyspace: 'sales', shard: '0', gtid: 'MariaDB/0-1916968622-114' }],
  });
});

test('parseVgtid refuses what is not a position', () => {
  assert.throws(() => parseVgtid(''), /empty position/);
  assert.throws(() => parseVgtid('sales@MariaDB/0-1-2'), /"sales@MariaDB\/0-1-2" .* is not keyspace\/shard@GTID/);
  assert.throws(() => parseVgtid('sales/0@current'), /"current" is not a position/);
  assert.throws(() => parseVgtid('sales/0@MariaDB/0-1'), /malformed MariaDB GTID/);
  assert.throws(() => parseVgtid('sales/0@MariaDB/0-1-2 (copying orders)'), /is not keyspace\/shard@GTID/);
  assert.throws(() => parseVgtid('sales/0@MariaDB/0-1-2, sales/0@MariaDB/0-1-3'), /shard sales\/0 appears twice/);
});
