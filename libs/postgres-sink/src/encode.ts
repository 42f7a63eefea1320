import { arrayLiteral, floatText, toHex, type Value } from '@cdc/change-envelope';

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
