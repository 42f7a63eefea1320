import type { VitessSourceConfig } from '@cdc/config';
import type { ProgressStore } from '@cdc/progress';
import { decodeVgtid, encodeVgtid, formatVgtid } from './gtid';
import type { binlogdata } from './generated/vitess';

/**
 * Where the first start (no committed VGtid yet) begins or began streaming (KV
 * `snapshot.<source>`): recorded by the reader once the first position is known, so a crash
 * before the first commit resumes there, or beforehand by `cdc start-at`.
 */
export interface StartState {
  readonly vgtid: string; // base64 of the VGtid's protobuf encoding
  /** Who recorded it (absent in records written before this field existed). */
  readonly recordedBy?: StartRecorder;
}

/** Who recorded a start: `cdc start-at`, or the reader at its first start (null: before the field existed). */
export type StartRecorder = 'start-at' | 'reader';

/** A recorded start, decoded. */
export interface RecordedStartPosition {
  readonly vgtid: binlogdata.IVGtid;
  readonly recordedBy: StartRecorder | null;
}

/** A recorded start as `cdc status` shows it, for a source with nothing committed yet. */
export interface RecordedStart {
  readonly vgtid: string;
  readonly recordedBy: StartRecorder | null;
}

/** The KV record of a start position: the VGtid's protobuf encoding (as `encodeVgtid` gives it), in base64. */
export function encodeStartState(token: Uint8Array, recordedBy: StartRecorder): StartState {
  return { vgtid: Buffer.from(token).toString('base64'), recordedBy };
}

/** The start position a KV record holds, or undefined when there is none (no record, or an empty VGtid). */
export function decodeStartState(state: StartState | undefined): RecordedStartPosition | undefined {
  if (!state?.vgtid) return undefined;
  return { vgtid: decodeVgtid(Buffer.from(state.vgtid, 'base64')), recordedBy: state.recordedBy ?? null };
}

/** The recorded start of a Vitess source (KV `snapshot.<source>`), decoded; undefined when none is recorded. */
export async function readStartPosition(
  progress: ProgressStore,
  source: string,
): Promise<RecordedStartPosition | undefined> {
  return decodeStartState(await progress.readSnapshotState<StartState>(source));
}

/** The recorded start of a Vitess source (KV `snapshot.<source>`) as `cdc status` shows it, or null when none is recorded. */
export async function readRecordedStart(progress: ProgressStore, source: string): Promise<RecordedStart | null> {
  const start = await readStartPosition(progress, source);
  return start ? { vgtid: formatVgtid(start.vgtid), recordedBy: start.recordedBy } : null;
}

/** `cdc start-at` refused: the source has already started, or the position is not of its keyspace. */
export class StartPositionError extends Error {
  override name = 'StartPositionError';
}

/**
 * `cdc start-at`: the position a new Vitess source's first start streams from, instead of a
 * copy or "current". For a MoveTables hand-over (apps/reader-vitess/README.md, "MoveTables"):
 * the target keyspace's shards at the switch, as the workflow's journal records them, so the new
 * source streams exactly the writes made after the switch. Refused once the source has a
 * committed position or a recorded start: that would skip or repeat what it has published.
 */
export async function recordStartPosition(
  progress: ProgressStore,
  source: VitessSourceConfig,
  vgtid: binlogdata.IVGtid,
): Promise<string> {
  const foreign = (vgtid.shardGtids ?? []).filter((shard) => shard.keyspace !== source.keyspace);
  if (foreign.length > 0)
    throw new StartPositionError(
      `source ${source.name} reads keyspace ${source.keyspace}; the position names ${formatVgtid({ shardGtids: foreign })}`,
    );
  const committed = await progress.readCommitted(source.name);
  if (committed !== undefined)
    throw new StartPositionError(
      `source ${source.name} already has a committed position: its reader resumes from there; start-at is for a source that has never run (use a new source name)`,
    );
  const started = await readStartPosition(progress, source.name);
  if (started)
    throw new StartPositionError(
      `source ${source.name} has already started at ${formatVgtid(started.vgtid)}; start-at is for a source that has never run (use a new source name)`,
    );
  await progress.writeSnapshotState(source.name, encodeStartState(encodeVgtid(vgtid), 'start-at'));
  return `source ${source.name}: its reader's first start streams from ${formatVgtid(vgtid)}`;
}
