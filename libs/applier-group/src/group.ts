import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';
import { jetStreamAvailability, kvKeys, openBucket, type Replication } from '@cdc/change-stream';
import { describeError, type Logger } from '@cdc/service-runtime';

export const MEMBERS_BUCKET = 'cdc_members';

export interface GroupOptions {
  /** How often this instance refreshes its entry. */
  readonly heartbeatMs: number;
  /** An instance whose entry is older than this is gone (kill -9, lost network). */
  readonly ttlMs: number;
  readonly log: Logger;
  /** Copies of the members bucket (`nats.replicas`); one when absent. */
  readonly replication?: Replication;
}

/** What an instance says about itself in the members bucket. */
export interface MemberEntry {
  readonly id: string;
  readonly destination: string;
  readonly heartbeatAtMs: number;
  /** "source/partition" keys it applies right now. */
  readonly owned: readonly string[];
}

/** A unique, readable instance id: the pod name in Kubernetes (HOSTNAME), pid and a random suffix. */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * The appliers of one destination as a group, kept in a JetStream KV bucket: each instance
 * puts `member.<destination>.<id>` every heartbeat; the bucket's max age drops entries of
 * instances that stopped heartbeating, and readers also ignore entries older than the TTL.
 * A clean stop deletes the entry at once, so the others take over without waiting.
 */
export class ApplierGroup {
  private timer: NodeJS.Timeout | undefined;
  private live: string[] = [];
  private owned: readonly string[] = [];
  private listeners: Array<(members: readonly string[]) => void> = [];
  private leaseLostListeners: Array<(partitionKey: string) => void> = [];
  private left = false;
  /** Partition leases this instance holds: key -> KV revision of its last refresh. */
  private readonly leases = new Map<string, number>();
  /** When a heartbeat last went through. */
  private lastBeatAtMs = Date.now();
  /**
   * Until then, nobody counts as gone and no lease as stale: set to ttlMs after a heartbeat that
   * went through more than ttlMs after the one before it (NATS was away). While NATS was away no
   * instance could refresh its entry, so the entries' age says nothing about who is alive.
   * Without it, every NATS outage longer than ttlMs moved every partition twice (all of them to
   * whoever beat first, then back), with two owners for a moment each time.
   */
  private graceUntilMs = 0;

  private constructor(
    private readonly kv: KV,
    readonly destination: string,
    readonly id: string,
    private readonly options: GroupOptions,
  ) {}

  static async join(nc: NatsConnection, destination: string, id: string, options: GroupOptions): Promise<ApplierGroup> {
    const kv = await openBucket(nc, MEMBERS_BUCKET, { history: 1, ttl: options.ttlMs * 2 }, options.replication);
    const group = new ApplierGroup(kv, destination, id, options);
    await group.beat();
    group.timer = setInterval(() => void group.beat(), options.heartbeatMs);
    return group;
  }

  /** Live member ids (this one included), sorted. */
  get members(): readonly string[] {
    return this.live;
  }

  onChange(listener: (members: readonly string[]) => void): void {
    this.listeners.push(listener);
  }

  /** A lease was taken over by another instance (this one was silent longer than the TTL): stop that partition. */
  onLeaseLost(listener: (partitionKey: string) => void): void {
    this.leaseLostListeners.push(listener);
  }

  /** What this instance applies now (for `cdc status` and tests); published at once. */
  setOwned(owned: readonly string[]): void {
    this.owned = [...owned].sort();
    void this.beat(); // published now, not a heartbeat later
  }

