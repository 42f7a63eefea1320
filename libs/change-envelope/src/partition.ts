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
