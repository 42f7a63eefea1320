import { createHmac } from 'node:crypto';
import { compileDerivedValue, parseFilter, type DerivedValue } from '@cdc/row-filter';
import {
  NULL_VALUE,
  columnKindOf,
  expandRows,
  keyColumnIndexes,
  plainOp,
  valueOfText,
  valueText,
  type ChangeOp,
  type Column,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';

/**
 * Column transforms (a destination's `transforms`): what the destination writes instead of a
 * column's value, so personal data never reaches an analytics copy. Engine-independent, applied
 * once per op before the sink sees it (rowRulesSink).
 *
 * - hash: HMAC-SHA256 of the value's text under the destination's secret `transform_key`:
 *   deterministic, so equal values hash equal in every table and source and joins still work,
 *   and not reversible or guessable without the key. Text columns get the hex digest (cut to a
 *   varchar/char length); integer columns the digest's first bytes as a signed integer of the
 *   column's width; uuid columns its first 16 bytes; bytea the digest.
 * - redact: the text "REDACTED" (cut to the column's length); null: NULL; constant: a value of
 *   the column's type; truncate: the first n characters.
 * - mask_email: "alice@example.com" -> "a****@example.com" (the domain kept, the local part's
 *   length kept); mask_phone: every digit but the last four as "*" ("+1 (555) ***-**67" style,
 *   separators kept).
 * - expr: a derived column, a new column computed from the row's source columns by an
 *   expression of the row-filter language (compileDerivedValue: a column's copy, a literal, or
 *   a condition as a bool). It is appended to the table after the source's columns, so
 *   create_tables and schema evolution create it; it reads the source values, before the other
 *   transforms rewrite them; it cannot be named like a source column, so it is never a key.
 * A NULL stays NULL (but for constant), and an unchanged TOAST value stays unchanged.
 * A key column is refused unless the transform says `onKey` (and then only hash, which keeps
 * distinct keys distinct but for a collision of its digest), because a transformed key changes
 * which destination row an update or delete finds.
 */

export type ColumnTransformSpec = (
  | { readonly kind: 'hash' | 'redact' | 'null' | 'mask_email' | 'mask_phone' }
  | { readonly kind: 'constant'; readonly value: string | number | boolean | null }
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'expr'; readonly expression: string }
) & { readonly onKey: boolean };

/** A transform that cannot apply to a column; the message names destination, source, table and column. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

type ValueTransform = (value: Value) => Value;

export interface TableTransforms {
  /** The table as the destination gets it: the source's columns, then the derived ones. */
  readonly table: TableSchema;
  /** The op with its transformed columns rewritten (a 'rows' op row by row). */
  readonly apply: (op: ChangeOp) => ChangeOp[];
}

/**
 * Compiles a table's transforms against its columns (types decide what each transform writes).
 * `where` names the destination and source in errors.
 */
