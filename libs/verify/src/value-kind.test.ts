import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kindOfMysqlType, kindOfPostgresType, valuesEqual } from './value-kind';

test('decimals by value: scale, exponent, sign of zero; not by rounding', () => {
  assert.ok(valuesEqual('decimal', '1.50', '1.5'));
  assert.ok(valuesEqual('decimal', '100', '100.000'));
  assert.ok(valuesEqual('decimal', '1e3', '1000'));
  assert.ok(valuesEqual('decimal', '-0.00', '0'));
  assert.ok(valuesEqual('decimal', 'NaN', 'NaN'));
  assert.ok(!valuesEqual('decimal', '100', '10'));
  assert.ok(!valuesEqual('decimal', '0.1', '0.10000000000000000001'));
  assert.ok(!valuesEqual('decimal', '1', 'NaN'));
});

test('floats by value: spelling differs, the double does not', () => {
  assert.ok(valuesEqual('float8', '1e+20', '1e20'));
  assert.ok(valuesEqual('float8', '0.1', '0.10'));
  assert.ok(valuesEqual('float8', 'Infinity', 'inf'));
  assert.ok(valuesEqual('float8', 'NaN', 'nan'));
  assert.ok(!valuesEqual('float8', '0.1', '0.1000000000000001'));
  assert.ok(!valuesEqual('float8', '-0', '0'));
  // float4: both texts name the same single-precision value.
  assert.ok(valuesEqual('float4', '0.1', '0.100000001'));
  assert.ok(!valuesEqual('float4', '0.1', '0.2'));
});

test('JSON by value: key order and spacing do not matter, numbers are exact', () => {
  assert.ok(valuesEqual('json', '{"b": 1, "a": [1, 2]}', '{"a":[1,2],"b":1}'));
  assert.ok(valuesEqual('json', '{"a": 1.0}', '{"a": 1}'));
  assert.ok(!valuesEqual('json', '{"a": [1, 2]}', '{"a": [2, 1]}'));
  assert.ok(!valuesEqual('json', '{"a": 1}', '{"a": "1"}'));
  assert.ok(!valuesEqual('json', '{"a": null}', '{}'));
  assert.ok(!valuesEqual('json', 'not json', 'not json '));
});

test('times: trailing fraction zeros; NULL only equals NULL; text exactly', () => {
  assert.ok(valuesEqual('timestamptz', '2024-01-01T00:00:00.500000', '2024-01-01T00:00:00.5'));
  assert.ok(valuesEqual('timestamp', '2024-01-01T10:00:00.000000', '2024-01-01 10:00:00'));
  assert.ok(valuesEqual('time', '10:00:00.000000', '10:00:00'));
  assert.ok(!valuesEqual('timestamptz', '2024-01-01T00:00:00.5', '2024-01-01T00:00:00.05'));
  assert.ok(valuesEqual('text', null, null));
  assert.ok(!valuesEqual('text', '', null));
  assert.ok(!valuesEqual('text', 'a', 'A'));
  assert.ok(valuesEqual('uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'));
});

test('kinds from catalog types', () => {
  assert.equal(kindOfPostgresType('numeric', 'N'), 'decimal');
  assert.equal(kindOfPostgresType('_int4', 'A'), 'other');
  assert.equal(kindOfPostgresType('mood', 'E'), 'text');
  assert.equal(kindOfPostgresType('interval', 'T'), 'other');
  assert.equal(kindOfMysqlType('tinyint', 'tinyint(1)'), 'boolean');
  assert.equal(kindOfMysqlType('tinyint', 'tinyint(4)'), 'integer');
  assert.equal(kindOfMysqlType('DATETIME', 'datetime(6)'), 'timestamp');
  assert.equal(kindOfMysqlType('bit', 'bit(10)'), 'bits');
  // MariaDB's JSON is a LONGTEXT with a json_valid() check: the schema read says so.
  assert.equal(kindOfMysqlType('longtext', 'longtext', true), 'json');
  assert.equal(kindOfMysqlType('longtext', 'longtext'), 'text');
});
