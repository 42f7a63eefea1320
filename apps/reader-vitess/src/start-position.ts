import type { VitessSourceConfig } from '@cdc/config';
import type { ProgressStore } from '@cdc/progress';
import type { Logger } from '@cdc/service-runtime';
import { decodeVgtid, formatVgtid, readStartPosition, type binlogdata } from '@cdc/vitess-source';

/** The committed VGtid; else the recorded start (the first start's, or `cdc start-at`'s); else a new copy or "current" start. */
export async function startPosition(
  source: VitessSourceConfig,
  progress: ProgressStore,
  log: Logger,
): Promise<binlogdata.IVGtid> {
  const committed = await progress.readCommitted(source.name);
  if (committed?.position.token?.length) {
    const vgtid = decodeVgtid(committed.position.token);
    log.info({ vgtid: formatVgtid(vgtid) }, 'resuming from the committed VGtid');
    return vgtid;
  }
  const recorded = await readStartPosition(progress, source.name);
  if (recorded) {
    const { vgtid } = recorded;
    log.info(
      { vgtid: formatVgtid(vgtid) },
      'nothing committed yet: starting from the recorded start position (the first start, or cdc start-at)',
    );
    return vgtid;
  }
  const gtid = source.start === 'copy' ? '' : 'current';
  log.info(
    { start: source.start, shards: source.shards.length > 0 ? source.shards : 'all' },
    source.start === 'copy' ? 'first start: copying the tables, then streaming' : 'first start: streaming from now',
  );
  return {
    shardGtids:
      source.shards.length > 0
        ? source.shards.map((shard) => ({ keyspace: source.keyspace, shard, gtid }))
        : [{ keyspace: source.keyspace, gtid }],
  };
}