export function compileTransforms(
  table: TableSchema,
  columns: Readonly<Record<string, ColumnTransformSpec>>,
  key: string | undefined,
  where: string,
): TableTransforms {
  const name = `${table.schema}.${table.table}`;
  const perIndex = new Map<number, ValueTransform>();
  const derived: Array<{ readonly name: string; readonly value: DerivedValue }> = [];
  for (const [columnName, spec] of Object.entries(columns)) {
    const index = table.columns.findIndex((column) => column.name === columnName);
    const fail = (problem: string) =>
      new TransformError(`${where}, table ${name}, column ${columnName}: transform ${spec.kind} ${problem}`);
    if (spec.kind === 'expr') {
      if (index >= 0) {
        throw fail(
          `names a source column: a derived column is a new column (pick another name, or transform ${columnName} itself)`,
        );
      }
      derived.push({ name: columnName, value: derivedValue(table, spec.expression, fail) });
      continue;
    }
    if (index < 0) {
      throw fail(`names an unknown column (columns: ${table.columns.map((c) => c.name).join(', ')})`);
    }
    const column = table.columns[index];
    if (column.key && table.hasKey) {
      if (!spec.onKey) {
        throw fail(
          'is on a key column: a transformed key changes which destination row updates and deletes find; set on_key: true to allow hash on it',
        );
      }
      if (spec.kind !== 'hash') throw fail('is on a key column: only hash keeps distinct keys distinct');
    }
    perIndex.set(index, valueTransform(column, spec, key, fail));
  }
  const keyIndexes = keyColumnIndexes(table.columns);
  const keyTransforms = keyIndexes.map((index) => perIndex.get(index));
  // One schema object per source schema: sinks cache what they learn per table object.
  const derivedTable: TableSchema =
    derived.length === 0
      ? table
      : {
          ...table,
          columns: [...table.columns, ...derived.map(({ name, value }) => ({ ...value.type, name, key: false }))],
        };
  const row = (values: readonly Value[] | undefined, known?: readonly Value[]): Value[] | undefined => {
    if (values === undefined) return undefined;
    const out = values.map((value, index) => {
      const transform = perIndex.get(index);
      return transform === undefined ? value : transform(value);
    });
    if (derived.length > 0) {
      // An unchanged TOAST value of the new row is the old row's, when the old row has it
      // (replica identity full); else a derived value reading it stays unchanged too.
      const source =
        known === undefined
          ? values
          : values.map((value, index) => (value.kind === 'unchanged' ? (known[index] ?? value) : value));
      for (const { value } of derived) out.push(value.evaluate(source));
    }
    return out;
  };
  const transformOne = (op: ChangeOp): ChangeOp => {
    // The key is in key order, and only hashed when its column is (on_key): it must find the
    // row written with the transformed value.
    const keyValues = keyTransforms.some((t) => t !== undefined)
      ? op.key.map((value, position) => keyTransforms[position]?.(value) ?? value)
      : op.key;
    return plainOp(op, {
      table: derivedTable,
      key: keyValues,
      before: row(op.before),
      after: row(op.after, op.before),
    });
  };
  return {
    table: derivedTable,
    apply: (op) => {
      if (op.kind === 'ddl' || (perIndex.size === 0 && derived.length === 0)) return [op];
      if (op.kind === 'truncate') return [derived.length === 0 ? op : plainOp(op, { table: derivedTable })];
      if (op.kind === 'rows') return expandRows(op).map(transformOne);
      return [transformOne(op)];
    },
  };
}

function derivedValue(table: TableSchema, expression: string, fail: (problem: string) => TransformError): DerivedValue {
  try {
    return compileDerivedValue(parseFilter(expression), table.columns);
  } catch (error) {
    if (error instanceof Error && (error.name === 'FilterSyntaxError' || error.name === 'FilterTypeError')) {
      throw fail(`${JSON.stringify(expression)}: ${error.message}`);
    }
    throw error;
  }
}

const TEXT_KINDS: ReadonlySet<string> = new Set(['text']);

