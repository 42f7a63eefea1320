import type Long from 'long';
import { NULL_VALUE, writeValueField, type RowTextWriter, type Value } from '@cdc/change-envelope';
import { query } from './generated/vitess';

/**
 * Decodes one column's bytes (MySQL text-protocol form, as VStream sends them) into a typed
 * value. `writeText` writes the same value as a field of a COPY text row (row-text.ts): for
 * the types whose text is the value's text it copies the bytes, for the others it writes the
 * decoded value, so the two never disagree.
 */
export type ColumnDecoder = ((values: Buffer, start: number, end: number) => Value) & {
  readonly writeText: (values: Buffer, start: number, end: number, out: RowTextWriter) => void;
  /** The column's kind (Column.valueKind): how the text reads back as the values decode gives. */
  readonly kind: string;
};

/** A decoder whose text is its value's text (or, with `suffix`, that text and the suffix). */
function textual(
  kind: string,
  decode: (values: Buffer, start: number, end: number) => Value,
  encoding: BufferEncoding,
  suffix = '',
): ColumnDecoder {
  const suffixBytes = Buffer.from(suffix, 'latin1');
  return Object.assign(decode, {
    kind,
    writeText:
      encoding === 'latin1'
        ? (values: Buffer, start: number, end: number, out: RowTextWriter) =>
            out.escapedString(values.toString('latin1', start, end) + suffix)
        : (values: Buffer, start: number, end: number, out: RowTextWriter) => {
            out.escapedBytes(values, start, end);
            if (suffixBytes.length > 0) out.raw(suffixBytes);
          },
  });
}

/** A decoder whose text is written from its decoded value (bit strings, enum labels, bytes). */
function byValue(kind: string, decode: (values: Buffer, start: number, end: number) => Value): ColumnDecoder {
  return Object.assign(decode, {
    kind,
    writeText: (values: Buffer, start: number, end: number, out: RowTextWriter) =>
      writeValueField(out, decode(values, start, end)),
  });
}

const BINARY_CHARSET = 63;
/** MySQL collation ids whose character set is latin1. */
const LATIN1_CHARSETS = new Set([5, 8, 15, 31, 47, 48, 49, 94]);
const MAX_INT64 = 9223372036854775807n;

export interface ColumnFacts {
  /** MariaDB stores JSON as LONGTEXT with a json_valid() check: the schema tells it apart. */
  readonly json?: boolean;
}

/** The decoder for a column, chosen once per FIELD event. */
export function columnDecoderFor(field: query.IField, enumSetStrings: boolean, facts: ColumnFacts = {}): ColumnDecoder {
  const type = field.type ?? query.Type.NULL_TYPE;
  const charset = field.charset ?? 0;
  const encoding: BufferEncoding = LATIN1_CHARSETS.has(charset) ? 'latin1' : 'utf8';
  const text = (kind: 'text' | 'decimal' | 'json' | 'date' | 'time' | 'timestamp' | 'enum'): ColumnDecoder =>
    textual(kind, (values, start, end) => ({ kind, value: values.toString(encoding, start, end) }), encoding);
  if (facts.json) return text('json');
  switch (type) {
    case query.Type.INT8:
    case query.Type.INT16:
    case query.Type.INT24:
    case query.Type.INT32:
    case query.Type.INT64:
    case query.Type.UINT8:
    case query.Type.UINT16:
    case query.Type.UINT24:
    case query.Type.UINT32:
    case query.Type.YEAR:
      return textual(
        'integer',
        (values, start, end) => ({ kind: 'integer', value: values.toString('latin1', start, end) }),
        'utf8',
      );
    case query.Type.UINT64:
      return textual(
        'unsigned',
        (values, start, end) => {
          const digits = values.toString('latin1', start, end);
          return digits.length >= 19 && BigInt(digits) > MAX_INT64
            ? { kind: 'unsigned', value: digits }
            : { kind: 'integer', value: digits };
        },
        'utf8',
      );
    case query.Type.FLOAT32:
    case query.Type.FLOAT64:
      // MySQL's text for a float is one Postgres reads back to the same number.
      return textual(
        'float',
        (values, start, end) => ({ kind: 'float', value: Number(values.toString('latin1', start, end)) }),
        'utf8',
      );
    case query.Type.DECIMAL:
      return text('decimal');
    case query.Type.DATE:
      return text('date');
    case query.Type.DATETIME:
      return text('timestamp');
    case query.Type.TIMESTAMP:
      // vttablet reads binlog TIMESTAMPs (seconds since the epoch) and renders them in UTC.
      return textual(
        'timestamptz',
        (values, start, end) => ({ kind: 'timestamptz', value: `${values.toString('latin1', start, end)}+00` }),
        'utf8',
        '+00',
      );
    case query.Type.TIME:
      return text('time');
    case query.Type.JSON:
      return text('json');
    case query.Type.BIT:
      return bitDecoder(field.columnType ?? '');
    case query.Type.ENUM:
      return enumSetStrings ? text('enum') : enumByIndex(field.columnType ?? '');
    case query.Type.SET:
      return enumSetStrings ? text('enum') : setByMask(field.columnType ?? '');
    case query.Type.BLOB:
    case query.Type.VARBINARY:
    case query.Type.BINARY:
      // TEXT columns with a binary collation arrive as BLOB/VARBINARY with a text charset.
      if (charset !== BINARY_CHARSET) return text('text');
      return bytes;
    case query.Type.GEOMETRY:
    case query.Type.VECTOR:
      return bytes;
    default:
      return text('text');
  }
}

