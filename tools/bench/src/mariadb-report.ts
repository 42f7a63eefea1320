// Results of the PG -> MariaDB benchmark (pg-to-mariadb.ts): the markdown section and the plot.
import { fmt, runHeaderLines, table, usageSectionLines, type PathResults } from './sections';
import { rowsPerSecondPlot } from './svg';

export interface MariadbPathResult {
  readonly path: 'applier' | 'applier-insert' | 'insert-1' | 'insert-4';
  readonly rows: number;
  readonly seconds: number;
  /** Transactions MariaDB committed meanwhile (its Com_commit counter); absent in older results. */
  readonly commits?: number;
  /** The measured step (usage rows) of this path; absent in older results. */
  readonly step?: string;
}

export type MariadbResults = PathResults<MariadbPathResult>;

export const MARIADB_PLOT = 'pg-to-mariadb.svg';

const NAMES: Record<MariadbPathResult['path'], { row: string; bar: string }> = {
  applier: {
    row: 'applier: JetStream → MariaDB (LOAD DATA into a staging table, INSERT … SELECT upserts, checkpoint row per batch)',
    bar: 'applier',
  },
  'applier-insert': {
    row: 'applier with load_data: false (multi-row INSERT … ON DUPLICATE KEY UPDATE)',
    bar: 'applier, INSERTs',
  },
  'insert-1': { row: 'plain bulk INSERT, 1 connection (the baseline)', bar: 'bulk INSERT, 1 conn' },
  'insert-4': { row: 'plain bulk INSERT, 4 connections', bar: 'bulk INSERT, 4 conns' },
};

const rate = (p: MariadbPathResult) => p.rows / p.seconds;

/** What ran in which order, for the report's header. */
export function mariadbSequence(paths: readonly MariadbPathResult[]): string {
  return paths.map((p) => NAMES[p.path].bar).join(' → ');
}

export function renderMariadbMarkdown(results: MariadbResults): string {
  const { info } = results;
  const baseline = results.paths.find((p) => p.path === 'insert-1');
  return [
    ...runHeaderLines(info, info.workload),
    '',
    table(
      ['path', 'rows', 'seconds', 'rows/s', 'vs 1-connection INSERT', 'commits (Com_commit)', 'rows per commit'],
      results.paths.map((p) => [
        NAMES[p.path].row,
        fmt(p.rows),
        fmt(p.seconds, 1),
        fmt(rate(p)),
        baseline ? `${fmt(rate(p) / rate(baseline), 2)}×` : '—',
        p.commits !== undefined ? fmt(p.commits) : '—',
        p.commits ? fmt(p.rows / p.commits) : '—',
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
    `![PG → MariaDB apply against plain bulk INSERTs](benchmarks/${MARIADB_PLOT})`,
    '',
    ...usageSectionLines(results.usage, results.paths),
  ].join('\n');
}

export function renderMariadbPlots(results: MariadbResults): Map<string, string> {
  return rowsPerSecondPlot(
    MARIADB_PLOT,
    'PG → MariaDB: applier against plain bulk INSERTs (higher is better)',
    results.paths.map((p) => ({ label: NAMES[p.path].bar, value: rate(p) })),
  );
}
