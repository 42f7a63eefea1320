import { columnKindOf, type Column, type Value } from '@cdc/change-envelope';
import {
  compare,
  compareCodePoints,
  FilterTypeError,
  fromLiteral,
  fromValue,
  isNumeric,
  likeRegExp,
  NUMERIC_KINDS,
  TEXT_KINDS,
  toFloat,
  UNKNOWN,
  type Kind,
  type Scalar,
  type TextOrder,
} from './comparison';
import { columnsOf, type FilterExpression } from './expression';
import { mysqlTextRule, withoutAccents } from './mysql-text';

/**
 * The evaluator, for filters a source cannot push down (a destination's filter in the applier,
 * a PostgreSQL 14 source in the reader). SQL's three-valued logic: a comparison with NULL is
 * NULL, NOT NULL is NULL, `false AND NULL` is false, `true OR NULL` is true, `x IN (1, NULL)` is
 * NULL when x is not 1; a row passes only when the filter is TRUE, as a WHERE clause decides.
 *
 * Comparisons follow the column's type as Postgres would cast a literal to it: numbers exactly
 * (decimal text, never through a float unless the column is a float), booleans from their
 * spellings ('t', 'yes', 'on', ...), dates and timestamps by the instant they name, uuids
 * case-insensitively, and text by code point (Postgres's "C" collation; a database with a
 * linguistic collation may order text differently for < and >, never for = and <>).
 *
 * With `dialect: 'mysql'` (a Vitess source) the rules are MySQL's where they differ: column names
 * match case-insensitively; a number is a boolean (non-zero is TRUE, as in `NOT deleted` on a
 * TINYINT(1)) and TRUE / FALSE are 1 / 0; text compares and LIKE matches under the column's
 * collation (mysql-text.ts: case- and accent-insensitive for `_ci`, bytes for `_bin`, trailing
 * spaces ignored by PAD SPACE collations).
 */

/** The result for a row: TRUE, FALSE, NULL (SQL unknown), or undefined when the row lacks a value it reads (an unchanged TOAST column). */
export type FilterResult = boolean | null | undefined;

export type RowPredicate = (row: readonly Value[]) => FilterResult;

export interface CompileOptions {
  /** Whose rules decide where Postgres and MySQL differ (default postgres). */
  readonly dialect?: 'postgres' | 'mysql';
  /** mysql: a text column's collation (information_schema.COLUMNS.COLLATION_NAME); absent: bytes. */
  readonly collationOf?: (column: string) => string | undefined;
}

type Evaluate = (row: readonly Value[]) => Scalar;

