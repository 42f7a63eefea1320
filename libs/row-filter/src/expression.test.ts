import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnsOf, FilterSyntaxError, parseFilter } from './expression';
import { renderPostgres } from './render';

test('renders from the parsed tree: identifiers quoted, strings escaped, unquoted names folded to lower case', () => {
  assert.equal(renderPostgres(parseFilter("Region = 'eu' AND NOT deleted")), `(("region" = 'eu') AND (NOT "deleted"))`);
  assert.equal(renderPostgres(parseFilter(`"We""ird Col" >= -5`)), `("We""ird Col" >= (-5))`);
  assert.equal(renderPostgres(parseFilter("note = 'it''s'")), `("note" = 'it''s')`);
  // A backslash is an ordinary character in a Postgres string; escapeLiteral writes it as E'a\\b'.
  assert.equal(renderPostgres(parseFilter("note = 'a\\b'")), `("note" =  E'a\\\\b')`);
  assert.equal(
    renderPostgres(parseFilter(`"x" = 'say "hi"' AND y = '--' AND "a'b" = ';'`)),
    `((("x" = 'say "hi"') AND ("y" = '--')) AND ("a'b" = ';'))`,
  );
  assert.equal(
    renderPostgres(parseFilter("a IN (1, 2.5) OR b IS NOT NULL OR c NOT LIKE 'x%' OR d NOT BETWEEN 1 AND 2")),
    `(((("a" IN (1, 2.5)) OR ("b" IS NOT NULL)) OR ("c" NOT LIKE 'x%')) OR ("d" NOT BETWEEN 1 AND 2))`,
  );
  assert.deepEqual(columnsOf(parseFilter('a = 1 AND (b = \'x\' OR a IS NULL) AND "C" IN (c)')), ['a', 'b', 'C', 'c']);
});

test('anything but one boolean expression over columns is refused, with what is supported', () => {
  for (const text of [
    "region = 'eu'; DROP TABLE users",
    'a = 1 UNION SELECT 1',
    'a = (SELECT 1)',
    "lower(region) = 'eu'",
    'a::int = 1',
    't.a = 1',
    'a = 1 ORDER BY a',
    '',
    'a = ',
    'a = 1 GROUP BY a',
    "a = E'x'",
    'a = 1 -- comment',
    "a = 'unterminated",
    'a = $$x$$',
  ]) {
    assert.throws(() => parseFilter(text), FilterSyntaxError, text);
  }
  assert.throws(() => parseFilter('lower(a) = 1'), /uses a function call, which filters do not support/);
});
