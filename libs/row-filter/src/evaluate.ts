import { columnKindOf, type Column, type Value } from '@cdc/change-envelope';
import { columnsOf, type CompareOperator, type FilterExpression, type Literal } from './expression';
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

type TextOrder = (a: string, b: string) => number;

/** A filter that cannot apply to a table: an unknown column, a literal the column's type cannot hold. */
export class FilterTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterTypeError';
  }
}

const UNKNOWN = Symbol('unchanged value');

type Decimal = { readonly decimal: string };
type Temporal = { readonly instant: bigint };
type Scalar = null | boolean | number | string | Decimal | Temporal | typeof UNKNOWN;

type Kind = ReturnType<typeof columnKindOf>['kind'];
type Evaluate = (row: readonly Value[]) => Scalar;

const TEXT_KINDS: ReadonlySet<string> = new Set(['text', 'enum', 'json', 'uuid', 'time', 'interval']);
const NUMERIC_KINDS: ReadonlySet<string> = new Set(['integer', 'unsigned', 'decimal', 'float']);
const TEMPORAL_KINDS: ReadonlySet<string> = new Set(['date', 'timestamp', 'timestamptz']);

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

function fromValue(value: Value | undefined, kind: Kind): Scalar {
  if (value === undefined || value.kind === 'null') return null;
  if (value.kind === 'unchanged') return UNKNOWN;
  switch (value.kind) {
    case 'boolean':
      return value.value;
    case 'integer':
    case 'unsigned':
    case 'decimal':
      return decimalOf(value.value);
    case 'float':
      return value.value;
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      const instant = instantOf(value.value, value.kind);
      return instant === undefined ? value.value : { instant };
    }
    case 'uuid':
      return value.value.toLowerCase();
    case 'bytes':
    case 'array':
      throw new FilterTypeError(`a value of kind ${value.kind} cannot be compared`);
    default:
      return kind === 'uuid' ? value.value.toLowerCase() : value.value;
  }
}

/** A literal as the column on its other side would read it (Postgres casts an untyped literal to the column's type). */
function fromLiteral(literal: Literal, peer: Kind | undefined, mysql: boolean): Scalar {
  switch (literal.type) {
    case 'null':
      return null;
    case 'boolean':
      // MySQL: TRUE and FALSE are the integers 1 and 0 (BOOLEAN is TINYINT(1)).
      if (mysql && peer !== undefined && NUMERIC_KINDS.has(peer)) return decimalOf(literal.value ? '1' : '0');
      if (peer !== undefined && peer !== 'boolean') {
        throw new FilterTypeError(`the literal ${literal.value} is compared with a column of kind ${peer}`);
      }
      return literal.value;
    case 'number':
      if (peer !== undefined && !NUMERIC_KINDS.has(peer)) {
        throw new FilterTypeError(`the number ${literal.text} is compared with a column of kind ${peer}`);
      }
      return peer === 'float' ? Number(literal.text) : decimalOf(literal.text);
    case 'string': {
      const text = literal.value;
      if (peer === undefined || TEXT_KINDS.has(peer)) return peer === 'uuid' ? text.toLowerCase() : text;
      if (peer === 'boolean') {
        const word = text.trim().toLowerCase();
        if (['t', 'true', 'y', 'yes', 'on', '1'].includes(word)) return true;
        if (['f', 'false', 'n', 'no', 'off', '0'].includes(word)) return false;
        throw new FilterTypeError(`${JSON.stringify(text)} is not a boolean`);
      }
      if (NUMERIC_KINDS.has(peer)) {
        const trimmed = text.trim();
        if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
          throw new FilterTypeError(`${JSON.stringify(text)} is not a number (compared with a column of kind ${peer})`);
        }
        return peer === 'float' ? Number(trimmed) : decimalOf(trimmed.replace(/^\+/, ''));
      }
      if (TEMPORAL_KINDS.has(peer)) {
        const instant = instantOf(text, peer);
        if (instant === undefined) {
          throw new FilterTypeError(
            `${JSON.stringify(text)} is not a ${peer} (write it as ISO 8601, e.g. 2024-01-31 12:00:00)`,
          );
        }
        return { instant };
      }
      throw new FilterTypeError(`${JSON.stringify(text)} is compared with a column of kind ${peer}`);
    }
  }
}

