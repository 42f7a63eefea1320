import { formatVgtid } from './gtid';
import type { binlogdata } from './generated/vitess';
import { VStreamClient } from './vstream-client';

/** How long vtgate may take to name every shard's current position. */
const CURRENT_POSITION_TIMEOUT_MS = 30_000;

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
