import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1a32, partitionOf } from './partition';

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