function valueTransform(
  column: Column,
  spec: ColumnTransformSpec,
  key: string | undefined,
  fail: (problem: string) => TransformError,
): ValueTransform {
  if (spec.kind === 'expr') throw fail('is a derived column'); // handled by compileTransforms
  const kind = columnKindOf(column);
  const isText = TEXT_KINDS.has(kind.kind);
  const length = lengthOf(column.type);
  const fit = (text: string) => (length === undefined ? text : [...text].slice(0, length).join(''));
  const keep = (value: Value) => value.kind === 'null' || value.kind === 'unchanged';
  const textOnly = () => {
    if (!isText) throw fail(`needs a text column; ${column.name} is ${column.type}`);
  };
  switch (spec.kind) {
    case 'null':
      if (!column.nullable) throw fail(`cannot write NULL: ${column.name} is NOT NULL at the source`);
      return (value) => (value.kind === 'unchanged' ? value : NULL_VALUE);
    case 'constant': {
      if (spec.value === null) {
        if (!column.nullable) throw fail(`cannot write NULL: ${column.name} is NOT NULL at the source`);
        return (value) => (value.kind === 'unchanged' ? value : NULL_VALUE);
      }
      const constant = valueOfText(String(spec.value), kind);
      const written = valueText(constant);
      if (written === null || (kind.kind === 'integer' && !/^-?\d+$/.test(written))) {
        throw fail(`value ${JSON.stringify(spec.value)} is not a ${column.type}`);
      }
      return (value) => (value.kind === 'unchanged' ? value : constant);
    }
    case 'redact':
      textOnly();
      return (value) => (keep(value) ? value : { kind: 'text', value: fit('REDACTED') });
    case 'truncate':
      textOnly();
      return (value) =>
        keep(value) || value.kind !== 'text'
          ? value
          : { kind: 'text', value: [...value.value].slice(0, spec.length).join('') };
    case 'mask_email':
      textOnly();
      return (value) =>
        keep(value) || value.kind !== 'text' ? value : { kind: 'text', value: fit(maskEmail(value.value)) };
    case 'mask_phone':
      textOnly();
      return (value) =>
        keep(value) || value.kind !== 'text' ? value : { kind: 'text', value: fit(maskPhone(value.value)) };
    case 'hash': {
      if (key === undefined) throw fail('needs transform_key');
      const digest = (value: Value) => createHmac('sha256', key).update(canonicalText(value), 'utf8').digest();
      if (isText) return (value) => (keep(value) ? value : { kind: 'text', value: fit(digest(value).toString('hex')) });
      if (kind.kind === 'integer') {
        const bits = integerBits(column.type);
        return (value) =>
          keep(value)
            ? value
            : { kind: 'integer', value: BigInt.asIntN(bits, digest(value).readBigInt64BE(0)).toString() };
      }
      if (kind.kind === 'uuid') {
        return (value) => {
          if (keep(value)) return value;
          const hex = digest(value).subarray(0, 16).toString('hex');
          return {
            kind: 'uuid',
            value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
          };
        };
      }
      if (kind.kind === 'bytes') return (value) => (keep(value) ? value : { kind: 'bytes', value: digest(value) });
      throw fail(
        `cannot write a digest into ${column.name} (${column.type}): hash text, integer, uuid or bytea columns`,
      );
    }
  }
}

/** The text a value is hashed from: the same for equal values of any table or source. */
function canonicalText(value: Value): string {
  return valueText(value) ?? '';
}

/** varchar(n) / character varying(n) / char(n) / character(n) -> n. */
function lengthOf(type: string): number | undefined {
  const match = /^(?:varchar|character varying|char|character|bpchar)\s*\((\d+)\)$/i.exec(type.trim());
  return match ? Number(match[1]) : undefined;
}

function integerBits(type: string): number {
  const name = type.trim().toLowerCase();
  if (name === 'int2' || name === 'smallint') return 16;
  if (name === 'int4' || name === 'integer' || name === 'int') return 32;
  return 64;
}

/** "alice@example.com" -> "a****@example.com"; no "@": everything but the first character masked. */
export function maskEmail(text: string): string {
  const at = text.lastIndexOf('@');
  const local = at < 0 ? text : text.slice(0, at);
  const characters = [...local];
  const masked = characters.length === 0 ? '' : characters[0] + '*'.repeat(characters.length - 1);
  return at < 0 ? masked : masked + text.slice(at);
}

/** Every digit but the last four as "*", separators kept: "+1 (555) 123-4567" -> "+* (***) ***-4567". */
export function maskPhone(text: string): string {
  const digits = [...text].filter((character) => character >= '0' && character <= '9').length;
  let seen = 0;
  return [...text]
    .map((character) => {
      if (character < '0' || character > '9') return character;
      seen += 1;
      return seen <= digits - 4 ? '*' : character;
    })
    .join('');
}
