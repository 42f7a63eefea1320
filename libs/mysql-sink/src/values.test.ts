import { test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2';
import { fieldText, parseColumnKind, RowTextWriter, valueOfText } from '@cdc/change-envelope';
import { sqlLiteral, textLiteral, type ColumnCategory, type TargetColumnType } from './values';

// The literal of a field straight from its COPY text must be the literal its value gets.
const escape = (text: string) => mysql.escape(text);

test('literals from row text equal the literals of the decoded values, wherever the fast path answers', () => {
  const samples: Record<string, string[]> = {
    integer: ['0', '-42', '9223372036854775807', '12a'],
    unsigned: ['18446744073709551615'],
    text: ['plain', 'it\'s "quoted"', 'tab\there\nnew\\line', '\u0000nul', 'ünï 🚀', '\u001a', ''],
    enum: ['happy'],
    uuid: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    json: ['{"a": "b\\"c"}'],
    interval: ['1 day'],
    date: ['2024-02-29', '0999-01-01', '2024-00-10', 'infinity'],
    timestamp: ['2024-02-29 23:59:59', '2024-02-29 23:59:59.123456', '2024-02-29T23:59:59'],
    timestamptz: ['2024-02-29 23:59:59.5+00', '2024-02-29 23:59:59+05:30', '2024-02-29 23:59:59+00:00'],
    decimal: ['12.50'],
  };
  const categories: ColumnCategory[] = [
    'integer',
    'decimal',
    'float',
    'string',
    'json',
    'date',
    'datetime',
    'year',
    'binary',
  ];
  let fast = 0;
  for (const [kind, texts] of Object.entries(samples)) {
    for (const text of texts) {
      const out = new RowTextWriter(16);
      out.escapedString(text);
      const bytes = out.copy();
      for (const category of categories) {
        const column: TargetColumnType = { category };
        const got = textLiteral(bytes, 0, bytes.length, kind, column);
        if (got === undefined) continue;
        fast += 1;
        const value = valueOfText(fieldText(bytes, 0, bytes.length), parseColumnKind(kind));
        assert.equal(
          got,
          sqlLiteral(value, column, 'fail', escape),
          `${kind} ${JSON.stringify(text)} into ${category}`,
        );
      }
    }
  }
  assert.ok(fast > 30, `the fast path answered ${fast} cases`);
});
