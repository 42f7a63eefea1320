import { visibleIn, type SnapshotXids } from '@cdc/postgres-source';

/** The 32-bit xids of the last `capacity` transactions the stream delivered (see readKeyChunkConsistent). */
export class RecentCommits {
  private readonly ring: number[];
  private readonly members = new Map<number, number>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<number>(capacity);
  }

  add(xid: number): void {
    const evicted = this.ring[this.next];
    if (evicted !== undefined) {
      const count = (this.members.get(evicted) ?? 1) - 1;
      if (count === 0) this.members.delete(evicted);
      else this.members.set(evicted, count);
    }
    this.ring[this.next] = xid;
    this.members.set(xid, (this.members.get(xid) ?? 0) + 1);
    this.next = (this.next + 1) % this.capacity;
  }

  /** The delivered transactions the snapshot cannot see yet. */
  invisibleIn(snapshot: SnapshotXids): number[] {
    const invisible: number[] = [];
    for (const xid of this.members.keys()) if (!visibleIn(snapshot, xid)) invisible.push(xid);
    return invisible;
  }
}
