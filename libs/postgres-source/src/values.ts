import { NULL_VALUE, type TextualKind, type Value } from '@cdc/change-envelope';

/** What the reader knows about a column type, from pg_type. */
export interface TypeInfo {
  readonly oid: number;
  /** 'b' base, 'e' enum, 'd' domain, 'c' composite, 'r' range, 'm' multirange, 'p' pseudo. */
  readonly typtype: string;
  /** Element type for arrays. */
  readonly element?: TypeInfo;
  /** Underlying type for domains. */
  readonly base?: TypeInfo;
  /** Array element delimiter (',' for everything but box). */
  readonly delimiter: string;
}

const TEXTUAL_BY_OID = new Map<number, TextualKind>([
  [1700, 'decimal'],
  [114, 'json'],
  [3802, 'json'],
  [1082, 'date'],
  [1083, 'time'],
  [1266, 'time'],
  [1114, 'timestamp'],
  [1184, 'timestamptz'],
  [2950, 'uuid'],
  [1186, 'interval'],
]);
const INTEGER_OIDS = new Set([20, 21, 23, 26, 28, 5069]); // int8, int2, int4, oid, xid, xid8
const FLOAT_OIDS = new Set([700, 701]);
const BOOL_OID = 16;
const BYTEA_OID = 17;

export class ValueDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueDecodeError';
  }
}

/**
 * Turns the server's text output of one value into a typed Value. The reader's sessions run
 * with DateStyle=ISO, TimeZone=UTC, IntervalStyle=postgres, bytea_output=hex and
 * extra_float_digits=3, so these text forms are fixed and lossless.
 */
export function decodeTextValue(text: string | null, type: TypeInfo): Value {
  if (text === null) return NULL_VALUE;
  if (type.typtype === 'd' && type.base) return decodeTextValue(text, type.base);
  if (type.element) return { kind: 'array', value: parseArrayLiteral(text, type.element) };
  if (type.typtype === 'e') return { kind: 'enum', value: text };
  const oid = type.oid;
  if (INTEGER_OIDS.has(oid)) return { kind: 'integer', value: text };
  if (oid === BOOL_OID) return { kind: 'boolean', value: text === 't' };
  if (FLOAT_OIDS.has(oid)) return { kind: 'float', value: parseFloatText(text) };
  if (oid === BYTEA_OID) return { kind: 'bytes', value: parseByteaHex(text) };
  const textual = TEXTUAL_BY_OID.get(oid);
  if (textual) return { kind: textual, value: text };
  return { kind: 'text', value: text };
}

function parseFloatText(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function parseByteaHex(text: string): Uint8Array {
  if (!text.startsWith('\\x')) {
    throw new ValueDecodeError(`bytea value is not in hex format (bytea_output must be hex): ${text.slice(0, 20)}`);
  }
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

/**
 * Parses an array literal such as `{1,NULL,"a \"b\""}` or `[0:1]={{1,2},{3,4}}` into nested
 * Values. Non-default lower bounds are not kept (no destination type carries them).
 */
export function parseArrayLiteral(text: string, element: TypeInfo): Value[] {
  let position = 0;
  if (text[0] === '[') {
    position = text.indexOf('=') + 1;
    if (position === 0) throw new ValueDecodeError(`malformed array literal: ${text.slice(0, 40)}`);
  }
  const delimiter = element.delimiter || ',';

  function parseLevel(): Value[] {
    if (text[position] !== '{')
      throw new ValueDecodeError(`malformed array literal at ${position}: ${text.slice(0, 40)}`);
    position += 1;
    const values: Value[] = [];
    if (text[position] === '}') {
      position += 1;
      return values;
    }
    for (;;) {
      if (text[position] === '{') {
        values.push({ kind: 'array', value: parseLevel() });
      } else if (text[position] === '"') {
        position += 1;
        let item = '';
        while (text[position] !== '"') {
          if (position >= text.length)
            throw new ValueDecodeError(`unterminated quoted array element: ${text.slice(0, 40)}`);
          if (text[position] === '\\') position += 1;
          item += text[position];
          position += 1;
        }
        position += 1;
        values.push(decodeTextValue(item, element));
      } else {
        const start = position;
        while (position < text.length && text[position] !== delimiter && text[position] !== '}') position += 1;
        const item = text.slice(start, position);
        values.push(item === 'NULL' ? NULL_VALUE : decodeTextValue(item, element));
      }
      const next = text[position];
      position += 1;
      if (next === '}') return values;
      if (next !== delimiter)
        throw new ValueDecodeError(`malformed array literal at ${position - 1}: ${text.slice(0, 40)}`);
    }
  }

  return parseLevel();
}
