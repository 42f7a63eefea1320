import type { Column, TableSchema } from '@cdc/change-envelope';

/**
 * The destination-independent half of schema evolution: what changed between two versions of
 * one source table (the one a destination last applied, and the one an op now carries), as
 * changes every destination engine can apply without losing rows. Everything else (a rename,
 * a narrowing or unrelated type change, a different key) is a SchemaChangeError: applying it
 * would corrupt data, so the partition stops with that error.
 */
export interface SchemaChanges {
  /** Columns new in the source, in source order. */
  readonly added: readonly Column[];
  /** Columns gone from the source. */
  readonly dropped: readonly Column[];
  /** Same column, wider type (every old value fits the new type). */
  readonly widened: readonly { readonly from: Column; readonly to: Column }[];
  /** Same column and type, NOT NULL dropped at the source. */
  readonly relaxed: readonly Column[];
}

export class SchemaChangeError extends Error {
  constructor(
    message: string,
    readonly table: string,
    readonly column: string | undefined,
  ) {
    super(message);
    this.name = 'SchemaChangeError';
  }
}

export function hasSchemaChanges(changes: SchemaChanges): boolean {
  return changes.added.length + changes.dropped.length + changes.widened.length + changes.relaxed.length > 0;
}

/** What turns `from` into `to` (same source table); throws SchemaChangeError for unsafe changes. */
export function diffTableSchemas(from: TableSchema, to: TableSchema): SchemaChanges {
  const table = `${to.schema}.${to.table}`;
  const oldByName = new Map(from.columns.map((column, index) => [column.name, { column, index }]));
  const newNames = new Set(to.columns.map((column) => column.name));
  const dropped = from.columns.filter((column) => !newNames.has(column.name));
  const added: Column[] = [];
  const widened: { from: Column; to: Column }[] = [];
  const relaxed: Column[] = [];
  to.columns.forEach((column, index) => {
    const old = oldByName.get(column.name);
    if (old === undefined) {
      // A rename keeps the column's place; an added column goes after every existing one.
      // Positions and names cannot tell a rename from "drop the last column, add one of the same
      // type": both stop, since guessing wrong loses the column's values at the destination.
      const replaced = from.columns[index];
      if (replaced !== undefined && !newNames.has(replaced.name) && sameType(replaced, column)) {
        throw new SchemaChangeError(
          `table ${table}: column "${replaced.name}" looks renamed to "${column.name}" (dropped, and a column of the same ` +
            `type added in its place); renames are not replicated: change the destination table by hand, then delete ` +
            `its row from the sink's schema table (see the sink's README) to go on`,
          table,
          replaced.name,
        );
      }
      added.push(column);
      return;
    }
    const before = old.column;
    if (before.key !== column.key) {
      throw new SchemaChangeError(
        `table ${table}: column "${column.name}" ${column.key ? 'joined' : 'left'} the primary key; key changes are not replicated`,
        table,
        column.name,
      );
    }
    if (sameType(before, column)) {
      if (!before.nullable && column.nullable) relaxed.push(column);
      return;
    }
    if (!isWidening(before, column)) {
      throw new SchemaChangeError(
        `table ${table}: column "${column.name}" changed type from ${before.type} to ${column.type}, which is not a ` +
          `widening; incompatible type changes are not replicated`,
        table,
        column.name,
      );
    }
    widened.push({ from: before, to: column });
  });
  if (from.hasKey !== to.hasKey) {
    throw new SchemaChangeError(
      `table ${table}: the table ${to.hasKey ? 'gained' : 'lost'} its primary key; key changes are not replicated`,
      table,
      undefined,
    );
  }
  for (const column of added) {
    if (column.key) {
      throw new SchemaChangeError(
        `table ${table}: new column "${column.name}" is part of the primary key; key changes are not replicated`,
        table,
        column.name,
      );
    }
  }
  for (const column of dropped) {
    if (column.key) {
      throw new SchemaChangeError(
        `table ${table}: primary key column "${column.name}" was dropped; key changes are not replicated`,
        table,
        column.name,
      );
    }
  }
  return { added, dropped, widened, relaxed };
}

function sameType(a: Column, b: Column): boolean {
  const spaced = (type: string) => type.trim().replace(/\s+/g, ' ');
  return spaced(a.type) === spaced(b.type) && (a.typeOid === 0) === (b.typeOid === 0);
}

