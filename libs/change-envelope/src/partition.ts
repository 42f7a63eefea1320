import type { Value } from './value';

/**
 * The partition function is part of the wire contract: every reader and applier must
 * agree on it, so it is specified exactly (FNV-1a, 32-bit, over the UTF-8 bytes of
 * lowercase "<schema>.<table>") and pinned by fixed test vectors.
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function partitionOf(schema: string, table: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  }
  return fnv1a32(`${schema}.${table}`.toLowerCase()) % partitions;
}

/**
 * The partition of one row of a table partitioned by key: FNV-1a over lowercase
 * "<schema>.<table>", a NUL, then each key value's text (below) followed by a NUL. Only the
 * value's text counts, not its kind, so a snapshot row and a streamed change of the same row
 * land in the same partition even where the two paths label a value differently.
 */
export function partitionOfKey(schema: string, table: string, key: readonly Value[], partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partition count must be a positive integer, got ${partitions}`);
  }
  let text = `${schema}.${table}`.toLowerCase() + '\u0000';
  for (const value of key) text += keyValueText(value) + '\u0000';
  return fnv1a32(text) % partitions;
}

function keyValueText(value: Value): string {
  switch (value.kind) {
    case 'null':
      return '\u0001null';
    case 'unchanged':
      return '\u0001unchanged';
    case 'boolean':
      return value.value ? 't' : 'f';
    case 'float':
      return String(value.value);
    case 'bytes':
      return Buffer.from(value.value.buffer, value.value.byteOffset, value.value.byteLength).toString('hex');
    case 'array':
      return `{${value.value.map(keyValueText).join(',')}}`;
    default:
      return value.value;
  }
}
