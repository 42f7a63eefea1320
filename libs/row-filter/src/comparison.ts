import { columnKindOf, type Value } from '@cdc/change-envelope';
import type { CompareOperator, Literal } from './expression';

// Values as the evaluator (evaluate.ts) compares them: a column's value or a literal read as the
// column's type (numbers exact, booleans from their spellings, instants, uuids), and compared
// as Postgres, or MySQL under a collation, would.

export type TextOrder = (a: string, b: string) => number;

/** A filter that cannot apply to a table: an unknown column, a literal the column's type cannot hold. */
export class FilterTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterTypeError';
  }
}

export const UNKNOWN = Symbol('unchanged value');

export type Decimal = { readonly decimal: string };
export type Temporal = { readonly instant: bigint };
export type Scalar = null | boolean | number | string | Decimal | Temporal | typeof UNKNOWN;

export type Kind = ReturnType<typeof columnKindOf>['kind'];

export const TEXT_KINDS: ReadonlySet<string> = new Set(['text', 'enum', 'json', 'uuid', 'time', 'interval']);
export const NUMERIC_KINDS: ReadonlySet<string> = new Set(['integer', 'unsigned', 'decimal', 'float']);
export const TEMPORAL_KINDS: ReadonlySet<string> = new Set(['date', 'timestamp', 'timestamptz']);

export function fromValue(value: Value | undefined, kind: Kind): Scalar {
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
export function fromLiteral(literal: Literal, peer: Kind | undefined, mysql: boolean): Scalar {
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

export function compare(
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
export const isNumeric = (value: unknown): value is Decimal | number => typeof value === 'number' || isDecimal(value);
export const toFloat = (value: Decimal | number): number => (typeof value === 'number' ? value : Number(value.decimal));

/** Postgres orders NaN above every other float, and NaN = NaN. */
function compareFloats(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareCodePoints(a: string, b: string): number {
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
export function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
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
