// Results of the PG -> MariaDB benchmark (pg-to-mariadb.ts): the markdown section and the plot.
import { fmt, runHeaderLines, table, usageTable, type RunInfo, type ServiceUsage } from './sections';
import { barChart } from './svg';

export interface MariadbPathResult {
  readonly path: 'applier' | 'insert-1' | 'insert-4';
  readonly rows: number;
  readonly seconds: number;
}

export interface MariadbResults {
  readonly info: RunInfo & { readonly workload: string; readonly software: string };
  readonly paths: readonly MariadbPathResult[];
  readonly usage: readonly ServiceUsage[];
}

export const MARIADB_PLOT = 'pg-to-mariadb.svg';

const NAMES: Record<MariadbPathResult['path'], { row: string; bar: string }> = {
  applier: { row: 'applier: JetStream → MariaDB (upserts + checkpoint row per batch)', bar: 'applier' },
  'insert-1': { row: 'plain bulk INSERT, 1 connection (the baseline)', bar: 'bulk INSERT, 1 conn' },
  'insert-4': { row: 'plain bulk INSERT, 4 connections', bar: 'bulk INSERT, 4 conns' },
};

const rate = (p: MariadbPathResult) => p.rows / p.seconds;

export function renderMariadbMarkdown(results: MariadbResults): string {
  const { info } = results;
  const baseline = results.paths.find((p) => p.path === 'insert-1');
  return [
    ...runHeaderLines(info, info.workload),
    '',
    table(
      ['path', 'rows', 'seconds', 'rows/s', 'vs 1-connection INSERT'],
      results.paths.map((p) => [
        NAMES[p.path].row,
        fmt(p.rows),
        fmt(p.seconds, 1),
        fmt(rate(p)),
        baseline ? `${fmt(rate(p) / rate(baseline), 2)}×` : '—',
      ]),
      ['l', 'r', 'r', 'r', 'r'],
    ),
    '',
    `![PG → MariaDB apply against plain bulk INSERTs](benchmarks/${MARIADB_PLOT})`,
    '',
    '### CPU and peak RSS per process (from /proc; peak RSS is VmHWM at the end of the step)',
    '',
    usageTable(results.usage),
  ].join('\n');
}

export function renderMariadbPlots(results: MariadbResults): Map<string, string> {
  return new Map([
    [
      MARIADB_PLOT,
      barChart({
        title: 'PG → MariaDB: applier against plain bulk INSERTs (higher is better)',
        unit: 'rows/s',
        bars: results.paths.map((p) => ({ label: NAMES[p.path].bar, value: rate(p) })),
      }),
    ],
  ]);
}
