import { RowTextWriter, columnKinds, fieldEnds, unescapeField, type TableSchema } from '@cdc/change-envelope';
import type { RowRef } from '@cdc/apply';
import { isInteger, isPlainTimestamp } from './values';
import type { TableBinding } from './statements';

/*
 * Rows for `LOAD DATA LOCAL INFILE`, written from their Postgres COPY text with as little work as
 * the two formats allow. MySQL's default LOAD DATA format is COPY text's close cousin: tab
 * between fields, newline after a row, `\N` for NULL, and the same `\\ \t \n \r \b` escapes. So a
 * row whose fields are all "the same in both" is copied whole; a field that differs is rewritten
 * (a boolean's t/f as 1/0, a UTC timestamp without its +00, text with COPY's \f, \v or octal
 * escapes); a field with no LOAD DATA form this file knows (bytes, arrays, a timestamp in another
 * offset, a bit string) sends its row to the INSERT statements instead.
 *
 * The server reads what it gets: LOAD DATA LOCAL turns a value it cannot store as it is into a
 * warning, not an error. The sink therefore treats any warning of a LOAD DATA as a rejection
 * (the batch is retried op by op with INSERTs, which fail or apply the unrepresentable policy
 * exactly as they always did), so a row written through here is stored as INSERT would store it.
 */

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;

/** How a field travels: 'same' bytes, 'rewrite' (write it with `rewrite`), or 'no' LOAD DATA form. */
type FieldVerdict = 'same' | 'rewrite' | 'no';

interface LoadColumn {
  /** The column's name in LOAD DATA's column list (`@skip` for a source column not written). */
  readonly target: string;
  verdict(bytes: Uint8Array, start: number, end: number): FieldVerdict;
  rewrite(bytes: Uint8Array, start: number, end: number, out: RowTextWriter): void;
}

export interface LoadRows {
  /** LOAD DATA's column list, `(a, @skip, c)`: every source column, in row order. */
  readonly columnList: string;
  /** The rows as LOAD DATA text, newline after each (empty when none could go). */
  readonly data: Buffer;
  /** Rows with a field that has no LOAD DATA form (they go as INSERTs). */
  readonly rest: RowRef[];
}

const plans = new WeakMap<TableBinding, WeakMap<TableSchema, readonly LoadColumn[] | null>>();

/** The LOAD DATA form of each column of `table` into `binding`, or null when some column has none. */
function planOf(binding: TableBinding, table: TableSchema): readonly LoadColumn[] | null {
  let byTable = plans.get(binding);
  if (byTable === undefined) plans.set(binding, (byTable = new WeakMap()));
  let plan = byTable.get(table);
  if (plan !== undefined) return plan;
  const kinds = columnKinds(table);
  const columns: LoadColumn[] = [];
  for (let i = 0; i < binding.columns.length; i += 1) {
    const bound = binding.columns[i];
    if (bound.target === undefined) {
      columns.push({ target: '@skip', verdict: () => 'same', rewrite: () => undefined });
      continue;
    }
    // A column with no LOAD DATA form still loads its NULLs: rows with a value there go as INSERTs.
    columns.push(
      loadColumn(bound.sql, kinds[i].kind, bound.target.category) ?? {
        target: bound.sql,
        verdict: () => 'no',
        rewrite: () => undefined,
      },
    );
  }
  plan = columns;
  byTable.set(table, plan);
  return plan;
}

