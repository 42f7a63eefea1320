// Results of the Vitess -> Postgres benchmark (vitess-to-pg.ts): the markdown section and the plot.
import { fmt, runHeaderLines, table, usageTable, type RunInfo, type ServiceUsage } from './sections';
import { barChart } from './svg';

export type VitessPath = 'select' | 'raw-vstream' | 'reader-copy' | 'copy' | 'stream';

export interface VitessPathResult {
  readonly path: VitessPath;
  readonly rows: number;
  /** Undefined when only a rate is known (the reader's copy rate is read from its log). */
  readonly seconds?: number;
  readonly rowsPerSecond: number;
}

export interface VitessResults {
  readonly info: RunInfo & { readonly workload: string; readonly software: string };
  readonly paths: readonly VitessPathResult[];
  readonly usage: readonly ServiceUsage[];
}

export const VITESS_PLOT = 'vitess-to-pg.svg';

const DESCRIPTIONS: Record<VitessPath, { row: string; bar: string }> = {
  select: { row: 'plain streaming SELECT through vtgate (the baseline)', bar: 'SELECT via vtgate' },
  'raw-vstream': { row: 'raw VStream Copy, events decoded and counted, nothing else', bar: 'raw VStream copy' },
  'reader-copy': { row: 'copy phase, reader alone (VStream Copy → JetStream; from its log)', bar: 'reader copy' },
  copy: { row: 'copy, end to end into Postgres', bar: 'copy → Postgres' },
  stream: { row: 'streaming drain, end to end into Postgres (1000-row transactions)', bar: 'stream → Postgres' },
};

export function renderVitessMarkdown(results: VitessResults): string {
  const { info } = results;
  const select = results.paths.find((p) => p.path === 'select');
  return [
    ...runHeaderLines(info, info.workload),
    '',
    table(
      ['path', 'rows', 'seconds', 'rows/s', 'vs SELECT'],
      results.paths.map((p) => [
        DESCRIPTIONS[p.path].row,
        fmt(p.rows),
        p.seconds !== undefined ? fmt(p.seconds, 1) : '—',
        fmt(p.rowsPerSecond),
        select ? `${fmt(p.rowsPerSecond / select.rowsPerSecond, 2)}×` : '—',
      ]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    `![Vitess copy and streaming against a plain SELECT](benchmarks/${VITESS_PLOT})`,
    '',
    '### CPU and peak RSS per process (from /proc; peak RSS is VmHWM at the end of the step)',
    '',
    usageTable(results.usage),
  ].join('\n');
}

export function renderVitessPlots(results: VitessResults): Map<string, string> {
  return new Map([
    [
      VITESS_PLOT,
      barChart({
        title: 'Vitess → Postgres against a plain SELECT through vtgate (higher is better)',
        unit: 'rows/s',
        bars: results.paths.map((p) => ({ label: DESCRIPTIONS[p.path].bar, value: p.rowsPerSecond })),
      }),
    ],
  ]);
}
