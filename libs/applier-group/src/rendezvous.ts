import { createHash } from 'node:crypto';

/**
 * Rendezvous (highest random weight) hashing: the owner of a key is the member with the
 * highest hash of (member, key). Every instance computes the same owner from the same member
 * list, and adding or removing one member moves only the keys it wins or held.
 */
export function rendezvousOwner(members: readonly string[], key: string): string | undefined {
  let best: string | undefined;
  let bestWeight = -1n;
  for (const member of members) {
    const digest = createHash('sha256').update(member).update('\u0000').update(key).digest();
    const weight = digest.readBigUInt64BE(0);
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && member < best)) {
      best = member;
      bestWeight = weight;
    }
  }
  return best;
}

/** The keys `member` owns among `keys` for the given live members. */
export function ownedBy(member: string, members: readonly string[], keys: readonly string[]): string[] {
  return keys.filter((key) => rendezvousOwner(members, key) === member);
}
