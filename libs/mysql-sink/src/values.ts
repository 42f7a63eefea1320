import { unescapeField, type Value } from '@cdc/change-envelope';

/** What to do with a value the destination column cannot hold faithfully. */
export type UnrepresentablePolicy = 'fail' | 'json' | 'null';

/** How a destination column takes values (from information_schema.COLUMNS.DATA_TYPE). */
export type ColumnCategory =
  'integer' | 'decimal' | 'float' | 'bit' | 'string' | 'binary' | 'date' | 'datetime' | 'time' | 'year' | 'json';

export interface TargetColumnType {
  readonly category: ColumnCategory;
  /** DECIMAL precision and scale. */
  readonly precision?: number;
  readonly scale?: number;
}

/** A value the column cannot hold (the sink applies the policy, or fails naming op, table, column). */
export class UnrepresentableValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrepresentableValueError';
  }
}

export function categoryOf(dataType: string, columnType: string): ColumnCategory {
  switch (dataType.toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
      return 'integer';
    case 'decimal':
      return 'decimal';
    case 'float':
    case 'double':
      return 'float';
    case 'bit':
      return 'bit';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return 'binary';
    case 'date':
      return 'date';
    case 'datetime':
    case 'timestamp':
      return 'datetime';
    case 'time':
      return 'time';
    case 'year':
      return 'year';
    case 'json':
      return 'json';
    default:
      return /^json/i.test(columnType) ? 'json' : 'string';
  }
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^[-+]?(\d+)(?:\.(\d*))?$/;
// Postgres' ISO output: 2024-01-02 03:04:05.123456+05:30, optionally " BC"; dates alone too.
const TIMESTAMP =
  /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(\.\d+)?)?([+-]\d\d(?::?\d\d(?::?\d\d)?)?|Z)?( BC)?$/;

/**
 * The SQL literal for a value in a destination column; `escape` quotes text (mysql2's escape,
 * valid because the sink's sessions run without NO_BACKSLASH_ESCAPES).
 */
export function sqlLiteral(
  value: Value,
  column: TargetColumnType,
  policy: UnrepresentablePolicy,
  escape: (text: string) => string,
): string {
  try {
    return literal(value, column, escape);
  } catch (error) {
    if (!(error instanceof UnrepresentableValueError) || policy === 'fail') throw error;
    if (policy === 'json' && value.kind === 'array' && (column.category === 'json' || column.category === 'string')) {
      return escape(arrayJson(value.value));
    }
    return 'NULL';
  }
}

function literal(value: Value, column: TargetColumnType, escape: (text: string) => string): string {
  const category = column.category;
  switch (value.kind) {
    case 'null':
      return 'NULL';
    case 'unchanged':
      throw new Error('an unchanged (TOAST) value cannot be written');
    case 'boolean':
      if (category === 'string' || category === 'json') return value.value ? "'true'" : "'false'";
      return value.value ? '1' : '0';
    case 'integer':
    case 'unsigned':
      if (!INTEGER.test(value.value)) return escape(value.value);
      return category === 'string' || category === 'json' ? `'${value.value}'` : value.value;
    case 'float': {
      if (!Number.isFinite(value.value)) {
        if (category === 'string') return escape(floatText(value.value));
        throw new UnrepresentableValueError(`${floatText(value.value)} has no ${category} form in MySQL`);
      }
      const text = Object.is(value.value, -0) ? '-0' : String(value.value);
      return category === 'string' || category === 'json' ? escape(text) : text.includes('e') ? text : text;
    }
    case 'decimal': {
      const match = DECIMAL.exec(value.value);
      if (match === null) {
        if (category === 'string') return escape(value.value);
        throw new UnrepresentableValueError(`numeric ${value.value} has no ${category} form in MySQL`);
      }
      if (category === 'decimal' && column.precision !== undefined) {
        const scale = column.scale ?? 0;
        const integerDigits = match[1].replace(/^0+/, '').length;
        const fraction = (match[2] ?? '').replace(/0+$/, '');
        if (integerDigits > column.precision - scale || fraction.length > scale) {
          throw new UnrepresentableValueError(
            `numeric ${value.value} does not fit DECIMAL(${column.precision},${scale})`,
          );
        }
      }
      return category === 'string' || category === 'json' ? escape(value.value) : value.value;
    }
    case 'bytes':
      if (category === 'string' || category === 'json') return escape(Buffer.from(value.value).toString('utf8'));
      return value.value.length === 0 ? "X''" : `X'${Buffer.from(value.value).toString('hex')}'`;
    case 'array':
      if (category === 'json' || category === 'string') {
        throw new UnrepresentableValueError(
          'an array has no MySQL form (set unrepresentable: json to store it as JSON)',
        );
      }
      throw new UnrepresentableValueError(`an array has no MySQL ${category} form`);
    case 'date':
    case 'timestamp':
    case 'timestamptz':
      if (category === 'date' || category === 'datetime') return escape(temporal(value.value, value.kind));
      return escape(value.value);
    case 'text':
      if (category === 'bit') {
        if (!/^[01]+$/.test(value.value)) throw new UnrepresentableValueError(`"${value.value}" is not a bit string`);
        return `b'${value.value}'`;
      }
      return escape(value.value);
    default:
      return escape(value.value);
  }
}

