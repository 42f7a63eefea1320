import { RowTextWriter, fieldEnds, isUnchangedField, type ChangeOp } from '@cdc/change-envelope';
import type { RowRef } from './fold';

// A row of COPY text as its fields, for the planner (fold.ts): keys read and compared without
// copying, rows merged and re-keyed field by field, so a row written as it came stays the same bytes.

/** A row split into fields: field i is bytes[start(i), ends[i]). */
export class Fields {
  readonly ends: number[];

  constructor(readonly bytes: Uint8Array) {
    this.ends = fieldEnds(bytes);
  }

  get count(): number {
    return this.ends.length;
  }

  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1] + 1;
  }

  unchanged(i: number): boolean {
    return isUnchangedField(this.bytes, this.start(i), this.ends[i]);
  }

  /** Whether none of the fields at `indexes` is unchanged. */
  has(indexes: readonly number[]): boolean {
    for (let k = 0; k < indexes.length; k += 1) if (this.unchanged(indexes[k])) return false;
    return true;
  }

  /** The fields at `indexes`, tab-separated (a key's text). */
  pick(indexes: readonly number[]): Uint8Array {
    if (indexes.length === 1) return this.bytes.subarray(this.start(indexes[0]), this.ends[indexes[0]]);
    const out = new RowTextWriter(64);
    for (let k = 0; k < indexes.length; k += 1) {
      if (k > 0) out.byte(9);
      out.raw(this.bytes, this.start(indexes[k]), this.ends[indexes[k]]);
    }
    return out.copy();
  }

  /**
   * The identity of the key at `indexes`: the fields' text, exact (fields are escaped, so the
   * tab between them is unambiguous), read without copying them.
   */
  id(indexes: readonly number[]): string {
    let id = latin1(this.bytes, this.start(indexes[0]), this.ends[indexes[0]]);
    for (let k = 1; k < indexes.length; k += 1)
      id += '\t' + latin1(this.bytes, this.start(indexes[k]), this.ends[indexes[k]]);
    return id;
  }

  asRef(op: ChangeOp): RowRef {
    return { text: this.bytes, op, ends: this.ends };
  }
}

const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(bytes, start, end);
}

/** `base` with the fields of `top` that are not unchanged. */
export function merge(base: Fields, top: Fields): Fields {
  const out = new RowTextWriter(base.bytes.length + top.bytes.length);
  for (let i = 0; i < base.count; i += 1) {
    if (i > 0) out.byte(9);
    const from = top.unchanged(i) ? base : top;
    out.raw(from.bytes, from.start(i), from.ends[i]);
  }
  return new Fields(out.copy());
}

/** `row` with the key fields (at keyIndexes) replaced by `key`'s (key order). */
export function withKey(row: Fields, keyIndexes: readonly number[], key: Fields): Fields {
  if (row.has(keyIndexes) && row.id(keyIndexes) === key.id(keyIndexes.map((_, k) => k))) return row;
  const out = new RowTextWriter(row.bytes.length + key.bytes.length);
  for (let i = 0; i < row.count; i += 1) {
    if (i > 0) out.byte(9);
    const k = keyIndexes.indexOf(i);
    if (k >= 0) out.raw(key.bytes, key.start(k), key.ends[k]);
    else out.raw(row.bytes, row.start(i), row.ends[i]);
  }
  return new Fields(out.copy());
}

export function isFull(row: Fields): boolean {
  for (let i = 0; i < row.count; i += 1) if (row.unchanged(i)) return false;
  return true;
}
