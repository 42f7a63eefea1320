import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';
import { describeError, type Logger } from '@cdc/service-runtime';

export const MEMBERS_BUCKET = 'cdc_members';

export interface GroupOptions {
  /** How often this instance refreshes its entry. */
  readonly heartbeatMs: number;
  /** An instance whose entry is older than this is gone (kill -9, lost network). */
  readonly ttlMs: number;
  readonly log: Logger;
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
  private left = false;

  private constructor(
    private readonly kv: KV,
    readonly destination: string,
    readonly id: string,
    private readonly options: GroupOptions,
  ) {}

  static async join(nc: NatsConnection, destination: string, id: string, options: GroupOptions): Promise<ApplierGroup> {
    const kv = await new Kvm(nc).create(MEMBERS_BUCKET, { history: 1, ttl: options.ttlMs * 2 });
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

  /** Published with the next heartbeat: what this instance applies now (for `cdc status` and tests). */
  setOwned(owned: readonly string[]): void {
    this.owned = [...owned].sort();
  }

  async leave(): Promise<void> {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
    await this.kv.delete(this.key(this.id)).catch(() => undefined);
  }

  private key(id: string): string {
    return `member.${this.destination}.${id}`;
  }

  private async beat(): Promise<void> {
    if (this.left) return;
    try {
      const entry: MemberEntry = {
        id: this.id,
        destination: this.destination,
        heartbeatAtMs: Date.now(),
        owned: this.owned,
      };
      await this.kv.put(this.key(this.id), JSON.stringify(entry));
      const members = (await readMembers(this.kv, this.destination, this.options.ttlMs)).map((m) => m.id);
      if (!members.includes(this.id)) members.push(this.id);
      members.sort();
      if (members.join('\n') !== this.live.join('\n')) {
        this.live = members;
        for (const listener of this.listeners) listener(members);
      }
    } catch (error) {
      // Keep the last known members: a short NATS outage must not make every instance drop its partitions.
      this.options.log.warn({ err: describeError(error) }, 'group heartbeat failed');
    }
  }
}

/** The live members of a destination's group (heartbeat within `ttlMs`). */
export async function readMembers(kv: KV, destination: string, ttlMs: number): Promise<MemberEntry[]> {
  const now = Date.now();
  const members: MemberEntry[] = [];
  for await (const key of await kv.keys(`member.${destination}.*`)) {
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
