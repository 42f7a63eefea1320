import type { ProgressStore, ShardState } from '@cdc/progress';
import { metrics } from '@cdc/telemetry';
import type { binlogdata } from '@cdc/vitess-source';

/** Reshards kept in the record (oldest dropped first): enough to see the last few. */
const RESHARDS_KEPT = 10;

/**
 * What the reader knows about its shards, for operators following a reshard: the shards it
 * streams, the source time of the last event it read from each (a busy shard's events are as old
 * as the reader is behind on it; an idle shard sends heartbeats), and the reshards it has passed.
 * Written to KV (`shards.<source>`, read by `cdc status`) and to the metric
 * cdc_vitess_shard_lag_seconds by `report()`, which the reader calls every few seconds.
 */
export class ShardActivity {
  /** shard -> source time (ms) of the last event read from it */
  private readonly lastEventMs = new Map<string, number>();
  private shards: readonly string[] = [];
  private reshards: Array<ShardState['reshards'][number]> = [];
  private reported = new Set<string>();

  constructor(
    private readonly source: string,
    private readonly keyspace: string,
  ) {}

  /** Carries over the reshards an earlier run of the reader recorded. */
  restore(previous: ShardState | undefined): void {
    if (previous?.keyspace === this.keyspace) this.reshards = [...previous.reshards].slice(-RESHARDS_KEPT);
  }

  /** The shards the resumable VGtid names now. */
  streaming(vgtid: binlogdata.IVGtid): void {
    this.shards = (vgtid.shardGtids ?? []).flatMap((shard) => (shard.shard ? [shard.shard] : [])).sort();
    for (const shard of [...this.lastEventMs.keys()]) if (!this.shards.includes(shard)) this.lastEventMs.delete(shard);
  }

  /** A reshard passed: the stream moved from one shard set to another. */
  passed(from: string, to: string, now = new Date()): void {
    this.reshards.push({ from, to, at: now.toISOString() });
    if (this.reshards.length > RESHARDS_KEPT) this.reshards.splice(0, this.reshards.length - RESHARDS_KEPT);
  }

  /** Events of one VStream response: the newest timestamp per shard (VEvent.timestamp is in seconds). */
  seen(events: readonly binlogdata.IVEvent[]): void {
    for (let i = events.length - 1; i >= 0; i -= 1) {
      const event = events[i];
      if (!event.shard) continue;
      const seconds = timestampSeconds(event.timestamp);
      if (seconds <= 0) continue;
      const ms = seconds * 1000;
      if ((this.lastEventMs.get(event.shard) ?? 0) < ms) this.lastEventMs.set(event.shard, ms);
    }
  }

  state(now = new Date()): ShardState {
    return {
      keyspace: this.keyspace,
      at: now.toISOString(),
      shards: this.shards.map((shard) => {
        const last = this.lastEventMs.get(shard);
        return { shard, lastEventAt: last === undefined ? null : new Date(last).toISOString() };
      }),
      reshards: this.reshards,
    };
  }

  /** Sets the lag gauges (shards no longer streamed lose theirs) and writes the KV record. */
  async report(progress: ProgressStore, now = new Date()): Promise<void> {
    const current = new Set<string>();
    for (const shard of this.shards) {
      const last = this.lastEventMs.get(shard);
      if (last === undefined) continue;
      current.add(shard);
      metrics.vitessShardLagSeconds.set({ source: this.source, shard }, Math.max(0, (now.getTime() - last) / 1000));
    }
    for (const shard of this.reported)
      if (!current.has(shard)) metrics.vitessShardLagSeconds.remove({ source: this.source, shard });
    this.reported = current;
    await progress.writeShardState(this.source, this.state(now));
  }
}

/** VEvent.timestamp: a number from our ROW reader, a Long from protobufjs for the other events. */
function timestampSeconds(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function')
    return (value as { toNumber(): number }).toNumber();
  return 0;
}
