import { test } from 'node:test';
import assert from 'node:assert/strict';
import { positionText } from './change';

test("a position's text: commit:index, with the lane in front when it has one", () => {
  assert.equal(positionText({ commit: 5n, index: 2 }), '5:2');
  assert.equal(positionText({ commit: 5n, index: 2, lane: '' }), '5:2');
  assert.equal(positionText({ commit: 5n, index: 2, lane: 'ks/-80' }), 'ks/-80@5:2');
});
