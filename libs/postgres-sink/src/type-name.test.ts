import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayDimensions, normalizeTypeName } from './type-name';

test('plain type names keep their typmods and spelling', () => {
  assert.equal(normalizeTypeName('numeric(10,2)'), 'numeric(10,2)');
  assert.equal(normalizeTypeName('character varying(20)'), 'character varying(20)');
  assert.equal(normalizeTypeName('timestamp(3)  with time zone'), 'timestamp(3) with time zone');
  assert.equal(normalizeTypeName('integer[]'), 'integer[]');
  assert.equal(normalizeTypeName('int4 [ ] [ ]'), 'int4[][]');
  assert.equal(normalizeTypeName('public."My ""Type"""[]'), 'public."My ""Type"""[]');
  assert.equal(normalizeTypeName('geometry(Point, 4326)'), 'geometry(Point,4326)');
});

test('anything beyond type-name tokens is refused', () => {
  for (const bad of [
    'int4 --',
    'int4 /* x */',
    'int4); DROP TABLE x; --',
    "text DEFAULT 'x'",
    'numeric(10',
    'numeric(10))',
    'numeric(10)(2)',
    'int4, "x" int4',
    'numeric(,)',
    'numeric((1))',
    'a.b(1.2)',
    '"unterminated',
    '""',
    '',
    'int4 = 1',
  ]) {
    assert.equal(normalizeTypeName(bad), undefined, bad);
  }
});

test('array dimensions of a type name', () => {
  assert.equal(arrayDimensions('mood[]'), 1);
  assert.equal(arrayDimensions('integer[][]'), 2);
  assert.equal(arrayDimensions('int4 ARRAY'), 1);
  assert.equal(arrayDimensions('text'), 0);
});