const normalizeSpaces = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/** A source type name split into its base name and typmods: "numeric(10,2)" → numeric, [10, 2]. */
export interface ParsedType {
  readonly base: string;
  readonly args: readonly string[];
  /** Trailing words after the argument list ("unsigned", "with time zone"). */
  readonly suffix: string;
  readonly array: boolean;
}

export function parseTypeName(type: string): ParsedType {
  // Only the words are case- and space-normalized: enum labels keep their spelling.
  let text = type.trim();
  let array = false;
  if (/(\[\d*\]\s*)+$/.test(text)) {
    array = true;
    text = text.replace(/(\[\d*\]\s*)+$/, '').trim();
  }
  const words = (part: string) => normalizeSpaces(part);
  const unsignedOf = (part: string) => / unsigned( zerofill)?$/.exec(part);
  const open = text.indexOf('(');
  if (open < 0) {
    // "timestamp without time zone", "int unsigned", "double precision"
    const plain = words(text);
    const unsigned = unsignedOf(plain);
    if (unsigned) return { base: plain.slice(0, unsigned.index), args: [], suffix: unsigned[0].trim(), array };
    return { base: plain, args: [], suffix: '', array };
  }
  const close = matchingParen(text, open);
  const after = words(text.slice(close + 1));
  const unsigned = unsignedOf(' ' + after);
  const rest = unsigned ? (' ' + after).slice(0, unsigned.index) : after;
  const base = words(text.slice(0, open) + ' ' + rest);
  return { base, args: splitArgs(text.slice(open + 1, close)), suffix: unsigned ? unsigned[0].trim() : '', array };
}

function matchingParen(text: string, open: number): number {
  let quote = false;
  for (let i = open + 1; i < text.length; i += 1) {
    const ch = text[i];
    if (quote) {
      if (ch === "'" && text[i + 1] === "'") i += 1;
      else if (ch === "'") quote = false;
    } else if (ch === "'") quote = true;
    else if (ch === ')') return i;
  }
  return text.length - 1;
}

