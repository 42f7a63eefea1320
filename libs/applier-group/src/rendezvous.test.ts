import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ownedBy, rendezvousOwner } from './rendezvous';

const keys = Array.from({ length: 64 }, (_, p) => `shop/${p}`);

test('every key has exactly one owner, and every member computes the same', () => {
  const members = ['a', 'b', 'c'];
  const owned = members.map((m) => ownedBy(m, members, keys));
  assert.equal(owned.flat().length, keys.length);
  assert.equal(new Set(owned.flat()).size, keys.length);
  assert.ok(
    owned.every((list) => list.length > 8),
    `a fair share each: ${owned.map((l) => l.length)}`,
  );
  assert.equal(rendezvousOwner([...members].reverse(), 'shop/5'), rendezvousOwner(members, 'shop/5'));
});

test('adding or removing a member moves only its share', () => {
  const before = new Map(keys.map((k) => [k, rendezvousOwner(['a', 'b', 'c'], k)]));
  const added = new Map(keys.map((k) => [k, rendezvousOwner(['a', 'b', 'c', 'd'], k)]));
  for (const key of keys) {
    if (added.get(key) !== before.get(key)) assert.equal(added.get(key), 'd', `${key} moved between old members`);
  }
  const removed = new Map(keys.map((k) => [k, rendezvousOwner(['a', 'c'], k)]));
  for (const key of keys) {
    if (before.get(key) !== 'b')
      assert.equal(removed.get(key), before.get(key), `${key} moved although b did not own it`);
  }
  assert.equal(rendezvousOwner([], 'x'), undefined);
});
