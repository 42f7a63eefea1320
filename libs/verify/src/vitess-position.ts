import { VStreamClient, decodeVgtid, formatVgtid, gtidOrdinal, laneOf, type binlogdata } from '@cdc/vitess-source';
import type { MysqlDatabase } from './database';
import type { SourcePosition, SourceReader } from './source-position';
import type { SourceTableDescription } from './table-plan';

/** How long vtgate may take to name every shard's current position. */
const CURRENT_POSITION_TIMEOUT_MS = 30_000;

/**
 * Whether a destination partition's applied watermark (its VGtid, as the Vitess reader's
 * watermarks carry it) includes every change of a source read at `read`: on every shard the
 * read names, the applied GTID is at or past the read's (positions compare only within a shard,
 * by gtidOrdinal, as the appliers' per-lane checkpoints do) and the shard's copy phase is over
 * (a shard still copying has not delivered the rows past its last copied key). A shard the
 * applied VGtid does not name (a reshard in between) has not been reached.
 */
export function vgtidReached(read: binlogdata.IVGtid, appliedToken: Uint8Array | undefined): boolean {
  if (!appliedToken?.length) return false;
  const applied = new Map(
    (decodeVgtid(appliedToken).shardGtids ?? []).map((shard) => [
      laneOf(shard.keyspace ?? '', shard.shard ?? ''),
      shard,
    ]),
  );
  return (read.shardGtids ?? []).every((shard) => {
    const reached = applied.get(laneOf(shard.keyspace ?? '', shard.shard ?? ''));
    if (!reached?.gtid || reached.gtid === 'current' || (reached.tablePKs?.length ?? 0) > 0) return false;
    return gtidOrdinal(reached.gtid) >= gtidOrdinal(shard.gtid ?? '');
  });
}

export function vgtidPosition(vgtid: binlogdata.IVGtid): SourcePosition {
  return { label: formatVgtid(vgtid), reachedBy: (applied) => vgtidReached(vgtid, applied.token) };
}

/**
 * The current position of every shard of a keyspace, as vtgate names it: a VStream started at
 * "current" (on the primaries, whose positions include whatever any replica served) reports
 * each shard's GTID in its first VGTID events; the stream is then closed. Its filter matches no
 * table, so no row is streamed.
 */
export class VitessPositions {
  private readonly client: VStreamClient;

  constructor(
    readonly vtgate: string,
    readonly keyspace: string,
  ) {
    this.client = new VStreamClient(vtgate);
  }

  async current(signal?: AbortSignal): Promise<binlogdata.IVGtid> {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), CURRENT_POSITION_TIMEOUT_MS);
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let latest: binlogdata.IVGtid | undefined;
    try {
      for await (const events of this.client.stream(
        {
          tabletType: 'primary',
          vgtid: { shardGtids: [{ keyspace: this.keyspace, gtid: 'current' }] },
          rules: [{ match: '/^$/' }],
          heartbeatIntervalS: 1,
          stopOnReshard: false,
        },
        stop.signal,
      )) {
        for (const event of events) if (event.vgtid) latest = event.vgtid;
        if (latest && resolved(latest)) return latest;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      stop.abort();
    }
    if (signal?.aborted) throw signal.reason ?? new Error('verify stopped');
    throw new Error(
      `keyspace ${this.keyspace}: vtgate ${this.vtgate} did not name the current position of every shard within ` +
        `${CURRENT_POSITION_TIMEOUT_MS / 1000} s (last: ${latest ? formatVgtid(latest) : 'nothing'})`,
    );
  }

  close(): void {
    this.client.close();
  }
}

/** Every shard named, each with a GTID (vtgate first answers "current" for the shards it has not asked yet). */
function resolved(vgtid: binlogdata.IVGtid): boolean {
  const shards = vgtid.shardGtids ?? [];
  return shards.length > 0 && shards.every((shard) => shard.shard && shard.gtid && shard.gtid !== 'current');
}

/**
 * A Vitess source read through vtgate's MySQL port: each statement is one scatter query (every
 * shard's part a consistent read of its own), and the position is every shard's current GTID
 * read AFTER it. A transaction the read saw committed on its shard before that, so the position
 * covers it; the destination may hold later changes too (a row changed in between is
 * rechecked, never reported at once).
 */
export function vitessSourceReader(database: MysqlDatabase, positions: VitessPositions): SourceReader {
  let shards: number | undefined;
  return {
    database,
    async atPosition(read) {
      const value = await read(database);
      const vgtid = await positions.current();
      shards = vgtid.shardGtids?.length ?? shards;
      return { value, position: vgtidPosition(vgtid) };
    },
    async estimateRows(table: SourceTableDescription) {
      shards ??= (await positions.current()).shardGtids?.length ?? 1;
      return (table.estimatedRowsPerShard ?? 0) * shards;
    },
    async close() {
      positions.close();
      await database.close();
    },
  };
}
