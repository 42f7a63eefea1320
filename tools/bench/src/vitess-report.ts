// Results of the Vitess -> Postgres benchmark (vitess-to-pg.ts): the markdown section and the plot.
import { fmt, runHeaderLines, table, usageSectionLines, type PathResults } from './sections';
import { rowsPerSecondPlot } from './svg';

export type VitessPath =
  'select' | 'raw-vstream' | 'reader-copy' | 'copy' | 'raw-vstream-stream' | 'reader-stream' | 'stream';

export interface VitessPathResult {
  readonly path: VitessPath;
  readonly rows: number;
  /** Undefined when only a rate is known (older results: the reader's copy rate read from its log). */
  readonly seconds?: number;
  readonly rowsPerSecond: number;
  /** The measured step (usage rows) whose CPU these rows cost; absent when the path shares another's step. */
  readonly step?: string;
  /** The reader's copy: where its time starts ("its VStream start", or "its process start" when the log did not say). */
  readonly timedFrom?: string;
}

export type VitessResults = PathResults<VitessPathResult>;

export const VITESS_PLOT = 'vitess-to-pg.svg';

const DESCRIPTIONS: Record<VitessPath, { row: string; bar: string }> = {
  select: { row: 'plain streaming SELECT through vtgate (the baseline)', bar: 'SELECT via vtgate' },
  'raw-vstream': { row: 'raw VStream Copy, events decoded and counted, nothing else', bar: 'raw VStream copy' },
  'reader-copy': {
    row: 'copy phase, reader alone (VStream Copy → rows stored in JetStream, counted in the stream)',
    bar: 'reader copy',
  },
  copy: { row: 'copy, end to end into Postgres', bar: 'copy → Postgres' },
  'raw-vstream-stream': {
    row: "raw VStream streaming from the reader's committed VGtid, events decoded and counted, nothing else",
    bar: 'raw VStream stream',
  },
  'reader-stream': {
    row: 'streaming, reader alone (binlog events → rows stored in JetStream, counted in the stream)',
    bar: 'reader stream',
  },
  stream: { row: 'streaming drain, end to end into Postgres (1000-row transactions)', bar: 'stream → Postgres' },
};

/** The raw VStream client each of our paths is held against: the same phase, read and only counted. */
const RAW_OF: Partial<Record<VitessPath, VitessPath>> = {
  'reader-copy': 'raw-vstream',
  copy: 'raw-vstream',
  'reader-stream': 'raw-vstream-stream',
  stream: 'raw-vstream-stream',
};

/** What ran in which order, for the report's header (the reader-alone rows are part of their phase). */
export function vitessSequence(paths: readonly VitessPathResult[]): string {
  return paths
    .filter((p) => p.path !== 'reader-copy' && p.path !== 'reader-stream')
    .map((p) => DESCRIPTIONS[p.path].bar)
    .join(' → ');
}

export function renderVitessMarkdown(results: VitessResults): string {
  const { info } = results;
  const select = results.paths.find((p) => p.path === 'select');
  const byPath = (path: VitessPath | undefined) => results.paths.find((p) => p.path === path);
  const readerCopy = byPath('reader-copy');
  return [
    ...runHeaderLines(info, info.workload),
    '',
    table(
      ['path', 'rows', 'seconds', 'rows/s', 'vs SELECT', 'ours ÷ raw VStream client (same phase)'],
      results.paths.map((p) => {
        const raw = byPath(RAW_OF[p.path]);
        return [
          DESCRIPTIONS[p.path].row,
          fmt(p.rows),
          p.seconds !== undefined ? fmt(p.seconds, 1) : '—',
          fmt(p.rowsPerSecond),
          select ? `${fmt(p.rowsPerSecond / select.rowsPerSecond, 2)}×` : '—',
          raw ? `${fmt(p.rowsPerSecond / raw.rowsPerSecond, 2)}×` : '—',
        ];
      }),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    ...(readerCopy?.timedFrom
      ? [
          'The reader alone: rows counted in the stream itself (every data message of the source stream, rows per ' +
            `message by decodeBatchSummary), timed from ${readerCopy.timedFrom} to the JetStream timestamp of the ` +
            'message that completed them, i.e. at the PubAck. The raw VStream clients time from their VStream call; the ' +
            'streaming one starts from the VGtid the reader resumes from (the committed one in KV) and stops at the last ' +
            "inserted row. Ours' end-to-end times run from the start of the services' processes.",
          '',
        ]
      : []),
    `![Vitess copy and streaming against a plain SELECT](benchmarks/${VITESS_PLOT})`,
    '',
    ...usageSectionLines(results.usage, results.paths),
  ].join('\n');
}

export function renderVitessPlots(results: VitessResults): Map<string, string> {
  return rowsPerSecondPlot(
    VITESS_PLOT,
    'Vitess → Postgres against a plain SELECT through vtgate (higher is better)',
    results.paths.map((p) => ({ label: DESCRIPTIONS[p.path].bar, value: p.rowsPerSecond })),
  );
}