/** A Postgres/MySQL date or timestamp as MySQL DATETIME text (timestamptz converted to UTC). */
export function temporal(text: string, kind: 'date' | 'timestamp' | 'timestamptz'): string {
  if (text === 'infinity' || text === '-infinity') {
    throw new UnrepresentableValueError(`${kind} ${text} is outside MySQL's range`);
  }
  const match = TIMESTAMP.exec(text);
  if (match === null) return text; // leave it to the server (it rejects what it cannot read)
  const [, y, mo, d, h, mi, s, fraction, offset, bc] = match;
  const year = Number(y);
  if (bc !== undefined || year < 1000 || year > 9999) {
    throw new UnrepresentableValueError(`${kind} ${text} is outside MySQL's range (years 1000..9999)`);
  }
  if (year === 0 || mo === '00' || d === '00') {
    throw new UnrepresentableValueError(`${kind} ${text} is a zero date`);
  }
  if (h === undefined) return `${y}-${mo}-${d}`;
  if (offset === undefined || offset === 'Z' || /^[+-]00(:?00)*$/.test(offset)) {
    return `${y}-${mo}-${d} ${h}:${mi}:${s}${fraction ?? ''}`;
  }
  const sign = offset[0] === '-' ? -1 : 1;
  const parts = offset.slice(1).replace(/:/g, '');
  const offsetSeconds =
    sign * (Number(parts.slice(0, 2)) * 3600 + Number(parts.slice(2, 4) || 0) * 60 + Number(parts.slice(4, 6) || 0));
  const utc = new Date(
    Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offsetSeconds * 1000,
  );
  if (utc.getUTCFullYear() < 1000 || utc.getUTCFullYear() > 9999) {
    throw new UnrepresentableValueError(`${kind} ${text} is outside MySQL's range (years 1000..9999)`);
  }
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())} ` +
    `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}${fraction ?? ''}`
  );
}

function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** An array as JSON: numbers stay numbers (exact text), bytes become "\\x.." strings, NULL null. */
export function arrayJson(elements: readonly Value[]): string {
  return '[' + elements.map(elementJson).join(',') + ']';
}

function elementJson(value: Value): string {
  switch (value.kind) {
    case 'null':
    case 'unchanged':
      return 'null';
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'integer':
    case 'unsigned':
      return INTEGER.test(value.value) ? value.value : JSON.stringify(value.value);
    case 'float':
      return Number.isFinite(value.value) ? String(value.value) : JSON.stringify(floatText(value.value));
    case 'decimal':
      return /^-?\d+(\.\d+)?$/.test(value.value) ? value.value : JSON.stringify(value.value);
    case 'bytes':
      return JSON.stringify('\\x' + Buffer.from(value.value).toString('hex'));
    case 'array':
      return arrayJson(value.value);
    case 'json':
      return value.value;
    default:
      return JSON.stringify(value.value);
  }
}

// ----------------------------------------------------------------- literals from row text

const BACKSLASH = 92;
/** What MySQL's string escaping (mysql2's escape) writes after a backslash, by byte. */
const MYSQL_ESCAPES = new Map<number, number>([
  [0, 48], // \0
  [8, 98], // \b
  [9, 116], // \t
  [10, 110], // \n
  [13, 114], // \r
  [26, 90], // \Z
  [34, 34], // \"
  [39, 39], // \'
  [92, 92], // \\
]);
let scratch = Buffer.allocUnsafe(4096);

/**
 * The SQL literal of a field of COPY text (row-text.ts) for the common cases, straight from its
 * bytes: integers into numeric columns, text into string columns, dates and UTC timestamps into
 * date/datetime columns, decimals that fit. Undefined for everything else, which goes through
 * its Value and sqlLiteral: the rules stay those of sqlLiteral (tests hold the two to the same
 * literals).
 */
export function textLiteral(
  bytes: Uint8Array,
  start: number,
  end: number,
  kind: string,
  column: TargetColumnType,
): string | undefined {
  const category = column.category;
  switch (kind) {
    case 'integer':
    case 'unsigned':
      if (!isInteger(bytes, start, end)) return undefined;
      if (category === 'integer' || category === 'decimal' || category === 'float' || category === 'year')
        return latin1(bytes, start, end);
      return category === 'string' || category === 'json' ? `'${latin1(bytes, start, end)}'` : undefined;
    case 'text':
    case 'enum':
    case 'uuid':
    case 'json':
    case 'interval':
      return category === 'string' || (category === 'json' && kind === 'json') ? quoted(bytes, start, end) : undefined;
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      if (category === 'string') return kind === 'timestamptz' ? undefined : quoted(bytes, start, end);
      if (category !== 'date' && category !== 'datetime') return undefined;
      // 2024-01-02[ 03:04:05[.ffffff]][+00]: in MySQL's range, UTC, as is (else sqlLiteral decides).
      let stop = end;
      if (kind === 'timestamptz') {
        if (!(end - start > 3 && bytes[end - 3] === 43 && bytes[end - 2] === 48 && bytes[end - 1] === 48))
          return undefined;
        stop = end - 3;
      }
      if (!isPlainTimestamp(bytes, start, stop)) return undefined;
      return quoted(bytes, start, stop);
    }
    default:
      return undefined;
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.prototype.latin1Slice.call(bytes, start, end);
}

export function isInteger(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === 45) i += 1; // -
  if (i >= end) return false;
  for (; i < end; i += 1) if (bytes[i] < 48 || bytes[i] > 57) return false;
  return true;
}

/** YYYY-MM-DD, optionally with HH:MM:SS and a fraction; a year 1000..9999; no zero month or day. */
export function isPlainTimestamp(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 10 && length < 19) return false;
  const digit = (i: number) => bytes[start + i] >= 48 && bytes[start + i] <= 57;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!digit(i)) return false;
  if (bytes[start + 4] !== 45 || bytes[start + 7] !== 45 || bytes[start] === 48) return false;
  if ((bytes[start + 5] === 48 && bytes[start + 6] === 48) || (bytes[start + 8] === 48 && bytes[start + 9] === 48))
    return false;
  if (length === 10) return true;
  if (bytes[start + 10] !== 32 || bytes[start + 13] !== 58 || bytes[start + 16] !== 58) return false;
  for (const i of [11, 12, 14, 15, 17, 18]) if (!digit(i)) return false;
  if (length === 19) return true;
  if (bytes[start + 19] !== 46 || length === 20) return false;
  for (let i = 20; i < length; i += 1) if (!digit(i)) return false;
  return true;
}

/** 'text' with COPY's escapes resolved and MySQL's applied, as mysql2's escape quotes a string. */
function quoted(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (scratch.length < length * 3 + 2) scratch = Buffer.allocUnsafe(length * 3 + 64);
  // The value's bytes first (at the back of the scratch), then escaped to the front.
  const out = scratch;
  const valueAt = length * 2 + 2;
  const valueEnd = unescapeField(bytes, start, end, out, valueAt);
  let at = 0;
  out[at++] = 39;
  for (let i = valueAt; i < valueEnd; i += 1) {
    const b = out[i];
    const escaped = b < 93 ? MYSQL_ESCAPES.get(b) : undefined;
    if (escaped !== undefined) {
      out[at++] = BACKSLASH;
      out[at++] = escaped;
    } else out[at++] = b;
  }
  out[at++] = 39;
  return out.toString('utf8', 0, at);
}