function compare(
  a: Scalar,
  b: Scalar,
  operator: CompareOperator,
  textOrder: TextOrder,
): boolean | null | typeof UNKNOWN {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  if (a === null || b === null) return null;
  const order = orderOf(a, b, textOrder);
  switch (operator) {
    case '=':
      return order === 0;
    case '<>':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

function orderOf(
  a: Exclude<Scalar, null | typeof UNKNOWN>,
  b: Exclude<Scalar, null | typeof UNKNOWN>,
  textOrder: TextOrder,
): number {
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return textOrder(a, b);
  if (isDecimal(a) && isDecimal(b)) return compareDecimals(a.decimal, b.decimal);
  if (isNumeric(a) && isNumeric(b)) return compareFloats(toFloat(a), toFloat(b));
  if (isTemporal(a) && isTemporal(b)) return a.instant < b.instant ? -1 : a.instant > b.instant ? 1 : 0;
  throw new FilterTypeError(`cannot compare ${typeLabel(a)} with ${typeLabel(b)}`);
}

function typeLabel(value: Exclude<Scalar, null | typeof UNKNOWN>): string {
  if (typeof value === 'object') return 'decimal' in value ? 'a number' : 'a date/time';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

const isDecimal = (value: unknown): value is Decimal =>
  typeof value === 'object' && value !== null && 'decimal' in value;
const isTemporal = (value: unknown): value is Temporal =>
  typeof value === 'object' && value !== null && 'instant' in value;
const isNumeric = (value: unknown): value is Decimal | number => typeof value === 'number' || isDecimal(value);
const toFloat = (value: Decimal | number): number => (typeof value === 'number' ? value : Number(value.decimal));

/** Postgres orders NaN above every other float, and NaN = NaN. */
function compareFloats(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-8 byte order is code point order (Postgres "C"); UTF-16 code units differ above U+FFFF.
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A decimal's text normalized to sign, digits and exponent, so exact comparison needs no float. */
function decimalOf(text: string): Decimal {
  return { decimal: text.trim() };
}

function compareDecimals(a: string, b: string): number {
  if (a === 'NaN' || b === 'NaN') return a === b ? 0 : a === 'NaN' ? 1 : -1;
  const x = splitDecimal(a);
  const y = splitDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const left = x.digits * 10n ** BigInt(scale - x.scale);
  const right = y.digits * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** "-12.50e1" -> digits -1250n, scale 1 (value = digits / 10^scale). */
function splitDecimal(text: string): { digits: bigint; scale: number } {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) throw new FilterTypeError(`${JSON.stringify(text)} is not a number`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  let scale = fraction.length - Number(exponent);
  let digits = BigInt(`${whole}${fraction}` || '0');
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === '-' ? -digits : digits, scale };
}

const TEMPORAL =
  /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?(\s+BC)?$/i;

/**
 * A date or timestamp as microseconds since 1970 (timestamptz: of UTC; date and timestamp: of
 * their own clock). undefined for text it does not read (Postgres's many other input styles).
 */
function instantOf(text: string, kind: string): bigint | undefined {
  const trimmed = text.trim();
  if (/^infinity$/i.test(trimmed)) return 2n ** 62n;
  if (/^-infinity$/i.test(trimmed)) return -(2n ** 62n);
  const match = TEMPORAL.exec(trimmed);
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone, bc] = match;
  if (bc) return undefined;
  const days = BigInt(Math.floor(Date.UTC(Number(year), Number(month) - 1, Number(day)) / 86_400_000));
  let micros =
    days * 86_400_000_000n +
    BigInt(Number(hour) * 3600 + Number(minute) * 60 + Number(second)) * 1_000_000n +
    BigInt(fraction.padEnd(6, '0') || '0');
  if (kind === 'timestamptz' && zone !== undefined && zone.toUpperCase() !== 'Z') {
    const zoneMatch = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    const offset = BigInt(Number(zoneMatch[2]) * 3600 + Number(zoneMatch[3] ?? '0') * 60) * 1_000_000n;
    micros += zoneMatch[1] === '+' ? -offset : offset;
  }
  return micros;
}

/** LIKE's pattern as a regular expression: % any run, _ one character, \ escapes the next. */
function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let body = '';
  const characters = [...pattern];
  for (let i = 0; i < characters.length; i += 1) {
    const character = characters[i];
    if (character === '\\' && i + 1 < characters.length) {
      body += escapeRegExp(characters[++i]);
    } else if (character === '%') body += '.*';
    else if (character === '_') body += '.';
    else body += escapeRegExp(character);
  }
  return new RegExp(`^${body}$`, caseInsensitive ? 'isu' : 'su');
}

function escapeRegExp(character: string): string {
  return character.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
