/**
 * How a column's values are compared. Chosen from the SOURCE column's type, and applied to both
 * sides: the destination's column was made from it (create_tables), or converted into a type
 * that holds the same values. Each kind has one canonical text per engine (the dialects) and
 * one rule for comparing two canonical texts by value (valuesEqual).
 */
export type ValueKind =
  | 'integer'
  | 'decimal'
  | 'float4'
  | 'float8'
  | 'boolean'
  | 'text'
  | 'bytes'
  | 'json'
  | 'timestamptz'
  | 'timestamp'
  | 'date'
  | 'time'
  | 'uuid'
  /** A MySQL BIT(n) (Postgres bit(n) at a Postgres destination): binary digits, no leading zeros. */
  | 'bits'
  | 'other';

const BY_POSTGRES_TYPE: Record<string, ValueKind> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  oid: 'integer',
  numeric: 'decimal',
  float4: 'float4',
  float8: 'float8',
  bool: 'boolean',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  name: 'text',
  citext: 'text',
  bytea: 'bytes',
  json: 'json',
  jsonb: 'json',
  timestamptz: 'timestamptz',
  timestamp: 'timestamp',
  date: 'date',
  time: 'time',
  uuid: 'uuid',
};

/**
 * The kind of a Postgres column from its (base) type's name and category: enums compare as
 * text; arrays, ranges, intervals and the rest by their Postgres text (both sides are Postgres
 * then, or the value is stored as that text).
 */
export function kindOfPostgresType(typeName: string, category: string): ValueKind {
  if (category === 'A') return 'other';
  if (category === 'E') return 'text';
  return BY_POSTGRES_TYPE[typeName] ?? 'other';
}

const BY_MYSQL_TYPE: Record<string, ValueKind> = {
  tinyint: 'integer',
  smallint: 'integer',
  mediumint: 'integer',
  int: 'integer',
  bigint: 'integer',
  decimal: 'decimal',
  float: 'float4',
  double: 'float8',
  char: 'text',
  varchar: 'text',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  enum: 'text',
  set: 'text',
  binary: 'bytes',
  varbinary: 'bytes',
  tinyblob: 'bytes',
  blob: 'bytes',
  mediumblob: 'bytes',
  longblob: 'bytes',
  json: 'json',
  timestamp: 'timestamptz',
  datetime: 'timestamp',
  date: 'date',
  time: 'time',
  year: 'integer',
  bit: 'bits',
};

/**
 * The kind of a MySQL column (a Vitess source) from information_schema's DATA_TYPE and
 * COLUMN_TYPE; `json`: MariaDB's JSON, a LONGTEXT with a json_valid() check.
 */
export function kindOfMysqlType(dataType: string, columnType: string, json = false): ValueKind {
  if (json) return 'json';
  const type = dataType.toLowerCase();
  // MySQL's boolean is tinyint(1): it prints 0/1 either way, so it compares as a number.
  if (type === 'tinyint' && /^tinyint\(1\)/i.test(columnType)) return 'boolean';
  return BY_MYSQL_TYPE[type] ?? 'other';
}

/**
 * Whether two canonical texts of one kind hold the same value. The in-database checksums
 * decide that a chunk is equal; this decides, row by row, that a chunk which checksummed
 * differently really differs (JSON spelled differently, float text of other precision).
 */
export function valuesEqual(kind: ValueKind, left: string | null, right: string | null): boolean {
  if (left === null || right === null) return left === right;
  if (left === right) return true;
  switch (kind) {
    case 'decimal':
      return decimalEqual(left, right);
    case 'float4':
      return floatEqual(left, right, true);
    case 'float8':
      return floatEqual(left, right, false);
    case 'json':
      return jsonEqual(left, right);
    case 'uuid':
    case 'bytes':
      return left.toLowerCase() === right.toLowerCase();
    case 'timestamptz':
    case 'timestamp':
    case 'time':
      return fractionEqual(left, right);
    default:
      return false;
  }
}

/** `1.50` = `1.5`, `-0` = `0`, `1e3` = `1000`; NaN equals NaN (as Postgres orders it). */
function decimalEqual(left: string, right: string): boolean {
  const a = normalizeDecimal(left);
  const b = normalizeDecimal(right);
  return a !== undefined && a === b;
}

function normalizeDecimal(text: string): string | undefined {
  const trimmed = text.trim();
  if (/^nan$/i.test(trimmed)) return 'NaN';
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(trimmed);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  let digits = whole + fraction;
  let point = whole.length + Number(exponentText ?? 0);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading);
  point -= leading;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return '0';
  return `${sign === '-' ? '-' : ''}${digits}e${point}`;
}

/**
 * Floats by value: both texts parse to the same double (float4: the same single). MySQL and
 * Postgres print shortest round-trip digits, but not always the same spelling (`1e+20` vs
 * `1e20`, `-0` vs `0` is a different value and stays one).
 */
function floatEqual(left: string, right: string, single: boolean): boolean {
  const a = parseFloatText(left);
  const b = parseFloatText(right);
  if (Number.isNaN(a) || Number.isNaN(b))
    return Number.isNaN(a) && Number.isNaN(b) && isNaNText(left) && isNaNText(right);
  if (single) return Object.is(Math.fround(a), Math.fround(b));
  return Object.is(a, b);
}

function isNaNText(text: string): boolean {
  return /^nan$/i.test(text.trim());
}

function parseFloatText(text: string): number {
  const trimmed = text.trim();
  if (/^[+]?inf(inity)?$/i.test(trimmed)) return Infinity;
  if (/^-inf(inity)?$/i.test(trimmed)) return -Infinity;
  if (isNaNText(trimmed)) return NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed) ? Number(trimmed) : NaN;
}

/** JSON by value: object key order and whitespace do not matter, numbers compare as decimals. */
function jsonEqual(left: string, right: string): boolean {
  let a: unknown;
  let b: unknown;
  try {
    a = JSON.parse(left, keepNumberText);
    b = JSON.parse(right, keepNumberText);
  } catch {
    return false;
  }
  return jsonValuesEqual(a, b);
}

/** JSON numbers kept exact (as their decimal normal form), not rounded to doubles. */
class JsonNumber {
  constructor(readonly normal: string) {}
}

function keepNumberText(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number') return value;
  // Node 20 has no reviver context: fall back to the double's text, still by value.
  const text = context?.source ?? String(value);
  return new JsonNumber(normalizeDecimal(text) ?? text);
}

function jsonValuesEqual(a: unknown, b: unknown): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber)
    return a instanceof JsonNumber && b instanceof JsonNumber && a.normal === b.normal;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonValuesEqual(item, b[i]));
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length) return false;
    return keys.every((key) => Object.hasOwn(right, key) && jsonValuesEqual(left[key], right[key]));
  }
  return a === b;
}

/**
 * Times with fractional seconds: `10:00:00.500000` = `10:00:00.5` = `10:00:00.5000`; a missing
 * fraction is `.0`. Both texts are already in UTC and ISO order (the dialects make them so).
 */
function fractionEqual(left: string, right: string): boolean {
  return normalizeFraction(left) === normalizeFraction(right);
}

function normalizeFraction(text: string): string {
  const match = /^(.*?:\d\d)(?:\.(\d+))?$/.exec(text.trim().replace(' ', 'T'));
  if (!match) return text;
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction === '' ? match[1] : `${match[1]}.${fraction}`;
}