/** The kind of the values columnDecoderFor makes for a field (Column.valueKind). */
export function valueKindOf(field: query.IField, facts: ColumnFacts = {}): string {
  return columnDecoderFor(field, true, facts).kind;
}

const bytes: ColumnDecoder = byValue('bytes', (values, start, end) => ({
  kind: 'bytes',
  value: new Uint8Array(values.subarray(start, end)),
}));

/** BIT(n) arrives as big-endian bytes; it travels as its n binary digits ("0101"). */
function bitDecoder(columnType: string): ColumnDecoder {
  const width = Number(/^bit\((\d+)\)/i.exec(columnType)?.[1] ?? 0);
  return byValue('text', (values, start, end) => {
    let number = 0n;
    for (let i = start; i < end; i += 1) number = (number << 8n) | BigInt(values[i]);
    const digits = number.toString(2);
    return { kind: 'text', value: width > digits.length ? digits.padStart(width, '0') : digits };
  });
}

/** The labels of an enum('a','b''c') / set(...) column type. */
export function enumLabels(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const labels: string[] = [];
  let i = open + 1;
  while (open >= 0 && i < columnType.length && columnType[i] === "'") {
    let label = '';
    i += 1;
    for (;;) {
      if (i >= columnType.length) return labels;
      if (columnType[i] === "'" && columnType[i + 1] === "'") {
        label += "'";
        i += 2;
      } else if (columnType[i] === "'") {
        i += 1;
        break;
      } else {
        label += columnType[i];
        i += 1;
      }
    }
    labels.push(label);
    if (columnType[i] === ',') i += 1;
  }
  return labels;
}

function enumByIndex(columnType: string): ColumnDecoder {
  const labels = enumLabels(columnType);
  return byValue('enum', (values, start, end) => {
    const index = Number(values.toString('latin1', start, end));
    return { kind: 'enum', value: index >= 1 && index <= labels.length ? labels[index - 1] : '' };
  });
}

function setByMask(columnType: string): ColumnDecoder {
  const labels = enumLabels(columnType);
  return byValue('enum', (values, start, end) => {
    const mask = BigInt(values.toString('latin1', start, end));
    const chosen = labels.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
    return { kind: 'enum', value: chosen.join(',') };
  });
}

/** A VStream row that does not fit its FIELD event (or is damaged); says which table, shard and column. */
export class RowDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RowDecodeError';
  }
}

function lengthOf(length: Long | number): number {
  return typeof length === 'number' ? length : length.toNumber();
}

/** A row's column lengths, checked against its table's decoders. */
function rowLengths(
  decoders: readonly ColumnDecoder[],
  row: query.IRow,
  where: () => string,
): readonly (Long | number)[] {
  const lengths = row.lengths ?? [];
  if (lengths.length !== decoders.length) {
    throw new RowDecodeError(
      `${where()}: row has ${lengths.length} columns, the table's FIELD event has ${decoders.length}`,
    );
  }
  return lengths;
}

/** A row's value bytes (the columns' values one after the other) as a Buffer, without a copy. */
function rowBytes(row: query.IRow): Buffer {
  const raw = row.values ?? new Uint8Array(0);
  return Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Where column `column`'s value ends, checked to lie inside the row. */
function fieldEnd(values: Buffer, offset: number, length: number, column: number, where: () => string): number {
  const end = offset + length;
  if (end > values.length) {
    throw new RowDecodeError(`${where()}: column ${column} overruns the row (${end} > ${values.length} bytes)`);
  }
  return end;
}

/** A column value its decoder refused, with its first 40 bytes for the message. */
function undecodable(
  values: Buffer,
  offset: number,
  end: number,
  column: number,
  where: () => string,
  error: unknown,
): RowDecodeError {
  const text = values.toString('latin1', offset, Math.min(end, offset + 40));
  return new RowDecodeError(
    `${where()}: column ${column} value ${JSON.stringify(text)} cannot be decoded: ${String(error)}`,
    { cause: error },
  );
}

/**
 * A query.Row as values aligned with the decoders: lengths[i] is column i's byte length
 * inside `values`, -1 for NULL.
 */
export function decodeRow(decoders: readonly ColumnDecoder[], row: query.IRow, where: () => string): Value[] {
  const lengths = rowLengths(decoders, row, where);
  const values = rowBytes(row);
  const result = new Array<Value>(decoders.length);
  let offset = 0;
  for (let i = 0; i < decoders.length; i += 1) {
    const length = lengthOf(lengths[i] as Long | number);
    if (length < 0) {
      result[i] = NULL_VALUE;
      continue;
    }
    const end = fieldEnd(values, offset, length, i, where);
    try {
      result[i] = decoders[i](values, offset, end);
    } catch (error) {
      throw undecodable(values, offset, end, i, where, error);
    }
    offset = end;
  }
  return result;
}

/**
 * A query.Row written as one row of COPY text (row-text.ts) into `out`: the same values
 * decodeRow gives, without a JS value per column for the types whose text is their value.
 */
export function writeRowText(
  decoders: readonly ColumnDecoder[],
  row: query.IRow,
  where: () => string,
  out: RowTextWriter,
): void {
  const lengths = rowLengths(decoders, row, where);
  const values = rowBytes(row);
  let offset = 0;
  for (let i = 0; i < decoders.length; i += 1) {
    if (i > 0) out.byte(9);
    const length = lengthOf(lengths[i] as Long | number);
    if (length < 0) {
      out.byte(92); // \N
      out.byte(78);
      continue;
    }
    const end = fieldEnd(values, offset, length, i, where);
    try {
      decoders[i].writeText(values, offset, end, out);
    } catch (error) {
      throw undecodable(values, offset, end, i, where, error);
    }
    offset = end;
  }
}
