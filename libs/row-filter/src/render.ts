import { escape, escapeId } from 'mysql2';
import { escapeIdentifier, escapeLiteral } from 'pg';
import type { FilterExpression, Literal } from './expression';

/** What differs between the SQL dialects a filter is written in; the tree walk is one. */
interface Dialect {
  identifier(name: string): string;
  string(value: string): string;
  /** `operand [NOT] LIKE pattern` (both already written), case-insensitive or not. */
  like(operand: string, pattern: string, negated: boolean, caseInsensitive: boolean): string;
}

/**
 * Written from the parsed tree only: identifiers and strings by the dialect's driver helpers,
 * numbers checked against a numeric pattern when parsed. Every operation is parenthesized, so
 * precedence is the tree's, never the reader's.
 */
function render(expression: FilterExpression, dialect: Dialect): string {
  const sql = (operand: FilterExpression) => render(operand, dialect);
  const not = 'negated' in expression && expression.negated ? ' NOT' : '';
  switch (expression.kind) {
    case 'column':
      return dialect.identifier(expression.name);
    case 'literal':
      return literal(expression.value, dialect);
    case 'and':
    case 'or':
      return `(${sql(expression.left)} ${expression.kind.toUpperCase()} ${sql(expression.right)})`;
    case 'not':
      return `(NOT ${sql(expression.operand)})`;
    case 'compare':
      return `(${sql(expression.left)} ${expression.operator} ${sql(expression.right)})`;
    case 'in':
      return `(${sql(expression.operand)}${not} IN (${expression.list.map(sql).join(', ')}))`;
    case 'is-null':
      return `(${sql(expression.operand)} IS${not} NULL)`;
    case 'like':
      return dialect.like(
        sql(expression.operand),
        sql(expression.pattern),
        expression.negated,
        expression.caseInsensitive,
      );
    case 'between':
      return `(${sql(expression.operand)}${not} BETWEEN ${sql(expression.low)} AND ${sql(expression.high)})`;
  }
}

const POSTGRES: Dialect = {
  identifier: escapeIdentifier,
  string: escapeLiteral,
  like: (operand, pattern, negated, caseInsensitive) =>
    `(${operand}${negated ? ' NOT' : ''} ${caseInsensitive ? 'ILIKE' : 'LIKE'} ${pattern})`,
};

/**
 * MySQL: identifiers by mysql2's escapeId, strings by its escape (a backslash doubled, so a LIKE
 * pattern keeps its `\` escapes). MySQL has no ILIKE: `LOWER(a) LIKE LOWER(p)`,
 * case-insensitive under any collation as the evaluator's MySQL dialect is. Comparisons then
 * follow the columns' collations, as that dialect follows them.
 */
const MYSQL: Dialect = {
  identifier: (name) => escapeId(name),
  string: (value) => escape(value),
  like: (operand, pattern, negated, caseInsensitive) =>
    caseInsensitive
      ? `(LOWER(${operand})${negated ? ' NOT' : ''} LIKE LOWER(${pattern}))`
      : `(${operand}${negated ? ' NOT' : ''} LIKE ${pattern})`,
};

/** The filter as Postgres SQL, for a publication's `WHERE (...)` (DDL takes no parameters) and a snapshot's SELECT. */
export function renderPostgres(expression: FilterExpression): string {
  return render(expression, POSTGRES);
}

/** The filter as MySQL SQL, for what MySQL evaluates itself (cdc verify's source reads on a Vitess source, through vtgate). */
export function renderMysql(expression: FilterExpression): string {
  return render(expression, MYSQL);
}

function literal(value: Literal, dialect: Dialect): string {
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
      return dialect.string(value.value);
  }
}
