import type { VitessSourceConfig } from '@cdc/config';
import { formatVgtid, type VStreamError, type binlogdata } from '@cdc/vitess-source';

// What the reader says and does at a reshard: the journal it passes, the shard set it moves to,
// and the two ways it stops (README.md, "Resharding").

/** The reader stopped because of a reshard and `stop_on_reshard` asks for that. */
export class ReshardStopError extends Error {
  override name = 'ReshardStopError';
}

/**
 * The committed VGtid names a shard vtgate no longer knows: the reshard was completed while the
 * reader was still behind its journal. The changes made on the old shard between that position
 * and the switch are gone from the stream, so retrying cannot help: only a re-copy can.
 */
export class ShardsGoneError extends Error {
  override name = 'ShardsGoneError';
}

/** The VGtid's shards as "keyspace/shard, ...", sorted: compared to see the stream move to other shards. */
export function shardsOf(vgtid: binlogdata.IVGtid): string {
  return (vgtid.shardGtids ?? [])
    .map((shard) => `${shard.keyspace}/${shard.shard}`)
    .sort()
    .join(', ');
}

/** A reshard journal's old shards (its participants) and new shards, for the log line. */
export function journalSeen(
  keyspace: string,
  journal: binlogdata.IJournal,
  lane: string,
): { message: string; fields: { lane: string; oldShards: string; newShards: string } } {
  const names = (shards: binlogdata.IKeyspaceShard[] | binlogdata.IShardGtid[] | null | undefined) =>
    (shards ?? [])
      .map((shard) => `${shard.keyspace}/${shard.shard}`)
      .sort()
      .join(', ');
  const oldShards = names(journal.participants) || lane;
  const newShards = names(journal.shardGtids) || '(unknown)';
  return {
    message: `reshard journal of keyspace ${keyspace} on ${lane}: traffic moved from shards ${oldShards} to ${newShards}`,
    fields: { lane, oldShards, newShards },
  };
}

/** One line: which shard, what happened, what the operator does now. */
export function shardsGone(
  source: VitessSourceConfig,
  missing: { keyspace: string; shard: string },
  vgtid: binlogdata.IVGtid,
  error: VStreamError,
): ShardsGoneError {
  return new ShardsGoneError(
    `source ${source.name}: shard ${missing.keyspace}/${missing.shard} of the position to resume from ` +
      `(${formatVgtid(vgtid)}) no longer exists: a Reshard of keyspace ${missing.keyspace} was completed ` +
      `before this reader had read past its traffic switch, so the changes made on ${shardsOf(vgtid)} up to ` +
      `the switch can no longer be streamed and the destination lacks them. Retrying cannot help: re-copy the ` +
      `keyspace's tables as apps/reader-vitess/README.md describes ("Recovering from a completed reshard") ` +
      `(vtgate: ${error.message})`,
    { cause: error },
  );
}
