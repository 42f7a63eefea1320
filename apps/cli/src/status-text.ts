import type { StandbySlot } from '@cdc/postgres-source';
import type { RecordedStart } from '@cdc/vitess-source';
import type { SourceStatus, VitessShardStatus } from './status';

// `cdc status` as text: the lines a person reads; status.ts collects what they say.

/** The shard lines of a Vitess source: what the reader streams, how far behind per shard, reshards passed. */
function shardLines(vitess: VitessShardStatus): string[] {
  const shards = vitess.shards
    .map(
      ({ shard, behindSeconds }) =>
        `${shard} ${behindSeconds === null ? 'no event yet' : `${behindSeconds.toFixed(1)} s behind`}`,
    )
    .join(', ');
  // A running reader records every 2 s: an older record is a reader that is not streaming.
  const stale =
    vitess.ageSeconds > 30 ? ` — NOT UPDATED for ${Math.round(vitess.ageSeconds)} s: is the reader running?` : '';
  const lines = [
    `  shards of ${vitess.keyspace} (reader, recorded ${ageText(vitess.ageSeconds)}): ${shards || 'none yet'}${stale}`,
  ];
  for (const reshard of vitess.reshards)
    lines.push(`  reshard passed at ${reshard.at}: ${reshard.from} -> ${reshard.to}`);
  return lines;
}

function streamLine(status: SourceStatus): string | undefined {
  const stream = status.streamUsage;
  if (!stream) return undefined;
  const size = stream.maxBytes === null ? `${stream.bytes} bytes` : `${stream.bytes} of ${stream.maxBytes} bytes`;
  const paused = status.readerPaused
    ? `; reader PAUSED since ${status.readerPaused.since}: stream full (${status.readerPaused.reason}), the source keeps the changes`
    : '';
  return `  stream ${stream.name}: ${stream.messages} messages, ${size}, oldest ${ageText(stream.oldestAgeSeconds)}${paused}`;
}

function slotLine(status: SourceStatus): string {
  if (status.sourceError) return `  slot: unknown (${status.sourceError})`;
  if (!status.slot) return '  slot: not created yet';
  const { name, active, confirmedFlush, lagBytes, retainedBytes, maxRetainedBytes, invalidated, problem } = status.slot;
  const held =
    retainedBytes === null || retainedBytes === undefined
      ? ''
      : `, holds ${retainedBytes} bytes of WAL${maxRetainedBytes ? ` (${Math.round((retainedBytes / maxRetainedBytes) * 100)}% of max_slot_wal_keep_size)` : ''}`;
  const state = invalidated ? `INVALIDATED (${invalidated})` : active ? 'active' : 'inactive';
  const line = `  slot ${name}: ${state}, confirmed_flush ${confirmedFlush ?? '-'}, lag ${lagBytes ?? '-'} bytes${held}`;
  return problem ? `${line}\n  ${invalidated ? 'ERROR' : 'WARNING'}: ${problem}` : line;
}

/** Only when there is something to say: another timeline than the destinations', or no answer. */
function timelineLine(status: SourceStatus): string | undefined {
  const timeline = status.timeline;
  if (!timeline) return undefined;
  if (timeline.diverged) return `  timeline ${timeline.server}: ERROR: ${timeline.diverged}`;
  if (timeline.error) return `  timeline: unknown (${timeline.error})`;
  if (timeline.destinations === null || timeline.server === timeline.destinations) return undefined;
  return (
    `  timeline ${timeline.server}: the destinations' positions are on timeline ${timeline.destinations}, ` +
    "all within this server's history: the reader streams on from it"
  );
}

/** What a promotion of this standby would find: the synced slot, or a reader that stops there. */
function standbyLine(standby: StandbySlot): string {
  switch (standby.state) {
    case 'synced':
      return `  standby ${standby.server}: slot synced (confirmed_flush ${standby.confirmedFlush ?? '-'}): a promotion keeps it`;
    case 'temporary':
      return `  standby ${standby.server}: slot being synced, not caught up yet: a promotion now would drop it and stop the reader`;
    case 'missing':
      return `  standby ${standby.server}: WARNING: slot not synced (17+ with sync_replication_slots): a promotion stops the reader (cdc resnapshot)`;
    case 'unknown':
      return `  standby ${standby.server}: unknown (${standby.error ?? 'not asked'})`;
  }
}

export function renderStatus(statuses: readonly SourceStatus[]): string {
  const lines: string[] = [];
  for (const status of statuses) {
    lines.push(`source ${status.source}`);
    lines.push(
      `  committed: ${status.committedPosition ?? 'none yet'}${status.committedSeq !== null ? ` (watermark ${status.committedSeq})` : ''}`,
    );
    if (status.startPosition) lines.push(startLine(status.startPosition));
    if (status.type === 'postgres') {
      lines.push(slotLine(status));
      const timeline = timelineLine(status);
      if (timeline) lines.push(timeline);
      lines.push(...(status.standbys ?? []).map(standbyLine));
    }
    // A Vitess source has no state of its own at the source: the reader's record of its shards stands in.
    if (status.type === 'vitess')
      lines.push(...(status.vitess ? shardLines(status.vitess) : ['  shards: none recorded yet']));
    const stream = streamLine(status);
    if (stream) lines.push(stream);
    lines.push(
      '  destination      partition  pending  unacked  oldest unapplied  owner                         last applied (watermark, position, at)',
    );
    for (const p of status.partitions) {
      lines.push(
        `  ${p.destination.padEnd(16)} ${String(p.partition).padStart(9)}  ${String(p.pendingMessages ?? '?').padStart(7)}  ${String(p.unackedMessages ?? '?').padStart(7)}  ${ageText(p.oldestUnappliedAgeSeconds).padStart(16)}  ${(p.owner ?? '-').padEnd(28)}  ` +
          (p.lastAppliedWatermark === null
            ? '-'
            : `${p.lastAppliedWatermark}, ${p.lastAppliedPosition}, ${p.lastAppliedAt}`),
      );
    }
    for (const applier of status.appliers) {
      lines.push(`  applier ${applier.instance} (${applier.destination}): ${applier.ownedPartitions} partitions`);
    }
  }
  return lines.join('\n');
}

function startLine(start: RecordedStart): string {
  const by =
    start.recordedBy === 'start-at'
      ? 'recorded by cdc start-at'
      : start.recordedBy === 'reader'
        ? "recorded by the reader's first start"
        : 'recorded';
  return `  starts at: ${start.vgtid} (${by}; the reader streams from there until it has committed a position)`;
}

/** "-" when nothing waits, "?" when unknown, else the age of the oldest unapplied op. */
function ageText(seconds: number | null): string {
  if (seconds === null) return '?';
  if (seconds === 0) return '-';
  return seconds < 100 ? `${seconds.toFixed(1)} s ago` : `${Math.round(seconds)} s ago`;
}