function loadColumn(target: string, kind: string, category: string): LoadColumn | undefined {
  const column = (verdict: LoadColumn['verdict'], rewrite: LoadColumn['rewrite'] = () => undefined): LoadColumn => ({
    target,
    verdict,
    rewrite,
  });
  switch (kind) {
    case 'integer':
    case 'unsigned':
      if (
        category === 'integer' ||
        category === 'decimal' ||
        category === 'float' ||
        category === 'year' ||
        category === 'string' ||
        category === 'json'
      )
        return column((b, s, e) => (isInteger(b, s, e) ? 'same' : 'no'));
      return undefined;
    case 'decimal':
      if (category === 'decimal' || category === 'float' || category === 'string')
        return column((b, s, e) => (isPlainDecimal(b, s, e) ? 'same' : 'no'));
      return undefined;
    case 'float':
      if (category === 'float' || category === 'decimal')
        return column((b, s, e) => (isPlainDecimal(b, s, e) ? 'same' : 'no'));
      return undefined;
    case 'boolean':
      if (category === 'integer' || category === 'string')
        return column(
          (b, s, e) => (e - s === 1 && (b[s] === 116 || b[s] === 102) ? 'rewrite' : 'no'),
          (b, s, _e, out) => {
            const t = b[s] === 116;
            if (category === 'integer') out.byte(t ? 49 : 48);
            else out.raw(t ? TRUE : FALSE);
          },
        );
      return undefined;
    case 'text':
    case 'enum':
    case 'uuid':
    case 'interval':
    case 'json':
      if (category === 'string' || (category === 'json' && kind === 'json')) return column(textVerdict, rewriteText);
      return undefined;
    case 'time':
      if (category === 'time' || category === 'string') return column(textVerdict, rewriteText);
      return undefined;
    case 'date':
    case 'timestamp':
      if (category === 'string') return column(textVerdict, rewriteText);
      if (category === 'date' || category === 'datetime')
        return column((b, s, e) => (isPlainTimestamp(b, s, e) ? 'same' : 'no'));
      return undefined;
    case 'timestamptz':
      // Only UTC ones (+00), written without their offset: the session runs in UTC.
      if (category === 'date' || category === 'datetime')
        return column(
          (b, s, e) =>
            e - s > 3 && b[e - 3] === 43 && b[e - 2] === 48 && b[e - 1] === 48 && isPlainTimestamp(b, s, e - 3)
              ? 'rewrite'
              : 'no',
          (b, s, e, out) => out.raw(b, s, e - 3),
        );
      return undefined;
    default:
      return undefined;
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

/** -12.50, 1e+20, .5: what MySQL reads as a number (NaN, Infinity and the rest go as INSERTs). */
function isPlainDecimal(bytes: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false;
  let digits = 0;
  for (let i = start; i < end; i += 1) {
    const b = bytes[i];
    if (b >= 48 && b <= 57) digits += 1;
    else if (!(b === 46 || b === 45 || b === 43 || b === 101 || b === 69)) return false;
  }
  return digits > 0;
}

/** Text is the same unless COPY escaped something LOAD DATA reads otherwise (\f, \v, octal, hex). */
function textVerdict(bytes: Uint8Array, start: number, end: number): FieldVerdict {
  for (let i = start; i < end; i += 1) {
    if (bytes[i] !== BACKSLASH) continue;
    const next = bytes[i + 1];
    // \b \n \r \t \\ mean the same in both.
    if (next === 98 || next === 110 || next === 114 || next === 116 || next === BACKSLASH) {
      i += 1;
      continue;
    }
    return 'rewrite';
  }
  return 'same';
}

/** COPY's escapes resolved, then written as LOAD DATA reads them. */
function rewriteText(bytes: Uint8Array, start: number, end: number, out: RowTextWriter): void {
  const value = Buffer.allocUnsafe(end - start);
  const length = unescapeField(bytes, start, end, value, 0);
  out.reserve(length * 2);
  for (let i = 0; i < length; i += 1) {
    const b = value[i];
    if (b === 0) {
      out.byte(BACKSLASH);
      out.byte(48); // \0
    } else if (b === TAB || b === NEWLINE || b === BACKSLASH) {
      out.byte(BACKSLASH);
      out.byte(b === TAB ? 116 : b === NEWLINE ? 110 : BACKSLASH);
    } else out.byte(b);
  }
}

/**
 * Rows (whole source rows, every written column present) as LOAD DATA text for `binding`; rows
 * with a field that has no LOAD DATA form come back in `rest`. Undefined when a column of the
 * table never has one (all rows then go as INSERTs).
 */
export function loadRowsOf(binding: TableBinding, table: TableSchema, rows: readonly RowRef[]): LoadRows | undefined {
  const plan = planOf(binding, table);
  if (plan === null) return undefined;
  const out = new RowTextWriter(64 * 1024);
  const rest: RowRef[] = [];
  const verdicts: FieldVerdict[] = new Array(plan.length);
  for (const row of rows) {
    const text = row.text;
    const ends = row.ends ?? fieldEnds(text);
    if (ends.length !== plan.length) {
      rest.push(row);
      continue;
    }
    let rewrite = false;
    let loadable = true;
    for (let i = 0, start = 0; i < plan.length; start = ends[i] + 1, i += 1) {
      const end = ends[i];
      // \N (NULL) is the same in both; \U (an unchanged TOAST value) has no LOAD DATA form.
      const marker = end - start === 2 && text[start] === BACKSLASH ? text[start + 1] : 0;
      const verdict = marker === 78 ? 'same' : marker === 85 ? 'no' : plan[i].verdict(text, start, end);
      if (verdict === 'no') {
        loadable = false;
        break;
      }
      verdicts[i] = verdict;
      if (verdict === 'rewrite') rewrite = true;
    }
    if (!loadable) {
      rest.push(row);
      continue;
    }
    if (!rewrite) {
      out.raw(text);
    } else {
      for (let i = 0, start = 0; i < plan.length; start = ends[i] + 1, i += 1) {
        if (i > 0) out.byte(TAB);
        if (verdicts[i] === 'same') out.raw(text, start, ends[i]);
        else plan[i].rewrite(text, start, ends[i], out);
      }
    }
    out.byte(NEWLINE);
  }
  return {
    columnList: '(' + plan.map((column) => column.target).join(', ') + ')',
    data: out.buffer.subarray(0, out.length),
    rest,
  };
}