function splitArgs(inner: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote = false;
  for (let i = 0; i < inner.length; i += 1) {
    const ch = inner[i];
    if (quote) {
      current += ch;
      if (ch === "'" && inner[i + 1] === "'") {
        current += "'";
        i += 1;
      } else if (ch === "'") quote = false;
    } else if (ch === "'") {
      quote = true;
      current += ch;
    } else if (ch === ',') {
      args.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '' || args.length > 0) args.push(current.trim());
  return args;
}

// Integer ranks: a higher rank holds every value of a lower one of the same signedness.
const PG_INTEGERS: Record<string, number> = { smallint: 1, int2: 1, integer: 2, int4: 2, int: 2, bigint: 3, int8: 3 };
const MYSQL_INTEGERS: Record<string, number> = { tinyint: 1, smallint: 2, mediumint: 3, int: 4, integer: 4, bigint: 5 };
const PG_TEXT = new Set(['character varying', 'varchar', 'text']);
const MYSQL_TEXT_RANK: Record<string, number> = { tinytext: 1, text: 2, mediumtext: 3, longtext: 4 };
const MYSQL_BLOB_RANK: Record<string, number> = { tinyblob: 1, blob: 2, mediumblob: 3, longblob: 4 };
const TEMPORAL_PRECISION = new Set([
  'timestamp without time zone',
  'timestamp with time zone',
  'time without time zone',
  'time with time zone',
  'timestamp',
  'timestamptz',
  'time',
  'timetz',
  'datetime',
]);

/** Whether every value of type `from` fits type `to` unchanged (source dialect decided by typeOid). */
export function isWidening(from: Column, to: Column): boolean {
  const mysql = from.typeOid === 0 && to.typeOid === 0;
  const a = parseTypeName(from.type);
  const b = parseTypeName(to.type);
  if (a.array !== b.array) return false;
  const num = (args: readonly string[], index: number, fallback: number) =>
    args[index] === undefined ? fallback : Number(args[index]);
  if (mysql) {
    const ra = MYSQL_INTEGERS[a.base];
    const rb = MYSQL_INTEGERS[b.base];
    if (ra !== undefined && rb !== undefined) {
      const ua = a.suffix.startsWith('unsigned');
      const ub = b.suffix.startsWith('unsigned');
      if (ua === ub) return rb >= ra;
      return ua && !ub && rb > ra;
    }
    if (ra !== undefined && (b.base === 'decimal' || b.base === 'numeric')) {
      return num(b.args, 0, 10) - num(b.args, 1, 0) >= 20;
    }
    if ((a.base === 'varchar' || a.base === 'char') && b.base === 'varchar')
      return num(b.args, 0, 0) >= num(a.args, 0, 1);
    if (a.base === 'char' && b.base === 'char') return num(b.args, 0, 1) >= num(a.args, 0, 1);
    if ((a.base === 'varchar' || a.base === 'char' || MYSQL_TEXT_RANK[a.base]) && MYSQL_TEXT_RANK[b.base]) {
      const bytes = { 1: 255, 2: 65_535, 3: 16_777_215, 4: 4_294_967_295 }[MYSQL_TEXT_RANK[b.base]] ?? 0;
      if (MYSQL_TEXT_RANK[a.base]) return MYSQL_TEXT_RANK[b.base] >= MYSQL_TEXT_RANK[a.base];
      return bytes >= num(a.args, 0, 1) * 4;
    }
    if ((a.base === 'varbinary' || a.base === 'binary') && b.base === 'varbinary')
      return num(b.args, 0, 0) >= num(a.args, 0, 1);
    if ((a.base === 'varbinary' || a.base === 'binary' || MYSQL_BLOB_RANK[a.base]) && MYSQL_BLOB_RANK[b.base]) {
      if (MYSQL_BLOB_RANK[a.base]) return MYSQL_BLOB_RANK[b.base] >= MYSQL_BLOB_RANK[a.base];
      const bytes = { 1: 255, 2: 65_535, 3: 16_777_215, 4: 4_294_967_295 }[MYSQL_BLOB_RANK[b.base]] ?? 0;
      return bytes >= num(a.args, 0, 1);
    }
    if ((a.base === 'decimal' || a.base === 'numeric') && (b.base === 'decimal' || b.base === 'numeric')) {
      return decimalFits(num(a.args, 0, 10), num(a.args, 1, 0), num(b.args, 0, 10), num(b.args, 1, 0));
    }
    if (a.base === 'float' && b.base === 'double') return true;
    if ((a.base === 'datetime' || a.base === 'timestamp' || a.base === 'time') && a.base === b.base) {
      return num(b.args, 0, 0) >= num(a.args, 0, 0);
    }
    if ((a.base === 'enum' || a.base === 'set') && a.base === b.base) {
      // New labels appended at the end keep every old label (and, for enums, its index).
      return a.args.length <= b.args.length && a.args.every((label, i) => label === b.args[i]);
    }
    if (a.base === 'bit' && b.base === 'bit') return num(b.args, 0, 1) >= num(a.args, 0, 1);
    return false;
  }
  if (from.typeOid === 0 || to.typeOid === 0) return false;
  const ra = PG_INTEGERS[a.base];
  const rb = PG_INTEGERS[b.base];
  if (ra !== undefined && rb !== undefined) return rb >= ra;
  if (ra !== undefined && b.base === 'numeric')
    return b.args.length === 0 || num(b.args, 0, 0) - num(b.args, 1, 0) >= 19;
  if (a.base === 'real' && b.base === 'double precision') return true;
  if (PG_TEXT.has(a.base) && b.base === 'text') return true;
  if (a.base === 'character varying' && b.base === 'character varying') {
    return b.args.length === 0 || (a.args.length > 0 && num(b.args, 0, 0) >= num(a.args, 0, 0));
  }
  if (a.base === 'character' && b.base === 'character') return num(b.args, 0, 1) >= num(a.args, 0, 1);
  if (a.base === 'numeric' && b.base === 'numeric') {
    if (b.args.length === 0) return true;
    if (a.args.length === 0) return false;
    return decimalFits(num(a.args, 0, 0), num(a.args, 1, 0), num(b.args, 0, 0), num(b.args, 1, 0));
  }
  if (a.base === 'bit varying' && b.base === 'bit varying') {
    return b.args.length === 0 || (a.args.length > 0 && num(b.args, 0, 0) >= num(a.args, 0, 0));
  }
  if (TEMPORAL_PRECISION.has(a.base) && a.base === b.base) return num(b.args, 0, 6) >= num(a.args, 0, 6);
  return false;
}

function decimalFits(precision: number, scale: number, toPrecision: number, toScale: number): boolean {
  return toScale >= scale && toPrecision - toScale >= precision - scale;
}