  /**
   * Takes the lease of a partition ("source/partition"), so that only one instance consumes it
   * at a time: the previous owner releases it after its in-flight batch is committed and acked
   * and its consumer is closed, or its lease goes stale `ttlMs` after its last refresh (kill -9).
   * Resolves false when `stillWanted()` turns false or the signal aborts while waiting.
   */
  async acquire(partitionKey: string, stillWanted: () => boolean, signal: AbortSignal): Promise<boolean> {
    const key = this.leaseKey(partitionKey);
    while (!signal.aborted && !this.left && stillWanted()) {
      try {
        const current = await this.kv.get(key);
        const held = current && current.operation === 'PUT' && current.length > 0 ? current : undefined;
        if (held === undefined) {
          // Just after an outage a lease may be missing because the bucket's max age removed it
          // while NATS was away: its holder creates it again with its next heartbeat.
          if (!this.inGrace()) {
            this.leases.set(partitionKey, await this.kv.create(key, this.id));
            return true;
          }
        } else {
          const holder = held.string();
          const stale = Date.now() - held.created.getTime() > this.options.ttlMs && !this.inGrace();
          if (holder === this.id || stale) {
            this.leases.set(partitionKey, await this.kv.update(key, this.id, held.revision));
            if (holder !== this.id)
              this.options.log.info({ partition: partitionKey, from: holder }, 'took over a stale partition lease');
            return true;
          }
        }
      } catch {
        // lost a race for the key (create/update conflict): look again
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200, this.options.heartbeatMs)));
    }
    return false;
  }

  /** Gives a partition's lease back (after its loop ended and its consumer closed). */
  async release(partitionKey: string): Promise<void> {
    await this.beating; // not while a refresh of this lease is in flight
    const revision = this.leases.get(partitionKey);
    this.leases.delete(partitionKey);
    if (revision === undefined) return;
    await this.kv.delete(this.leaseKey(partitionKey), { previousSeq: revision }).catch(() => undefined);
  }

  async leave(): Promise<void> {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.leases.keys()].map((key) => this.release(key)));
    await this.kv.delete(this.key(this.id)).catch(() => undefined);
  }

  private inGrace(): boolean {
    return Date.now() < this.graceUntilMs;
  }

  /**
   * Refreshes a held lease (compare-and-set on its revision). A lease whose entry is gone (the
   * bucket's max age removed it while NATS was away longer than it) was taken by nobody: it is
   * created again, unless another instance created it first. Throws when the lease is lost.
   */
  private async refreshLease(partitionKey: string, revision: number): Promise<number> {
    const key = this.leaseKey(partitionKey);
    try {
      return await this.kv.update(key, this.id, revision);
    } catch (error) {
      const current = await this.kv.get(key);
      if (current && current.operation === 'PUT' && current.length > 0) throw error;
      return await this.kv.create(key, this.id);
    }
  }

  private leaseKey(partitionKey: string): string {
    return `lease.${this.destination}.${partitionKey.replace('/', '.')}`;
  }

  private key(id: string): string {
    return `member.${this.destination}.${id}`;
  }

  private beating: Promise<void> = Promise.resolve();

  /** One heartbeat at a time: lease refreshes compare-and-set on the revision of the previous one. */
  private beat(): Promise<void> {
    this.beating = this.beating.then(() => this.beatOnce());
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    if (this.left) return;
    try {
      const entry: MemberEntry = {
        id: this.id,
        destination: this.destination,
        heartbeatAtMs: Date.now(),
        owned: this.owned,
      };
      await this.kv.put(this.key(this.id), JSON.stringify(entry));
      jetStreamAvailability.succeeded();
      const now = Date.now();
      if (now - this.lastBeatAtMs > this.options.ttlMs) this.graceUntilMs = now + this.options.ttlMs;
      this.lastBeatAtMs = now;
      for (const [partitionKey, revision] of [...this.leases]) {
        try {
          this.leases.set(partitionKey, await this.refreshLease(partitionKey, revision));
        } catch (error) {
          // Someone took it over (this instance was silent longer than the TTL): stop claiming it.
          this.options.log.warn({ partition: partitionKey, err: describeError(error) }, 'partition lease lost');
          this.leases.delete(partitionKey);
          for (const listener of this.leaseLostListeners) listener(partitionKey);
        }
      }
      const members = (await readMembers(this.kv, this.destination, this.options.ttlMs)).map((m) => m.id);
      if (!members.includes(this.id)) members.push(this.id);
      // Just back from an outage: the others' entries are old because NATS was away, not them.
      if (this.inGrace()) for (const id of this.live) if (!members.includes(id)) members.push(id);
      members.sort();
      if (members.join('\n') !== this.live.join('\n')) {
        this.live = members;
        for (const listener of this.listeners) listener(members);
      }
    } catch (error) {
      // Keep the last known members: a short NATS outage must not make every instance drop its partitions.
      jetStreamAvailability.failed('applier group heartbeat', error);
      this.options.log.warn({ err: describeError(error) }, 'group heartbeat failed');
    }
  }
}

/** The live members of a destination's group (heartbeat within `ttlMs`). */
export async function readMembers(kv: KV, destination: string, ttlMs: number): Promise<MemberEntry[]> {
  const now = Date.now();
  const members: MemberEntry[] = [];
  for (const key of await kvKeys(kv, `member.${destination}.*`)) {
    const entry = await kv.get(key);
    if (!entry || entry.operation !== 'PUT' || entry.length === 0) continue;
    const member = entry.json<MemberEntry>();
    if (now - member.heartbeatAtMs <= ttlMs) members.push(member);
  }
  return members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Opens the members bucket for readers (`cdc status`), without joining. */
export async function openMembers(nc: NatsConnection): Promise<KV> {
  return new Kvm(nc).open(MEMBERS_BUCKET);
}
