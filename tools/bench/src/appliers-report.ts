// Results of the applier-count benchmark (appliers.ts): the markdown section and the plot.
import { fmt, runHeaderLines, table, usageSectionLines, type RunInfo, type ServiceUsage } from './sections';
import { rowsPerSecondPlot } from './svg';

export interface AppliersRun {
  readonly appliers: number;
  /** Rows timed: those that arrived after the first poll that saw any. */
  readonly rows: number;
  /** From the first rows at the destination (consumers resumed) until it had every row. */
  readonly seconds: number;
  /** From resuming the paused consumers until the first rows showed (not counted in `seconds`). */
  readonly resumeSeconds?: number;
  /** From spawning the appliers until they had shared out the partitions (consumers paused meanwhile). */
  readonly startupSeconds: number;
  /** Rows at the destination about every second of the drain. */
  readonly progress?: ReadonlyArray<{ readonly t: number; readonly rows: number }>;
  /** CPU seconds of the whole machine over `seconds`, as average busy cores, and the core count. */
  readonly busyCores: number;
  readonly cores: number;
  /** CPU seconds of all appliers together and of the destination Postgres during the drain. */
  readonly applierCpuSeconds: number;
  readonly destinationCpuSeconds: number;
}

export interface AppliersResults {
  readonly info: RunInfo & { readonly workload: string; readonly software: string };
  readonly publish: { readonly rows: number; readonly messages: number; readonly seconds: number };
  /** In the order they ran. */
  readonly runs: readonly AppliersRun[];
  readonly usage: readonly ServiceUsage[];
}

export const APPLIERS_PLOT = 'appliers-throughput.svg';

const rate = (r: AppliersRun) => r.rows / r.seconds;

export function renderAppliersMarkdown(results: AppliersResults): string {
  const { info, runs } = results;
  const first = runs.find((r) => r.appliers === 1);
  return [
    ...runHeaderLines(
      info,
      `${info.workload}; published once (${fmt(results.publish.messages)} JetStream messages in ${fmt(results.publish.seconds, 1)} s), then drained by each applier count into its own database`,
    ),
    '',
    table(
      [
        'appliers',
        'rows timed',
        'start-up s',
        'resume to first rows s',
        'drain s',
        'rows/s',
        'vs 1 applier',
        'machine busy cores',
        'appliers CPU s',
        'destination Postgres CPU s',
      ],
      runs.map((r) => [
        String(r.appliers),
        fmt(r.rows),
        fmt(r.startupSeconds, 1),
        r.resumeSeconds !== undefined ? fmt(r.resumeSeconds, 1) : '—',
        fmt(r.seconds, 1),
        fmt(rate(r)),
        first ? `${fmt(rate(r) / rate(first), 2)}×` : '—',
        `${fmt(r.busyCores, 2)} of ${r.cores}`,
        fmt(r.applierCpuSeconds, 1),
        fmt(r.destinationCpuSeconds, 1),
      ]),
    ),
    '',
    `![apply throughput by applier count](benchmarks/${APPLIERS_PLOT})`,
    '',
    ...usageSectionLines(results.usage),
  ].join('\n');
}

export function renderAppliersPlots(results: AppliersResults): Map<string, string> {
  return rowsPerSecondPlot(
    APPLIERS_PLOT,
    'Apply throughput by applier count, same stream (higher is better)',
    results.runs.map((r) => ({
      label: `${r.appliers} applier${r.appliers === 1 ? '' : 's'}`,
      value: rate(r),
    })),
  );
}
