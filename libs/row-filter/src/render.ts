import { escape, escapeId } from 'mysql2';
import { escapeIdentifier, escapeLiteral } from 'pg';
import type { FilterExpression, Literal } from './expression';

/**
 * The filter as Postgres SQL, for a publication's `WHERE (...)` (DDL takes no parameters) and a
 * snapshot's SELECT. Written from the parsed tree only: identifiers quoted by pg's
 * escapeIdentifier, strings by escapeLiteral, numbers checked against a numeric pattern when
 * parsed. Every operation is parenthesized, so precedence is the tree's, never the reader's.
 */
export function renderPostgres(expression: FilterExpression): string {
  switch (expression.kind) {
    case 'column':
      return escapeIdentifier(expression.name);
    case 'literal':
      return literal(expression.value);
    case 'and':
    case 'or':
      return `(${renderPostgres(expression.left)} ${expression.kind.toUpperCase()} ${renderPostgres(expression.right)})`;
    case 'not':
      return `(NOT ${renderPostgres(expression.operand)})`;
    case 'compare':
      return `(${renderPostgres(expression.left)} ${expression.operator} ${renderPostgres(expression.right)})`;
    case 'in':
      return `(${renderPostgres(expression.operand)}${expression.negated ? ' NOT' : ''} IN (${expression.list.map(renderPostgres).join(', ')}))`;
    case 'is-null':
      return `(${renderPostgres(expression.operand)} IS${expression.negated ? ' NOT' : ''} NULL)`;
    case 'like':
      return `(${renderPostgres(expression.operand)}${expression.negated ? ' NOT' : ''} ${expression.caseInsensitive ? 'ILIKE' : 'LIKE'} ${renderPostgres(expression.pattern)})`;
    case 'between':
      return `(${renderPostgres(expression.operand)}${expression.negated ? ' NOT' : ''} BETWEEN ${renderPostgres(expression.low)} AND ${renderPostgres(expression.high)})`;
  }
}

/**
 * The filter as MySQL SQL, for what MySQL evaluates itself (cdc verify's source reads on a Vitess
 * source, through vtgate): written from the tree as renderPostgres is, identifiers by mysql2's
 * escapeId, strings by its escape (a backslash doubled, so a LIKE pattern keeps its `\` escapes).
 * MySQL has no ILIKE: `LOWER(a) LIKE LOWER(p)`, case-insensitive under any collation as the
 * evaluator's MySQL dialect is. Comparisons then follow the columns' collations, as that dialect
 * follows them.
 */
export function renderMysql(expression: FilterExpression): string {
  const sql = renderMysql;
  switch (expression.kind) {
    case 'column':
      return escapeId(expression.name);
    case 'literal':
      return expression.value.type === 'string' ? escape(expression.value.value) : literal(expression.value);
    case 'and':
    case 'or':
      return `(${sql(expression.left)} ${expression.kind.toUpperCase()} ${sql(expression.right)})`;
    case 'not':
      return `(NOT ${sql(expression.operand)})`;
    case 'compare':
      return `(${sql(expression.left)} ${expression.operator} ${sql(expression.right)})`;
    case 'in':
      return `(${sql(expression.operand)}${expression.negated ? ' NOT' : ''} IN (${expression.list.map(sql).join(', ')}))`;
    case 'is-null':
      return `(${sql(expression.operand)} IS${expression.negated ? ' NOT' : ''} NULL)`;
    case 'like': {
      const not = expression.negated ? ' NOT' : '';
      return expression.caseInsensitive
        ? `(LOWER(${sql(expression.operand)})${not} LIKE LOWER(${sql(expression.pattern)}))`
        : `(${sql(expression.operand)}${not} LIKE ${sql(expression.pattern)})`;
    }
    case 'between':
      return `(${sql(expression.operand)}${expression.negated ? ' NOT' : ''} BETWEEN ${sql(expression.low)} AND ${sql(expression.high)})`;
  }
}

function literal(value: Literal): string {
  switch (value.type) {
    case 'null':
      return 'NULL';
    case 'boolean':
      return value.value ? 'TRUE' : 'FALSE';
    case 'number':
      // Checked against a numeric pattern by parseFilter; a negative one is parenthesized so
      // "a - -1" style juxtaposition can never form a comment token ("--").
      return value.text.startsWith('-') ? `(${value.text})` : value.text;
    case 'string':
      return escapeLiteral(value.value);
  }
}