/** Compiles the filter for one table's columns. Throws FilterTypeError naming the column. */
export function compileFilter(
  expression: FilterExpression,
  columns: readonly Column[],
  options: CompileOptions = {},
): RowPredicate {
  const mysql = options.dialect === 'mysql';
  // MySQL's column names are case-insensitive; Postgres's as the parser folded or quoted them.
  const fold = (name: string) => (mysql ? name.toLowerCase() : name);
  const byName = new Map(columns.map((column, index) => [fold(column.name), { column, index }]));
  const find = (name: string) => byName.get(fold(name));
  for (const name of columnsOf(expression)) {
    if (find(name) === undefined) {
      throw new FilterTypeError(
        `unknown column ${JSON.stringify(name)} (columns: ${columns.map((c) => c.name).join(', ')})`,
      );
    }
  }
  const kindOf = (node: FilterExpression): Kind | undefined =>
    node.kind === 'column' ? columnKindOf(find(node.name)!.column).kind : undefined;
  /** MySQL: the collation rule of a text column (the first column of a comparison decides). */
  const textRuleOf = (...nodes: FilterExpression[]) => {
    if (!mysql) return undefined;
    const column = nodes.find((node) => node.kind === 'column' && TEXT_KINDS.has(kindOf(node)!));
    return column?.kind === 'column' ? mysqlTextRule(options.collationOf?.(find(column.name)!.column.name)) : undefined;
  };
  const textOrderOf = (...nodes: FilterExpression[]): TextOrder => textRuleOf(...nodes)?.order ?? compareCodePoints;

  const scalar = (node: FilterExpression, peerKind: Kind | undefined): Evaluate => {
    if (node.kind === 'column') {
      const { column, index } = find(node.name)!;
      const kind = columnKindOf(column).kind;
      if (kind === 'array' || kind === 'bytes') {
        throw new FilterTypeError(
          `column ${JSON.stringify(node.name)} is of type ${column.type}, which filters cannot compare`,
        );
      }
      return (row) => fromValue(row[index], kind);
    }
    if (node.kind === 'literal') {
      const value = fromLiteral(node.value, peerKind, mysql);
      return () => value;
    }
    const predicate = boolean(node);
    return (row) => {
      const result = predicate(row);
      return result === undefined ? UNKNOWN : result;
    };
  };

  const boolean = (node: FilterExpression): ((row: readonly Value[]) => boolean | null | typeof UNKNOWN) => {
    switch (node.kind) {
      case 'column':
      case 'literal': {
        const kind = kindOf(node);
        if (mysql && kind !== undefined && kind !== 'boolean' && !NUMERIC_KINDS.has(kind)) {
          throw new FilterTypeError(`${describe(node)} is not a number, which MySQL would read as a boolean`);
        }
        // MySQL has no boolean type: a number is TRUE when it is not zero.
        const read = scalar(node, mysql ? undefined : 'boolean');
        return (row) => {
          const value = read(row);
          if (value === null || value === UNKNOWN || typeof value === 'boolean') return value;
          if (mysql && isNumeric(value)) return toFloat(value) !== 0;
          throw new FilterTypeError(`${describe(node)} is not a boolean`);
        };
      }
      case 'and':
      case 'or': {
        const left = boolean(node.left);
        const right = boolean(node.right);
        const decisive = node.kind === 'or';
        return (row) => {
          const a = left(row);
          if (a === decisive) return decisive;
          const b = right(row);
          if (b === decisive) return decisive;
          if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
          if (a === null || b === null) return null;
          return !decisive;
        };
      }
      case 'not': {
        const operand = boolean(node.operand);
        return (row) => {
          const value = operand(row);
          return typeof value === 'boolean' ? !value : value;
        };
      }
      case 'is-null': {
        const operand = scalar(node.operand, undefined);
        return (row) => {
          const value = operand(row);
          if (value === UNKNOWN) return UNKNOWN;
          return (value === null) !== node.negated;
        };
      }
      case 'compare': {
        const left = scalar(node.left, kindOf(node.right));
        const right = scalar(node.right, kindOf(node.left));
        const order = textOrderOf(node.left, node.right);
        return (row) => compare(left(row), right(row), node.operator, order);
      }
      case 'between': {
        const peer = kindOf(node.operand);
        const operand = scalar(node.operand, kindOf(node.low) ?? kindOf(node.high));
        const low = scalar(node.low, peer);
        const high = scalar(node.high, peer);
        const order = textOrderOf(node.operand, node.low, node.high);
        return (row) => {
          const value = operand(row);
          const result = and3(compare(value, low(row), '>=', order), compare(value, high(row), '<=', order));
          return node.negated ? not3(result) : result;
        };
      }
      case 'in': {
        const peer = kindOf(node.operand);
        const operand = scalar(
          node.operand,
          node.list.map(kindOf).find((kind) => kind !== undefined),
        );
        const list = node.list.map((item) => scalar(item, peer));
        const order = textOrderOf(node.operand, ...node.list);
        return (row) => {
          const value = operand(row);
          let result: boolean | null | typeof UNKNOWN = false;
          for (const item of list) {
            const equal = compare(value, item(row), '=', order);
            if (equal === true) {
              result = true;
              break;
            }
            if (equal === UNKNOWN) result = UNKNOWN;
            else if (equal === null && result === false) result = null;
          }
          return node.negated ? not3(result) : result;
        };
      }
      case 'like': {
        const operand = scalar(node.operand, 'text');
        const pattern = scalar(node.pattern, 'text');
        const cache = new Map<string, RegExp>();
        // MySQL's LIKE follows the column's collation (case- and accent-insensitive under _ai_ci).
        const rule = textRuleOf(node.operand, node.pattern);
        const caseInsensitive = node.caseInsensitive || rule?.caseInsensitive === true;
        const normalize = rule?.accentInsensitive ? withoutAccents : (text: string) => text;
        return (row) => {
          const value = operand(row);
          const text = pattern(row);
          if (value === UNKNOWN || text === UNKNOWN) return UNKNOWN;
          if (value === null || text === null) return null;
          if (typeof value !== 'string' || typeof text !== 'string') {
            throw new FilterTypeError(`LIKE needs text on both sides (${describe(node.operand)})`);
          }
          let regexp = cache.get(text);
          if (regexp === undefined) {
            regexp = likeRegExp(normalize(text), caseInsensitive);
            if (cache.size < 100) cache.set(text, regexp);
          }
          return regexp.test(normalize(value)) !== node.negated;
        };
      }
    }
  };

  const root = boolean(expression);
  // A literal compared with a column is converted once, here: a literal the column's type
  // cannot hold fails now, at start, not on the first row.
  checkLiterals(expression, kindOf, mysql);
  return (row) => {
    const result = root(row);
    return result === UNKNOWN ? undefined : result;
  };
}

function checkLiterals(
  expression: FilterExpression,
  kindOf: (node: FilterExpression) => Kind | undefined,
  mysql: boolean,
): void {
  const pair = (a: FilterExpression, b: FilterExpression) => {
    if (a.kind === 'literal') fromLiteral(a.value, kindOf(b), mysql);
    if (b.kind === 'literal') fromLiteral(b.value, kindOf(a), mysql);
  };
  const visit = (node: FilterExpression): void => {
    switch (node.kind) {
      case 'compare':
        pair(node.left, node.right);
        visit(node.left);
        visit(node.right);
        return;
      case 'in':
        node.list.forEach((item) => pair(node.operand, item));
        return;
      case 'between':
        pair(node.operand, node.low);
        pair(node.operand, node.high);
        return;
      case 'and':
      case 'or':
        visit(node.left);
        visit(node.right);
        return;
      case 'not':
        visit(node.operand);
        return;
      default:
        return;
    }
  };
  visit(expression);
}

function and3(a: boolean | null | typeof UNKNOWN, b: boolean | null | typeof UNKNOWN): boolean | null | typeof UNKNOWN {
  if (a === false || b === false) return false;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  if (a === null || b === null) return null;
  return true;
}

function not3(value: boolean | null | typeof UNKNOWN): boolean | null | typeof UNKNOWN {
  return typeof value === 'boolean' ? !value : value;
}

function describe(node: FilterExpression): string {
  if (node.kind === 'column') return `column ${JSON.stringify(node.name)}`;
  return 'the expression';
}
