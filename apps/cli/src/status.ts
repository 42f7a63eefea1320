import { jetstreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { consumerName, connectToNats } from '@cdc/change-stream';
import { streamName } from '@cdc/change-envelope';
import type { Position } from '@cdc/change-envelope';
import {
  destinationsOfSource,
  redactUrl,
  type PipelineConfig,
  type PostgresSourceConfig,
  type SourceConfig,
} from '@cdc/config';
import { formatLsn } from '@cdc/postgres-source';
import { decodeVgtid, formatVgtid } from '@cdc/vitess-source';
import { ProgressStore } from '@cdc/progress';
import { openMembers, readMembers } from '@cdc/applier-group';
import type { NatsConnection } from '@nats-io/nats-core';
import { describeError } from '@cdc/service-runtime';

export interface PartitionStatus {
  destination: string;
  partition: number;
  pendingMessages: number | null;
  unackedMessages: number | null;
  lastAppliedWatermark: number | null;
  lastAppliedPosition: string | null;
  lastAppliedAt: string | null;
  /** The applier instance that holds the partition now (from the group's members bucket). */
  owner: string | null;
}

export interface SourceStatus {
  source: string;
  type: SourceConfig['type'];
  committedSeq: number | null;
  committedPosition: string | null;
  slot: { name: string; active: boolean; confirmedFlush: string | null; lagBytes: string | null } | null;
  sourceError?: string;
  partitions: PartitionStatus[];
}

/** The replication slot's state at the source; a failure is shown, not thrown. */
async function readSlot(source: PostgresSourceConfig, status: SourceStatus): Promise<void> {
  const client = new Client({ connectionString: source.url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const slot = await client.query<{ active: boolean; confirmed: string | null; lag: string | null }>(
      `SELECT active, confirmed_flush_lsn::text AS confirmed, (pg_current_wal_lsn() - confirmed_flush_lsn)::text AS lag
         FROM pg_replication_slots WHERE slot_name = $1`,
      [source.slot],
    );
    const row = slot.rows[0];
    status.slot = row
      ? { name: source.slot, active: row.active, confirmedFlush: row.confirmed, lagBytes: row.lag }
      : null;
  } catch (error) {
    status.sourceError = `${redactUrl(source.url)}: ${describeError(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A position as its source spells it: an LSN for Postgres, the VGtid per shard for Vitess. */
function formatPosition(source: SourceConfig, position: Position): string {
  if (source.type === 'vitess') {
    if (!position.token?.length) return 'none yet';
    try {
      return formatVgtid(decodeVgtid(position.token));
    } catch {
      return `(undecodable VGtid, ${position.token.length} bytes)`;
    }
  }
  return formatLsn(position.commit);
}

/** Which applier instance holds each partition: "destination\0source/partition" -> instance id. */
async function readOwners(nc: NatsConnection, config: PipelineConfig): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  try {
    const kv = await openMembers(nc);
    for (const destination of config.destinations) {
      for (const member of await readMembers(kv, destination.name, destination.membership.ttlMs)) {
        for (const key of member.owned) owners.set(`${destination.name}\u0000${key}`, member.id);
      }
    }
  } catch {
    // no applier has run yet: no bucket
  }
  return owners;
}

/** Gathers what `cdc status` shows; every part degrades to an error note instead of failing the command. */
export async function collectStatus(config: PipelineConfig): Promise<SourceStatus[]> {
  const nc = await connectToNats({ ...config.nats, name: 'cdc-status' });
  try {
    const jsm = await jetstreamManager(nc);
    const progress = await ProgressStore.open(nc);
    const owners = await readOwners(nc, config);
    const result: SourceStatus[] = [];
    for (const source of config.sources) {
      const committed = await progress.readCommitted(source.name);
      const entries = await progress.readProgress(source.name);
      const status: SourceStatus = {
        source: source.name,
        type: source.type,
        committedSeq: committed?.seq ?? null,
        committedPosition: committed ? formatPosition(source, committed.position) : null,
        slot: null,
        partitions: [],
      };
      if (source.type === 'postgres') await readSlot(source, status);
      for (const destination of destinationsOfSource(config, source.name)) {
        for (let partition = 0; partition < source.partitions; partition += 1) {
          const entry = entries.find((e) => e.destination === destination.name && e.partition === partition);
          let pending: number | null = null;
          let unacked: number | null = null;
          try {
            const info = await jsm.consumers.info(streamName(source.name), consumerName(destination.name, partition));
            pending = info.num_pending;
            unacked = info.num_ack_pending;
          } catch {
            // consumer not created yet: shown as unknown
          }
          status.partitions.push({
            destination: destination.name,
            partition,
            pendingMessages: pending,
            unackedMessages: unacked,
            lastAppliedWatermark: entry?.seq ?? null,
            lastAppliedPosition: entry ? formatPosition(source, entry.position) : null,
            lastAppliedAt: entry ? new Date(entry.appliedAtMs).toISOString() : null,
            owner: owners.get(`${destination.name}\u0000${source.name}/${partition}`) ?? null,
          });
        }
      }
      result.push(status);
    }
    return result;
  } finally {
    await nc.close();
  }
}

function slotLine(status: SourceStatus): string {
  if (status.sourceError) return `  slot: unknown (${status.sourceError})`;
  if (!status.slot) return '  slot: not created yet';
  const { name, active, confirmedFlush, lagBytes } = status.slot;
  return `  slot ${name}: ${active ? 'active' : 'inactive'}, confirmed_flush ${confirmedFlush ?? '-'}, lag ${lagBytes ?? '-'} bytes`;
}

export function renderStatus(statuses: readonly SourceStatus[]): string {
  const lines: string[] = [];
  for (const status of statuses) {
    lines.push(`source ${status.source}`);
    lines.push(
      `  committed: ${status.committedPosition ?? 'none yet'}${status.committedSeq !== null ? ` (watermark ${status.committedSeq})` : ''}`,
    );
    // A Vitess source has no state of its own at the source: the committed VGtid above is all.
    if (status.type === 'postgres') lines.push(slotLine(status));
    lines.push(
      '  destination      partition  pending  unacked  owner                         last applied (watermark, position, at)',
    );
    for (const p of status.partitions) {
      lines.push(
        `  ${p.destination.padEnd(16)} ${String(p.partition).padStart(9)}  ${String(p.pendingMessages ?? '?').padStart(7)}  ${String(p.unackedMessages ?? '?').padStart(7)}  ${(p.owner ?? '-').padEnd(28)}  ` +
          (p.lastAppliedWatermark === null
            ? '-'
            : `${p.lastAppliedWatermark}, ${p.lastAppliedPosition}, ${p.lastAppliedAt}`),
      );
    }
  }
  return lines.join('\n');
}
