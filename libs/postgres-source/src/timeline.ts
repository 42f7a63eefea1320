import { formatLsn, parseLsn } from './lsn';
import type { ReplicationConnection } from './replication-connection';

/** One line of a timeline history file: `timeline` ended at `switchpoint` (the next one began there). */
export interface TimelineSwitch {
  readonly timeline: number;
  readonly switchpoint: bigint;
}

/**
 * A timeline history file (TIMELINE_HISTORY's content, `0000000N.history`): one line per
 * ancestor timeline, `<timeline>\t<switchpoint LSN>\t<reason>`, oldest first; `#` comments.
 */
export function parseTimelineHistory(content: string): TimelineSwitch[] {
  const switches: TimelineSwitch[] = [];
  for (const line of content.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '' || fields[0].startsWith('#')) continue;
    const timeline = Number(fields[0]);
    if (!Number.isInteger(timeline) || fields[1] === undefined)
      throw new Error(`unreadable timeline history line: ${JSON.stringify(line)}`);
    switches.push({ timeline, switchpoint: parseLsn(fields[1]) });
  }
  return switches;
}

/** The server's timeline history (none on timeline 1, which has no history file). */
export async function readTimelineHistory(
  connection: ReplicationConnection,
  timeline: number,
): Promise<TimelineSwitch[]> {
  if (timeline <= 1) return [];
  // A replication command takes no parameters; the timeline is an integer.
  const [row] = await connection.query(`TIMELINE_HISTORY ${Math.trunc(timeline)}`);
  const content = row?.content;
  return parseTimelineHistory(Buffer.isBuffer(content) ? content.toString('utf8') : String(content ?? ''));
}

/** What the destinations hold, against the server the reader is about to stream from. */
export type TimelineCheck =
  /** Same timeline as the positions the destinations hold, or they are all before the fork. */
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Where the server's history left the timeline the destinations' positions are on; absent: it never had it. */
      readonly switchpoint?: bigint;
    };

/**
 * The rule for a server on another timeline than the one the reader last streamed from (a
 * promoted standby, or a server that followed one): the WAL both share ends at the switch point
 * where the server's history left that timeline. Positions the destinations hold past it are
 * transactions the server never had (an asynchronous standby that had not received them), and
 * the appliers would skip the server's own transactions up to them: streaming on would diverge.
 * Positions are the pipeline's (a transaction's commit end, a keepalive's WAL end), so a
 * position equal to the switch point is still shared. A server on an older timeline, or whose
 * history does not hold it, is a different history altogether.
 */
export function checkTimeline(options: {
  /** The timeline the destinations' positions are on. */
  readonly known: number;
  /** The server's timeline now (IDENTIFY_SYSTEM). */
  readonly server: number;
  /** The server's timeline history. */
  readonly history: readonly TimelineSwitch[];
  /** The highest position the destinations hold or will hold (applied, committed, published). */
  readonly applied: bigint | undefined;
}): TimelineCheck {
  if (options.server === options.known) return { ok: true };
  if (options.server < options.known) return { ok: false };
  const left = options.history.find((entry) => entry.timeline === options.known);
  if (left === undefined) return { ok: false };
  if (options.applied === undefined || options.applied <= left.switchpoint) return { ok: true };
  return { ok: false, switchpoint: left.switchpoint };
}

/** The server lacks transactions the destinations applied (checkTimeline): the reader stops. */
export class TimelineDivergedError extends Error {
  constructor(diverged: {
    readonly source: string;
    readonly slot: string;
    readonly server: string;
    readonly known: number;
    readonly timeline: number;
    readonly switchpoint: bigint | undefined;
    readonly applied: bigint | undefined;
    readonly confirmedFlush: bigint | undefined;
  }) {
    const applied = diverged.applied === undefined ? 'the committed position' : formatLsn(diverged.applied);
    const where =
      diverged.switchpoint === undefined
        ? diverged.timeline < diverged.known
          ? `is on timeline ${diverged.timeline}, older than timeline ${diverged.known} the destinations' positions ` +
            'are on (an old primary back, or a restored backup)'
          : `is on timeline ${diverged.timeline}, whose history does not hold timeline ${diverged.known} the ` +
            "destinations' positions are on"
        : `left timeline ${diverged.known} at ${formatLsn(diverged.switchpoint)} (timeline ${diverged.known} -> ` +
          `${diverged.timeline}: a standby promoted before it had received everything), but the destinations ` +
          `have (or are applying) positions up to ${applied}`;
    const slot =
      diverged.confirmedFlush === undefined
        ? ''
        : ` (its slot "${diverged.slot}" confirmed ${formatLsn(diverged.confirmedFlush)})`;
    super(
      `source ${diverged.source}: ${diverged.server}${slot} ${where}: the destinations hold transactions this server ` +
        'does not have, and streaming on would skip its own changes up to that position, so the reader stops. ' +
        'If an up-to-date server can still be brought back, read from it; otherwise take a new initial snapshot: ' +
        `cdc resnapshot --config <file> --source ${diverged.source} --force (the reader's next start copies every ` +
        'table again)',
    );
    this.name = 'TimelineDivergedError';
  }
}

/** Who asks about a server's timeline, and what the destinations hold (verifyTimeline, inspectTimeline). */
export interface TimelineQuestion {
  readonly source: string;
  readonly slot: string;
  /** The server, for the error line (redacted). */
  readonly server: string;
  readonly connection: ReplicationConnection;
  /** The timeline the destinations' positions are on (the reader's record); undefined: not known yet. */
  readonly known: number | undefined;
  /** The highest position the destinations hold or will hold; read only when the timeline changed. */
  readonly applied: () => Promise<bigint | undefined>;
  readonly confirmedFlush: bigint | undefined;
}

/**
 * checkTimeline against a live server, without acting on it: the server's timeline, and the
 * error a reader starting on it now stops with (`diverged`). `cdc status` shows it.
 */
export async function inspectTimeline(
  options: TimelineQuestion,
): Promise<{ readonly timeline: number; readonly diverged?: TimelineDivergedError }> {
  const { timeline } = await options.connection.identifySystem();
  if (options.known === undefined || options.known === timeline) return { timeline };
  const history = await readTimelineHistory(options.connection, timeline);
  const applied = await options.applied();
  const check = checkTimeline({ known: options.known, server: timeline, history, applied });
  if (check.ok) return { timeline };
  return {
    timeline,
    diverged: new TimelineDivergedError({
      source: options.source,
      slot: options.slot,
      server: options.server,
      known: options.known,
      timeline,
      switchpoint: check.switchpoint,
      applied,
      confirmedFlush: options.confirmedFlush,
    }),
  };
}

/**
 * Before streaming from a server (at start and at every reconnect): stops with
 * TimelineDivergedError where checkTimeline says the server lacks what the destinations applied;
 * otherwise records the server's timeline as the one the positions are on from now on
 * (`record`, before anything is streamed from it).
 */
export async function verifyTimeline(
  options: TimelineQuestion & { readonly record: (timeline: number) => Promise<void> },
): Promise<void> {
  const { timeline, diverged } = await inspectTimeline(options);
  if (diverged) throw diverged;
  if (options.known !== timeline) await options.record(timeline);
}
