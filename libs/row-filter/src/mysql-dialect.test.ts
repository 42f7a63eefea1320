import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Column, Value } from '@cdc/change-envelope';
import { FilterTypeError } from './comparison';
import { compileFilter } from './evaluate';
import { parseFilter } from './expression';

// A Vitess source's filter as the reader evaluates it: MySQL's rules where they differ from Postgres's.
const column = (name: string, type: string): Column => ({
  name,
  type,
  key: false,
  nullable: true,
  typeOid: 0,
  elementTypeOid: 0,
});
const columns = [
  column('id', 'bigint(20)'),
  column('deleted', 'tinyint(1)'),
  column('Region', 'varchar(16)'),
  column('code', 'varchar(16)'),
  column('padded', 'varchar(16)'),
  column('nopad', 'varchar(16)'),
];
const collations: Record<string, string> = {
  region: 'utf8mb4_general_ci',
  code: 'utf8mb4_bin',
  padded: 'latin1_swedish_ci',
  nopad: 'utf8mb4_0900_ai_ci',
};
const mysql = (text: string) =>
  compileFilter(parseFilter(text), columns, {
    dialect: 'mysql',
    collationOf: (name) => collations[name.toLowerCase()],
  });
const text = (value: string | null): Value => (value === null ? { kind: 'null' } : { kind: 'text', value });
const int = (value: number | null): Value =>
  value === null ? { kind: 'null' } : { kind: 'integer', value: String(value) };
const row = (
  fields: Partial<{
    deleted: number | null;
    region: string | null;
    code: string | null;
    padded: string;
    nopad: string;
  }>,
): Value[] => [
  int(1),
  int(fields.deleted === undefined ? 0 : fields.deleted),
  text(fields.region ?? null),
  text(fields.code ?? null),
  text(fields.padded ?? null),
  text(fields.nopad ?? null),
];

test('a number is a boolean: NOT deleted, deleted, TRUE and FALSE as 1 and 0', () => {
  assert.equal(mysql('NOT deleted')(row({ deleted: 0 })), true);
  assert.equal(mysql('NOT deleted')(row({ deleted: 2 })), false);
  assert.equal(mysql('NOT deleted')(row({ deleted: null })), null);
  assert.equal(mysql('deleted')(row({ deleted: 5 })), true);
  assert.equal(mysql('deleted = false')(row({ deleted: 0 })), true);
  assert.equal(mysql('deleted = true')(row({ deleted: 1 })), true);
  // MySQL's TRUE is the integer 1: 2 = TRUE is false there too.
  assert.equal(mysql('deleted = true')(row({ deleted: 2 })), false);
  // Postgres refuses a number where a boolean belongs.
  assert.throws(() => compileFilter(parseFilter('deleted = true'), columns), FilterTypeError);
});

test('column names match case-insensitively, as in MySQL', () => {
  assert.equal(mysql("REGION = 'eu'")(row({ region: 'eu' })), true);
  assert.throws(() => compileFilter(parseFilter("region = 'eu'"), columns), /unknown column "region"/);
});

test('text compares under the column collation: _ci ignores case and accents, _bin does not', () => {
  assert.equal(mysql("region = 'eu'")(row({ region: 'EU' })), true);
  assert.equal(mysql("region = 'e'")(row({ region: 'é' })), true);
  assert.equal(mysql("region IN ('us', 'eu')")(row({ region: 'Eu' })), true);
  assert.equal(mysql("region < 'b'")(row({ region: 'A' })), true);
  assert.equal(mysql("region LIKE 'e%'")(row({ region: 'Éire' })), true);
  assert.equal(mysql("code = 'eu'")(row({ code: 'EU' })), false);
  assert.equal(mysql("code LIKE 'e%'")(row({ code: 'EU' })), false);
  assert.equal(mysql("code ILIKE 'e%'")(row({ code: 'EU' })), true);
  // 'B' < 'a' by bytes, not under a case-insensitive collation.
  assert.equal(mysql("code < 'a'")(row({ code: 'B' })), true);
  assert.equal(mysql("region < 'a'")(row({ region: 'B' })), false);
});

test('PAD SPACE collations ignore trailing spaces, NO PAD (_0900_) ones do not', () => {
  assert.equal(mysql("padded = 'eu'")(row({ padded: 'eu  ' })), true);
  assert.equal(mysql("code = 'eu'")(row({ code: 'eu ' })), true);
  assert.equal(mysql("nopad = 'eu'")(row({ nopad: 'eu ' })), false);
  assert.equal(mysql("nopad = 'eu'")(row({ nopad: 'EU' })), true);
});

test('what MySQL converts and the filter refuses: a number against text, text as a boolean', () => {
  assert.throws(() => mysql('region = 0'), /the number 0 is compared with a column of kind text/);
  assert.throws(() => mysql('NOT region'), /column "region" is not a number/);
});
