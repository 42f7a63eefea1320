import { NULL_VALUE, UNCHANGED_VALUE, type TextualKind, type Value } from './value';

// Over 400 lines on purpose: this is one format, written and read; its two halves must agree
// byte for byte (escapes, \N, \U, array literals), so they stay side by side.

/*
 * Rows as Postgres COPY text: the form rows travel in from source to destination (see
 * DESIGN.md, "Data plane: bytes, not objects"). A row is one line of fields separated by TAB;
 * `\N` is SQL NULL; backslash, newline, carriage return and tab inside a value are written
 * `\\`, `\n`, `\r`, `\t`. That is what `COPY ... FROM STDIN` reads as is, and what `COPY ... TO
 * STDOUT` writes (it also escapes \b, \f and \v, which reading here accepts).
 *
 * One addition: a field that is exactly `\U` is a Postgres TOAST value the source did not send
 * (unchanged): it is never written over. COPY output never contains it, because a backslash in
 * a value is always written doubled.
 *
 * A value's text is the Postgres text form of its kind (what the column kind below says):
 * integers in decimal, booleans t/f, floats as Postgres prints them, bytes as \x and hex,
 * arrays as array literals, every other kind as its text.
 */

/** The field that marks an unchanged TOAST value. */
export const UNCHANGED_FIELD = '\\U';

const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const BACKSLASH = 92;

/**
 * What the values of a column are, as carried in Column.valueKind: a Value kind (`integer`,
 * `text`, `bytes`, ...), or `array:<element kind>` (with `array;:<kind>` for an element
 * delimiter other than a comma, e.g. Postgres' box). Decides how a text field becomes a Value.
 */
export type ColumnKind =
  | { readonly kind: 'boolean' | 'integer' | 'unsigned' | 'float' | 'bytes' | TextualKind }
  | { readonly kind: 'array'; readonly element: ColumnKind; readonly delimiter: string };

const TEXTUAL = new Set<string>([
  'decimal',
  'text',
  'json',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'uuid',
  'enum',
  'interval',
]);
const SCALAR = new Set<string>(['boolean', 'integer', 'unsigned', 'float', 'bytes', ...TEXTUAL]);
const parsedKinds = new Map<string, ColumnKind>();

/** Column.valueKind as a ColumnKind (unknown or empty: text). */
export function parseColumnKind(valueKind: string): ColumnKind {
  let parsed = parsedKinds.get(valueKind);
  if (parsed !== undefined) return parsed;
  if (valueKind.startsWith('array')) {
    const colon = valueKind.indexOf(':');
    const delimiter = colon > 5 ? valueKind.slice(5, colon) : ',';
    parsed = { kind: 'array', element: parseColumnKind(colon < 0 ? 'text' : valueKind.slice(colon + 1)), delimiter };
  } else {
    parsed = { kind: (SCALAR.has(valueKind) ? valueKind : 'text') as 'text' };
  }
  parsedKinds.set(valueKind, parsed);
  return parsed;
}

/** A ColumnKind as Column.valueKind text. */
export function formatColumnKind(kind: ColumnKind): string {
  if (kind.kind !== 'array') return kind.kind;
  return `array${kind.delimiter === ',' ? '' : kind.delimiter}:${formatColumnKind(kind.element)}`;
}

// ------------------------------------------------------------------------------ writing

/** A growable byte buffer that rows are written into. */
export class RowTextWriter {
  buffer: Buffer;
  length = 0;

