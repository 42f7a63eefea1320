import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1a32, partitionOf, partitionOfKey } from './partition';

test('fnv1a32 matches the published FNV-1a 32-bit test vectors', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c);
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
});

test('partitionOf is fixed by contract: these vectors must never change', () => {
  // Changing these breaks every running pipeline (a table would move partitions mid-stream).
  assert.equal(partitionOf('public', 'orders', 16), fnv1a32('public.orders') % 16);
  assert.deepEqual(
    [
      partitionOf('public', 'orders', 16),
      partitionOf('public', 'customers', 16),
      partitionOf('Sales', 'Weird "Name"', 16),
      partitionOf('commerce', 'product', 7),
    ],
    [PINNED.orders, PINNED.customers, PINNED.weird, PINNED.product],
  );
});

test('partitionOf lowercases the qualified name', () => {
  assert.equal(partitionOf('Public', 'ORDERS', 16), partitionOf('public', 'orders', 16));
});

test('partitionOf rejects a non-positive partition count', () => {
  assert.throws(() => partitionOf('public', 'orders', 0), /positive integer/);
});

const PINNED = { orders: 3, customers: 11, weird: 5, product: 1 };

test('partitionOfKey is fixed by contract and spreads the rows of one table', () => {
  const int = (n: number) => ({ kind: 'integer' as const, value: String(n) });
  assert.equal(
    partitionOfKey('public', 'events', [int(42)], 16),
    fnv1a32('public.events\u000042\u0000') % 16,
    'the documented byte layout',
  );
  assert.equal(
    partitionOfKey(
      'public',
      'events',
      [
        { kind: 'text', value: 'a' },
        { kind: 'bytes', value: Buffer.from([0xab]) },
      ],
      16,
    ),
    fnv1a32('public.events\u0000a\u0000ab\u0000') % 16,
  );
  // The value's text decides, not its kind (snapshot and stream must agree on a row's partition).
  assert.equal(
    partitionOfKey('public', 'events', [{ kind: 'decimal', value: '42' }], 16),
    partitionOfKey('public', 'events', [int(42)], 16),
  );
  const used = new Set(Array.from({ length: 1000 }, (_, i) => partitionOfKey('public', 'events', [int(i)], 16)));
  assert.equal(used.size, 16, 'a thousand keys reach every partition');
  // Multi-column keys are not confused by concatenation.
  assert.notEqual(fnv1a32('public.t\u0000ab\u0000c\u0000'), fnv1a32('public.t\u0000a\u0000bc\u0000'));
});
