import type { Cells } from './database';
import { valuesEqual, type ValueKind } from './value-kind';

export type DifferenceKind = 'missing' | 'extra' | 'different';

/** A row that differs: missing at the destination, extra there, or with different values. */
export interface RowDifference {
  readonly kind: DifferenceKind;
  /** Canonical key texts (a table without a key: every column). */
  readonly key: readonly string[];
  /** `different` only: the columns (source names) whose values differ. */
  readonly columns?: readonly string[];
}

export interface RowShape {
  readonly columnNames: readonly string[];
  readonly kinds: readonly ValueKind[];
  /** Empty: no key; rows then compare as a multiset of whole rows. */
  readonly keyIndexes: readonly number[];
}

/**
 * Source rows against destination rows (both as canonical cells in compared-column order), by
 * key, value by value (valuesEqual). Differences come out in source order, then the extras.
 */
export function diffRows(shape: RowShape, source: readonly Cells[], destination: readonly Cells[]): RowDifference[] {
  if (shape.keyIndexes.length === 0) return diffMultiset(shape, source, destination);
  const keyOf = (row: Cells) => shape.keyIndexes.map((i) => row[i] ?? '');
  const byKey = new Map<string, Cells>();
  for (const row of destination) byKey.set(JSON.stringify(keyOf(row)), row);
  const differences: RowDifference[] = [];
  for (const row of source) {
    const text = JSON.stringify(keyOf(row));
    const other = byKey.get(text);
    if (!other) {
      differences.push({ kind: 'missing', key: keyOf(row) });
      continue;
    }
    byKey.delete(text);
    const columns = differingColumns(shape, row, other);
    if (columns.length > 0) differences.push({ kind: 'different', key: keyOf(row), columns });
  }
  for (const row of byKey.values()) differences.push({ kind: 'extra', key: keyOf(row) });
  return differences;
}

function differingColumns(shape: RowShape, left: Cells, right: Cells): string[] {
  const columns: string[] = [];
  for (let i = 0; i < shape.kinds.length; i += 1)
    if (!valuesEqual(shape.kinds[i], left[i], right[i])) columns.push(shape.columnNames[i]);
  return columns;
}

/**
 * A table without a key: every source row must find an equal destination row, each used once.
 * Exact texts are matched first (a map), then the rest pairwise by value.
 */
function diffMultiset(shape: RowShape, source: readonly Cells[], destination: readonly Cells[]): RowDifference[] {
  const unmatched = new Map<string, Cells[]>();
  for (const row of destination) {
    const text = JSON.stringify(row);
    const list = unmatched.get(text) ?? [];
    list.push(row);
    unmatched.set(text, list);
  }
  const left: Cells[] = [];
  for (const row of source) {
    const list = unmatched.get(JSON.stringify(row));
    if (list && list.length > 0) list.pop();
    else left.push(row);
  }
  const right = [...unmatched.values()].flat();
  const differences: RowDifference[] = [];
  for (const row of left) {
    const match = right.findIndex((other) => differingColumns(shape, row, other).length === 0);
    if (match >= 0) right.splice(match, 1);
    else differences.push({ kind: 'missing', key: row.map((cell) => cell ?? 'NULL') });
  }
  for (const row of right) differences.push({ kind: 'extra', key: row.map((cell) => cell ?? 'NULL') });
  return differences;
}
