import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Value } from '@cdc/change-envelope';
import { decodeTextValue, type TypeInfo } from './values';

const base = (oid: number): TypeInfo => ({ oid, typtype: 'b', delimiter: ',' });
const arrayOf = (element: TypeInfo): TypeInfo => ({ oid: 0, typtype: 'b', element, delimiter: ',' });
/** An array column's elements, as the reader decodes them (the parser itself lives in change-envelope). */
const parseArrayLiteral = (text: string, element: TypeInfo): Value[] =>
  (decodeTextValue(text, arrayOf(element)) as { kind: 'array'; value: Value[] }).value;

test('scalars decode to their kinds', () => {
  assert.deepEqual(decodeTextValue('-9223372036854775808', base(20)), {
    kind: 'integer',
    value: '-9223372036854775808',
  });
  assert.deepEqual(decodeTextValue('t', base(16)), { kind: 'boolean', value: true });
  assert.deepEqual(decodeTextValue('NaN', base(1700)), { kind: 'decimal', value: 'NaN' });
  assert.ok(Number.isNaN((decodeTextValue('NaN', base(701)) as { value: number }).value));
  assert.deepEqual(decodeTextValue('-Infinity', base(700)), { kind: 'float', value: Number.NEGATIVE_INFINITY });
  assert.deepEqual(decodeTextValue('\\x00ff', base(17)), { kind: 'bytes', value: new Uint8Array([0, 255]) });
  assert.deepEqual(decodeTextValue('2024-01-02 03:04:05.123456+00', base(1184)), {
    kind: 'timestamptz',
    value: '2024-01-02 03:04:05.123456+00',
  });
  assert.deepEqual(decodeTextValue(null, base(25)), { kind: 'null' });
  assert.deepEqual(decodeTextValue('happy', { oid: 99999, typtype: 'e', delimiter: ',' }), {
    kind: 'enum',
    value: 'happy',
  });
  assert.deepEqual(decodeTextValue('42', { oid: 99998, typtype: 'd', base: base(23), delimiter: ',' }), {
    kind: 'integer',
    value: '42',
  });
});

test('array literals: NULLs, quoting, escapes, nesting, bounds', () => {
  assert.deepEqual(parseArrayLiteral('{1,NULL,3}', base(23)), [
    { kind: 'integer', value: '1' },
    { kind: 'null' },
    { kind: 'integer', value: '3' },
  ]);
  assert.deepEqual(parseArrayLiteral('{"a,b","NULL","x\\"y\\\\z",""}', base(25)), [
    { kind: 'text', value: 'a,b' },
    { kind: 'text', value: 'NULL' },
    { kind: 'text', value: 'x"y\\z' },
    { kind: 'text', value: '' },
  ]);
  assert.deepEqual(parseArrayLiteral('[0:1]={{1,2},{3,4}}', base(23)), [
    {
      kind: 'array',
      value: [
        { kind: 'integer', value: '1' },
        { kind: 'integer', value: '2' },
      ],
    },
    {
      kind: 'array',
      value: [
        { kind: 'integer', value: '3' },
        { kind: 'integer', value: '4' },
      ],
    },
  ]);
  assert.deepEqual(decodeTextValue('{}', arrayOf(base(25))), { kind: 'array', value: [] });
});
