import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffRows, type RowShape } from './row-diff';

const keyed: RowShape = { columnNames: ['id', 'price', 'doc'], kinds: ['integer', 'decimal', 'json'], keyIndexes: [0] };

test('by key: missing, extra, different columns; equal values in other spellings are equal', () => {
  const source = [
    ['1', '1.50', '{"a": 1}'],
    ['2', '2', null],
    ['3', '3', '{"a": 1, "b": 2}'],
  ];
  const destination = [
    ['1', '1.5', '{"a":1}'],
    ['3', '3.01', '{"b": 2, "a": 1}'],
    ['4', '4', null],
  ];
  assert.deepEqual(diffRows(keyed, source, destination), [
    { kind: 'missing', key: ['2'] },
    { kind: 'different', key: ['3'], columns: ['price'] },
    { kind: 'extra', key: ['4'] },
  ]);
  assert.deepEqual(diffRows(keyed, source, source), []);
});

test('composite keys do not alias', () => {
  const shape: RowShape = { columnNames: ['a', 'b'], kinds: ['text', 'text'], keyIndexes: [0, 1] };
  assert.deepEqual(diffRows(shape, [['a,b', 'c']], [['a', 'b,c']]), [
    { kind: 'missing', key: ['a,b', 'c'] },
    { kind: 'extra', key: ['a', 'b,c'] },
  ]);
});

test('keyless: a multiset, duplicates counted, values compared by value', () => {
  const shape: RowShape = { columnNames: ['tag', 'weight'], kinds: ['text', 'decimal'], keyIndexes: [] };
  const source = [
    ['x', '1'],
    ['x', '1'],
    ['y', '2.0'],
  ];
  assert.deepEqual(
    diffRows(shape, source, [
      ['x', '1'],
      ['y', '2'],
    ]),
    [{ kind: 'missing', key: ['x', '1'] }],
  );
  assert.deepEqual(diffRows(shape, source, [...source, ['z', null]]), [{ kind: 'extra', key: ['z', 'NULL'] }]);
});
