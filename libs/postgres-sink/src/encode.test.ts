import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrayLiteral } from '@cdc/change-envelope';
import { encodeField, PLAIN_FIELD, ValueEncodeError, type FieldMode } from './encode';
import { V } from '@cdc/change-envelope/testing';

const JSON_COLUMN: FieldMode = { arrayAsJson: false, unwrapJson: 'jsonb' };
const ARRAY_COLUMN: FieldMode = { arrayAsJson: true, unwrapJson: undefined };

test('scalars become JSON fields read by the column input function', () => {
  assert.equal(encodeField(V.null, PLAIN_FIELD), 'null');
  assert.equal(encodeField(V.bool(true), PLAIN_FIELD), 'true');
  assert.equal(encodeField(V.bool(false), PLAIN_FIELD), 'false');
  assert.equal(encodeField(V.int('-9223372036854775808'), PLAIN_FIELD), '"-9223372036854775808"');
  assert.equal(encodeField(V.unsigned('18446744073709551615'), PLAIN_FIELD), '"18446744073709551615"');
  assert.equal(encodeField(V.float(NaN), PLAIN_FIELD), '"NaN"');
  assert.equal(encodeField(V.float(Infinity), PLAIN_FIELD), '"Infinity"');
  assert.equal(encodeField(V.float(-Infinity), PLAIN_FIELD), '"-Infinity"');
  assert.equal(encodeField(V.float(-0), PLAIN_FIELD), '"-0"');
  assert.equal(encodeField(V.float(0.1), PLAIN_FIELD), '"0.1"');
  assert.equal(encodeField(V.float(1e300), PLAIN_FIELD), '"1e+300"');
  assert.equal(encodeField(V.bytes([0, 255, 16]), PLAIN_FIELD), '"\\\\x00ff10"');
  assert.equal(encodeField(V.decimal('NaN'), PLAIN_FIELD), '"NaN"');
  assert.equal(encodeField(V.text('a"b\\c\n\u2028'), PLAIN_FIELD), JSON.stringify('a"b\\c\n\u2028'));
  assert.equal(encodeField(V.timestamptz('2024-01-01 00:00:00+00'), PLAIN_FIELD), '"2024-01-01 00:00:00+00"');
});

test('an integer that is not a number still cannot break out of its JSON string', () => {
  assert.equal(encodeField(V.int('1","x":"2'), PLAIN_FIELD), JSON.stringify('1","x":"2'));
});

test('json travels as a JSON string of its text (the statement unwraps it for json columns)', () => {
  assert.equal(encodeField(V.json(' {"b":1,  "a":2} '), JSON_COLUMN), JSON.stringify(' {"b":1,  "a":2} '));
  assert.equal(encodeField(V.json('null'), JSON_COLUMN), '"null"');
  assert.equal(encodeField(V.json('1, "id": "2"'), JSON_COLUMN), JSON.stringify('1, "id": "2"'));
  assert.equal(encodeField(V.json('{"b":1}'), PLAIN_FIELD), JSON.stringify('{"b":1}'));
});

test('arrays are JSON arrays for array columns (nested for 2-D) and literals elsewhere', () => {
  const array = V.array(V.int(1), V.null, V.int(3));
  assert.equal(encodeField(array, ARRAY_COLUMN), '["1",null,"3"]');
  assert.equal(
    encodeField(V.array(V.array(V.int(1), V.int(2)), V.array(V.int(3), V.int(4))), ARRAY_COLUMN),
    '[["1","2"],["3","4"]]',
  );
  assert.equal(
    encodeField(V.array(V.json('{"a": 1}'), V.json('null'), V.null), PLAIN_FIELD),
    JSON.stringify('{"{\\"a\\": 1}","null",NULL}'),
  );
  assert.equal(encodeField(array, PLAIN_FIELD), JSON.stringify('{1,NULL,3}'));
  assert.equal(
    arrayLiteral([
      V.text('a"b'),
      V.text('x\\y'),
      V.text('NULL'),
      V.null,
      V.text(''),
      V.text('abc'),
      V.text('a b'),
      V.text('{}'),
    ]),
    '{"a\\"b","x\\\\y","NULL",NULL,"",abc,"a b","{}"}',
  );
  assert.equal(arrayLiteral([V.bool(true), V.bytes([1]), V.float(NaN)]), '{t,"\\\\x01",NaN}');
});

test('unchanged values are never encoded', () => {
  assert.throws(() => encodeField(V.unchanged, PLAIN_FIELD), ValueEncodeError);
});
