import type { Value } from '@cdc/change-envelope';

/**
 * How a destination column takes its JSON field inside `json_populate_recordset`:
 * - `arrayAsJson`: the column is an array (of a non-json type), so array values travel as
 *   (nested) JSON arrays; otherwise as an array literal string read by the array input function;
 * - `unwrapJson`: the column (or its domain base) is json/jsonb. The value travels as a JSON
 *   string holding its text, and the statement unwraps it (`(d.c #>> '{}')::json`): embedding
 *   the raw JSON would turn a JSON `null` into SQL NULL and drop whitespace around the value.
 */
export interface FieldMode {
  readonly arrayAsJson: boolean;
  readonly unwrapJson: 'json' | 'jsonb' | undefined;
}

export const PLAIN_FIELD: FieldMode = Object.freeze({ arrayAsJson: false, unwrapJson: undefined });

/** A value that cannot be written (an `unchanged` marker). */
export class ValueEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueEncodeError';
  }
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the bytes (Buffer's encoder for large values, a table for small ones). */
export function toHex(bytes: Uint8Array): string {
  if (bytes.length > 64) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let out = '';
  for (let i = 0; i < bytes.length; i += 1) out += HEX[bytes[i]];
  return out;
}

/** The text Postgres' float input reads back to the same number. */
export function floatText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0 && Object.is(value, -0)) return '-0';
  return String(value);
}

const DIGITS = /^-?[0-9]+$/;

/**
 * One JSON field (the part after `"name":`) for a value, as the destination column reads it.
 * Never called for `unchanged`: such columns are left out of the statement.
 */
export function encodeField(value: Value, mode: FieldMode): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'integer':
    case 'unsigned':
      return DIGITS.test(value.value) ? '"' + value.value + '"' : JSON.stringify(value.value);
    case 'float':
      return '"' + floatText(value.value) + '"';
    case 'bytes':
      return '"\\\\x' + toHex(value.value) + '"';
    case 'array':
      return mode.arrayAsJson ? encodeArray(value.value) : JSON.stringify(arrayLiteral(value.value));
    case 'unchanged':
      throw new ValueEncodeError('an unchanged (TOAST) value cannot be written');
    default:
      return JSON.stringify(value.value);
  }
}

function encodeArray(elements: readonly Value[]): string {
  let out = '[';
  for (let i = 0; i < elements.length; i += 1) {
    if (i > 0) out += ',';
    const element = elements[i];
    if (element.kind === 'array') out += encodeArray(element.value);
    else if (element.kind === 'unchanged') out += 'null';
    else out += encodeField(element, PLAIN_FIELD);
  }
  return out + ']';
}

/** Text form of a scalar value, as Postgres' input function reads it (null for SQL NULL). */
export function valueText(value: Value): string | null {
  switch (value.kind) {
    case 'null':
    case 'unchanged':
      return null;
    case 'boolean':
      return value.value ? 't' : 'f';
    case 'float':
      return floatText(value.value);
    case 'bytes':
      return '\\x' + toHex(value.value);
    case 'array':
      return arrayLiteral(value.value);
    default:
      return value.value;
  }
}

/** A Postgres array literal, `{1,NULL,"a \"b\""}`, nested for multi-dimensional arrays. */
export function arrayLiteral(elements: readonly Value[]): string {
  let out = '{';
  for (let i = 0; i < elements.length; i += 1) {
    if (i > 0) out += ',';
    const element = elements[i];
    if (element.kind === 'array') {
      out += arrayLiteral(element.value);
      continue;
    }
    const text = valueText(element);
    out += text === null ? 'NULL' : arrayElementText(text);
  }
  return out + '}';
}

/** An array element, quoted when the array parser needs it (as Postgres' own output does). */
function arrayElementText(text: string): string {
  if (text.length > 0 && !/[{}",\\\s]/.test(text) && text.toUpperCase() !== 'NULL') return text;
  return '"' + text.replace(/["\\]/g, '\\$&') + '"';
}

/** Identity of a key (for folding ops of one row): exact, unambiguous, not for display. */
export function keyIdentity(values: readonly Value[]): string {
  if (values.length === 1) {
    // One key column (the common case): its kind and text say it all, no length needed.
    const text = valueText(values[0]);
    return text === null ? '\u0000N' : values[0].kind + '\u0000' + text;
  }
  let out = '';
  for (const value of values) {
    const text = valueText(value);
    out += text === null ? '\u0000N' : '\u0000' + value.kind + ':' + text.length + ':' + text;
  }
  return out;
}

const MAX_RENDERED = 120;

/** A key for messages: `(id, region)=(42, eu)`, long values shortened. */
export function renderKey(names: readonly string[], values: readonly Value[]): string {
  const shown = values.map((value) => {
    if (value.kind === 'unchanged') return '<unchanged>';
    const text = valueText(value);
    if (text === null) return 'NULL';
    return text.length > MAX_RENDERED ? `${text.slice(0, MAX_RENDERED)}…(${text.length} chars)` : text;
  });
  return `(${names.join(', ')})=(${shown.join(', ')})`;
}