  constructor(capacity = 1024) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** Bytes copied as they are (already COPY text). */
  raw(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    if (bytes instanceof Buffer) bytes.copy(this.buffer, this.length, start, end);
    else this.buffer.set(bytes.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** A value's UTF-8 bytes, escaped for COPY text. */
  escapedBytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    // Copied in the same pass that looks for what to escape: most fields are short, and a
    // native copy per field cost more than the loop (reader profile, docs/benchmarks.md).
    const length = end - start;
    if (length > 256) {
      let clean = true;
      for (let i = start; i < end; i += 1) {
        const b = bytes[i];
        if (b === BACKSLASH || b === TAB || b === NEWLINE || b === RETURN) {
          clean = false;
          break;
        }
      }
      if (clean) return this.raw(bytes, start, end);
    }
    this.reserve(length * 2);
    const out = this.buffer;
    let at = this.length;
    for (let i = start; i < end; i += 1) {
      const b = bytes[i];
      if (b > RETURN && b !== BACKSLASH) out[at++] = b;
      else if (b === BACKSLASH) {
        out[at++] = BACKSLASH;
        out[at++] = BACKSLASH;
      } else if (b === TAB) {
        out[at++] = BACKSLASH;
        out[at++] = 116; // t
      } else if (b === NEWLINE) {
        out[at++] = BACKSLASH;
        out[at++] = 110; // n
      } else if (b === RETURN) {
        out[at++] = BACKSLASH;
        out[at++] = 114; // r
      } else out[at++] = b;
    }
    this.length = at;
  }

  /** A value's text, escaped for COPY text. */
  escapedString(text: string): void {
    // ASCII without escapes (most values): written char by char, no intermediate Buffer.
    const length = text.length;
    this.reserve(length);
    const out = this.buffer;
    const start = this.length;
    for (let i = 0; i < length; i += 1) {
      const code = text.charCodeAt(i);
      if (code >= 128 || code === BACKSLASH || code === TAB || code === NEWLINE || code === RETURN) {
        const bytes = Buffer.from(text, 'utf8');
        return this.escapedBytes(bytes);
      }
      out[start + i] = code;
    }
    this.length = start + length;
  }

  /** The bytes written so far (a view: valid until the next write). */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  /** The bytes written so far, in a buffer of their own. */
  copy(): Uint8Array {
    // allocUnsafe takes small buffers from Node's pool: cheaper than a slice (a new typed array each).
    const out = Buffer.allocUnsafe(this.length);
    this.buffer.copy(out, 0, 0, this.length);
    return out;
  }
}

/** Writes one value's field (no separator). */
export function writeValueField(out: RowTextWriter, value: Value): void {
  switch (value.kind) {
    case 'null':
      out.byte(BACKSLASH);
      out.byte(78); // N
      return;
    case 'unchanged':
      out.byte(BACKSLASH);
      out.byte(85); // U
      return;
    default: {
      const text = valueText(value);
      out.escapedString(text ?? '');
    }
  }
}

/** Values as one row of COPY text (no newline). */
export function rowTextOfValues(values: readonly Value[]): Uint8Array {
  const out = new RowTextWriter(64 * Math.max(1, values.length));
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) out.byte(TAB);
    writeValueField(out, values[i]);
  }
  return out.copy();
}

/** Text form of a scalar value, as Postgres' input function reads it (null for SQL NULL and unchanged). */
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

// ------------------------------------------------------------------------------ reading

/**
 * Where each field of a row lies: `ends[i]` is the end of field i (exclusive), field i starts
 * after the previous end's separator. Row bytes are `bytes[start, end)` without a newline.
 */
export function fieldEnds(bytes: Uint8Array, start = 0, end = bytes.length): number[] {
  const ends: number[] = [];
  for (let i = start; i < end; i += 1) if (bytes[i] === TAB) ends.push(i);
  ends.push(end);
  return ends;
}

/** Whether the field `bytes[start, end)` is `\N`. */
export function isNullField(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === 78;
}

/** Whether the field `bytes[start, end)` is `\U` (unchanged TOAST value). */
export function isUnchangedField(bytes: Uint8Array, start: number, end: number): boolean {
  return end - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === 85;
}

const ESCAPES: Record<number, number> = { 98: 8, 102: 12, 110: 10, 114: 13, 116: 9, 118: 11 };

/**
 * Copies the field `bytes[start, end)` into `out` from `at` with COPY's escapes resolved (the
 * value's own bytes: `\t` is a tab, `\\` a backslash, `\101` and `\x41` are A, any other
 * backslashed byte itself); returns where the copy ends. `out` needs `end - start` bytes of room.
 * The one place COPY text is unescaped (fieldText, the dialects' parameters and literals).
 */
export function unescapeField(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  // A byte loop, not indexOf + set: a native search runs to the end of the whole buffer (not of
  // the field) and the copy needs a view object per field; measured 5x slower on 30-200 byte
  // fields of a 2,000-row message (docs/design-notes.md, "Rows as text").
  for (let i = start; i < end; i += 1) {
    const b = bytes[i];
    if (b !== BACKSLASH || i + 1 >= end) {
      out[at++] = b;
      continue;
    }
    const next = bytes[++i];
    const simple = ESCAPES[next];
    if (simple !== undefined) out[at++] = simple;
    else if (next >= 48 && next <= 55) {
      // \ooo: one to three octal digits
      let value = next - 48;
      for (let k = 0; k < 2 && i + 1 < end && bytes[i + 1] >= 48 && bytes[i + 1] <= 55; k += 1)
        value = value * 8 + (bytes[++i] - 48);
      out[at++] = value & 0xff;
    } else if (next === 120 && i + 1 < end && isHexDigit(bytes[i + 1])) {
      // \xhh: one or two hex digits
      let value = hexValue(bytes[++i]);
      if (i + 1 < end && isHexDigit(bytes[i + 1])) value = value * 16 + hexValue(bytes[++i]);
      out[at++] = value;
    } else out[at++] = next;
  }
  return at;
}

/** A field's value text (unescaped), or null for `\N`. `\U` must be checked for before. */
export function fieldText(bytes: Uint8Array, start: number, end: number): string | null {
  if (isNullField(bytes, start, end)) return null;
  let backslash = false;
  for (let i = start; i < end && !backslash; i += 1) backslash = bytes[i] === BACKSLASH;
  if (!backslash) return Buffer.prototype.utf8Slice.call(bytes, start, end);
  const out = Buffer.allocUnsafe(end - start);
  return out.toString('utf8', 0, unescapeField(bytes, start, end, out, 0));
}

function isHexDigit(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 70) || (b >= 97 && b <= 102);
}

function hexValue(b: number): number {
  return b <= 57 ? b - 48 : (b & 0x4f) - 55;
}

/** A row of COPY text as Values (kinds from the columns' ColumnKinds). */
export function valuesOfRowText(
  kinds: readonly ColumnKind[],
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
): Value[] {
  const ends = fieldEnds(bytes, start, end);
  if (ends.length !== kinds.length) throw new RowTextError(`row has ${ends.length} fields for ${kinds.length} columns`);
  const values = new Array<Value>(kinds.length);
  let from = start;
  for (let i = 0; i < kinds.length; i += 1) {
    const to = ends[i];
    values[i] = isUnchangedField(bytes, from, to) ? UNCHANGED_VALUE : valueOfText(fieldText(bytes, from, to), kinds[i]);
    from = to + 1;
  }
  return values;
}

/** Values of some fields of a row (e.g. its key columns), in the order of `indexes`. */
export function pickValuesOfRowText(
  kinds: readonly ColumnKind[],
  indexes: readonly number[],
  bytes: Uint8Array,
): Value[] {
  const ends = fieldEnds(bytes);
  if (ends.length !== kinds.length) throw new RowTextError(`row has ${ends.length} fields for ${kinds.length} columns`);
  return indexes.map((index) => {
    const from = index === 0 ? 0 : ends[index - 1] + 1;
    const to = ends[index];
    return isUnchangedField(bytes, from, to) ? UNCHANGED_VALUE : valueOfText(fieldText(bytes, from, to), kinds[index]);
  });
}

/** A row that does not have the shape its table says. */
export class RowTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowTextError';
  }
}

const MAX_INT64 = 9223372036854775807n;

/** One value's text (null: SQL NULL) as a Value of the column's kind. */
export function valueOfText(text: string | null, kind: ColumnKind): Value {
  if (text === null) return NULL_VALUE;
  switch (kind.kind) {
    case 'integer':
      return { kind: 'integer', value: text };
    case 'unsigned':
      return text.length >= 19 && BigInt(text) > MAX_INT64
        ? { kind: 'unsigned', value: text }
        : { kind: 'integer', value: text };
    case 'boolean':
      return { kind: 'boolean', value: text === 't' || text === 'true' || text === '1' };
    case 'float':
      return { kind: 'float', value: parseFloatText(text) };
    case 'bytes':
      return { kind: 'bytes', value: parseByteaHex(text) };
    case 'array':
      return { kind: 'array', value: parseArrayLiteral(text, kind.element, kind.delimiter) };
    default:
      return { kind: kind.kind, value: text };
  }
}

function parseFloatText(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity' || text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity' || text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function parseByteaHex(text: string): Uint8Array {
  if (!text.startsWith('\\x')) {
    throw new RowTextError(`bytes value is not in hex format (\\x...): ${text.slice(0, 20)}`);
  }
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

/**
 * Parses an array literal such as `{1,NULL,"a \"b\""}` or `[0:1]={{1,2},{3,4}}` into nested
 * Values. Non-default lower bounds are not kept (no destination type carries them).
 */
export function parseArrayLiteral(text: string, element: ColumnKind, delimiter = ','): Value[] {
  let position = 0;
  if (text[0] === '[') {
    position = text.indexOf('=') + 1;
    if (position === 0) throw new RowTextError(`malformed array literal: ${text.slice(0, 40)}`);
  }

  function parseLevel(): Value[] {
    if (text[position] !== '{') throw new RowTextError(`malformed array literal at ${position}: ${text.slice(0, 40)}`);
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
            throw new RowTextError(`unterminated quoted array element: ${text.slice(0, 40)}`);
          if (text[position] === '\\') position += 1;
          item += text[position];
          position += 1;
        }
        position += 1;
        values.push(valueOfText(item, element));
      } else {
        const start = position;
        while (position < text.length && text[position] !== delimiter && text[position] !== '}') position += 1;
        const item = text.slice(start, position);
        values.push(item === 'NULL' ? NULL_VALUE : valueOfText(item, element));
      }
      const next = text[position];
      position += 1;
      if (next === '}') return values;
      if (next !== delimiter)
        throw new RowTextError(`malformed array literal at ${position - 1}: ${text.slice(0, 40)}`);
    }
  }

  return parseLevel();
}
