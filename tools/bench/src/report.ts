// Over 400 lines on purpose: the PG -> PG benchmark's one report, rendered twice (console and the markdown of docs/benchmarks.md) from the same rows, so both stay side by side.
// Results of the PG -> PG benchmark: the console table and the markdown section of docs/benchmarks.md.
import { orderLine, type ContenderOrder } from './contender-order';
import type { CpuUsage } from './procstat';
import { CPU_PER_MILLION_HEADING, cpuColumn, cpuPerMillionTable, fmt, table } from './sections';
import type { Bucket } from './stats';
import { barChart, lineChart } from './svg';

export type Contender = 'native' | 'pg_recvlogical' | 'ours' | 'ours on a NATS cluster (R3)';

export interface DrainResult {
  readonly contender: Contender;
  readonly seconds: number;
  readonly rowChanges: number;
  /** How the end was established. */
  readonly verified: string;
  readonly cpu: CpuUsage;
}

export interface LiveResult {
  readonly contender: Contender;
  readonly writeSeconds: number;
  readonly rowChanges: number;
  readonly markers: number;
  readonly lagMs: { p50: number; p95?: number; p99: number; max: number };
  /** Row changes/s the writer was held to (half of our drain rate); undefined: unthrottled. */
  readonly targetRate?: number;
  /** Marker lag per second of the run. */
  readonly lagOverTime?: Bucket[];
  /** From the end of the workload until the destination equalled the source. */
  readonly catchUpSeconds: number;
  readonly cpu: CpuUsage;
}

export interface MemoryResult {
  readonly mode: 'drain' | 'live' | 'snapshot' | 'fan-out 4';
  readonly process: string;
  readonly peakRssMb: number;
}

/** Initial copy of one filled table: ours (reader snapshot -> applier) against a psql COPY pipe. */
export interface SnapshotResult {
  readonly contender: 'copy pipe' | 'ours';
  readonly rows: number;
  readonly seconds: number;
  readonly verified: string;
  /** Absent in results from before the snapshot mode measured CPU. */
  readonly cpu?: CpuUsage;
}

/** One source drained into several destinations: ours (one reader, an applier each) or native (a subscription and slot each). */
export interface FanoutResult {
  readonly contender: 'native' | 'ours';
  readonly destinations: number;
  /** Row changes per destination. */
  readonly rowChanges: number;
  /** Until every destination had everything. */
  readonly seconds: number;
}

export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly machine: string;
  readonly software: string;
  readonly command: string;
  readonly workload: string;
  readonly oursConfig: string;
  readonly loadAverageAtStart: string;
  readonly workloadWriteSeconds: number | undefined;
  readonly quick: boolean;
  /** Which contender ran first in each mode (absent in results from before it was recorded). */
  readonly order?: ContenderOrder;
}

export interface Results {
  readonly info: RunInfo;
  readonly drain: DrainResult[];
  readonly live: LiveResult[];
  readonly memory: MemoryResult[];
  readonly snapshot?: SnapshotResult[];
  readonly fanout?: FanoutResult[];
}

const aggregate = (r: FanoutResult) => (r.destinations * r.rowChanges) / r.seconds;

function fanoutTable(results: Results): string {
  const all = results.fanout ?? [];
  return table(
    ['destinations', 'contender', 'row changes each', 'drain s (all done)', 'aggregate changes/s', 'ours ÷ native'],
    all.map((r) => {
      const native = all.find((x) => x.contender === 'native' && x.destinations === r.destinations);
      return [
        String(r.destinations),
        r.contender,
        fmt(r.rowChanges),
        fmt(r.seconds, 1),
        fmt(aggregate(r)),
        r.contender === 'ours' && native ? `${fmt(aggregate(r) / aggregate(native), 2)}×` : '—',
      ];
    }),
    ['r', 'l', 'r', 'r', 'r', 'r'],
  );
}

function snapshotTable(results: Results): string {
  const all = results.snapshot ?? [];
  const ours = all.find((r) => r.contender === 'ours');
  return table(
    ['contender', 'rows', 'seconds', 'rows/s', 'ours ÷ this', 'end established by'],
    all.map((r) => [
      r.contender,
      fmt(r.rows),
      fmt(r.seconds, 1),
      fmt(r.rows / r.seconds),
      ours && r !== ours ? `${fmt(r.seconds / ours.seconds, 2)}×` : '—',
      r.verified,
    ]),
    ['l', 'r', 'r', 'r', 'r', 'l'],
  );
}

const rate = (r: DrainResult) => r.rowChanges / r.seconds;

function drainTable(results: Results): string {
  const ours = results.drain.find((r) => r.contender === 'ours');
  const rows = results.drain.map((r) => [
    r.contender,
    fmt(r.seconds, 1),
    fmt(rate(r)),
    ours && r.contender !== 'ours' ? `${fmt(rate(ours) / rate(r), 2)}×` : '—',
    fmt(r.cpu.machineBusySeconds / r.cpu.wallSeconds, 2),
    r.verified,
  ]);
  return table(
    ['contender', 'drain s', 'row changes/s', 'ours ÷ this', 'busy cores (machine)', 'end established by'],
    rows,
    ['l', 'r', 'r', 'r', 'r', 'l'],
  );
}

function liveTable(results: Results): string {
  const rows = results.live.map((r) => [
    r.contender,
    r.targetRate !== undefined ? fmt(r.targetRate) : 'max',
    fmt(r.lagMs.p50),
    r.lagMs.p95 !== undefined ? fmt(r.lagMs.p95) : '—',
    fmt(r.lagMs.p99),
    fmt(r.lagMs.max),
    String(r.markers),
    `${fmt(r.writeSeconds, 1)} (${fmt(r.rowChanges / r.writeSeconds)}/s)`,
    fmt(r.catchUpSeconds, 1),
  ]);
  return table(
    [
      'contender',
      'writer held to changes/s',
      'lag p50 ms',
      'lag p95 ms',
      'lag p99 ms',
      'lag max ms',
      'markers',
      'workload write s (changes/s)',
      'catch-up after workload s',
    ],
    rows,
  );
}

function memoryTable(results: Results): string {
  const processes = [...new Set(results.memory.map((m) => m.process))];
  const modes = [...new Set(results.memory.map((m) => m.mode))];
  const rows = processes.map((p) => [
    p,
    ...modes.map((mode) => {
      const m = results.memory.find((x) => x.process === p && x.mode === mode);
      return m ? fmt(m.peakRssMb) : '—';
    }),
  ]);
  return table(['process', ...modes.map((m) => `peak RSS MiB (${m})`)], rows);
}

/** CPU seconds per process during each drain; the rows that matter (>= 2% of a window) only. */
function cpuTable(windows: ReadonlyArray<{ name: string; cpu: CpuUsage }>): string {
  const labels: string[] = [];
  for (const w of windows)
    for (const entry of w.cpu.byLabel)
      if (entry.cpuSeconds >= 0.02 * w.cpu.wallSeconds && !labels.includes(entry.label)) labels.push(entry.label);
  const cell = (cpu: CpuUsage, seconds: number, sysSeconds?: number) =>
    seconds > 0
      ? `${fmt(seconds, 1)} (${fmt(seconds / cpu.wallSeconds, 2)}${sysSeconds !== undefined ? `, ${fmt((100 * sysSeconds) / seconds)}% sys` : ''})`
      : '—';
  const rows = labels.map((label) => {
    const entry = (w: { cpu: CpuUsage }) => w.cpu.byLabel.find((e) => e.label === label);
    return [label, ...windows.map((w) => cell(w.cpu, entry(w)?.cpuSeconds ?? 0, entry(w)?.sysSeconds))];
  });
  rows.push([
    '*other processes on the machine (not ours)*',
    ...windows.map((w) =>
      cell(w.cpu, Math.max(0, w.cpu.machineBusySeconds - w.cpu.byLabel.reduce((a, e) => a + e.cpuSeconds, 0))),
    ),
  ]);
  rows.push(['*wall seconds*', ...windows.map((w) => fmt(w.cpu.wallSeconds, 1))]);
  return table(['process', ...windows.map((w) => `${w.name}: CPU s (cores, kernel share)`)], rows);
}

/** The measured windows of each mode that records CPU (a snapshot's rows count as its changes). */
function cpuWindows(results: Results): Array<{ name: string; cpu: CpuUsage; changes: number }> {
  return [
    ...results.drain.map((r) => ({ name: `drain ${r.contender}`, cpu: r.cpu, changes: r.rowChanges })),
    ...results.live.map((r) => ({ name: `live ${r.contender}`, cpu: r.cpu, changes: r.rowChanges })),
    ...(results.snapshot ?? []).flatMap((r) =>
      r.cpu ? [{ name: `snapshot ${r.contender}`, cpu: r.cpu, changes: r.rows }] : [],
    ),
  ];
}

/** CPU per million changes of each process, contenders side by side. */
function cpuPerMillion(results: Results): string {
  return cpuPerMillionTable(cpuWindows(results).map((w) => cpuColumn(w.name, w.changes, w.cpu)));
}

/** What ran in which order in each mode (results are kept in the order they ran). */
export function runSequence(results: Results): string {
  const fanout = results.fanout ?? [];
  const modes: Array<[string, readonly string[]]> = [
    ['drain', results.drain.map((r) => r.contender)],
    ['live', results.live.map((r) => r.contender)],
    ['snapshot', (results.snapshot ?? []).map((r) => r.contender)],
    ['fan-out', fanout.filter((r) => r.destinations === fanout[0].destinations).map((r) => r.contender)],
  ];
  return modes
    .filter(([, contenders]) => contenders.length > 0)
    .map(([mode, contenders]) => `${mode}: ${contenders.join(', ')}`)
    .join('; ');
}

/** What limits each contender, read off the measured CPU split. */
function limits(results: Results): string[] {
  const lines: string[] = [];
  for (const r of results.drain) {
    const top = r.cpu.byLabel.slice(0, 3).map((e) => `${e.label} ${fmt(e.cpuSeconds / r.cpu.wallSeconds, 2)} cores`);
    const busy = r.cpu.machineBusySeconds / r.cpu.wallSeconds;
    lines.push(
      `- **${r.contender}** drain: the machine was ${fmt(busy, 2)} of ${r.cpu.machineCores} cores busy; busiest: ${top.join(', ')}.`,
    );
  }
  return lines;
}

export function renderMarkdown(results: Results): string {
  const { info } = results;
  const windows = cpuWindows(results);
  const parts = [
    `Run ${info.date} (commit ${info.commit})${info.quick ? ' — **quick smoke run, not the reference numbers**' : ''}.`,
    '',
    `- Machine: ${info.machine}. Load average when the run started: ${info.loadAverageAtStart}.`,
    `- Software: ${info.software}.`,
    `- Command: \`${info.command}\``,
    `- Workload: ${info.workload}${info.workloadWriteSeconds !== undefined ? ` (written in ${fmt(info.workloadWriteSeconds, 1)} s for the drain)` : ''}.`,
    `- Ours: ${info.oursConfig}.`,
    ...(info.order ? [orderLine(info.order, runSequence(results))] : []),
    '',
  ];
  if (results.drain.length > 0) {
    parts.push(
      '### Drain (consumer stopped while the workload is written, then timed until the destination has everything)',
      '',
      drainTable(results),
      '',
    );
  }
  if (results.live.length > 0) {
    parts.push(
      '### Live (consumer running during the workload; lag of a marker row written every 100 ms)',
      '',
      liveTable(results),
      '',
    );
  }
  if (results.snapshot && results.snapshot.length > 0)
    parts.push(
      '### Initial snapshot (one filled table; ours from the start of the services until the destination has every row)',
      '',
      snapshotTable(results),
      '',
    );
  if (results.fanout && results.fanout.length > 0)
    parts.push(
      '### Fan-out (one source drained into N destinations: ours one reader and an applier per destination; native a subscription and a slot per destination)',
      '',
      fanoutTable(results),
      '',
    );
  if (results.memory.length > 0)
    parts.push('### Memory (VmHWM of each process at the end of the mode)', '', memoryTable(results), '');
  const links = plotLinks(results);
  if (links.length > 0) parts.push('### Plots', '', ...links.flatMap((l) => [l, '']));
  if (windows.length > 0) {
    parts.push(
      '### CPU per process (CPU seconds, average cores and the share spent in the kernel while each was measured, from /proc)',
      '',
      cpuTable(windows),
      '',
      ...limits(results),
      '',
      CPU_PER_MILLION_HEADING,
      '',
      cpuPerMillion(results),
      '',
    );
  }
  return parts.join('\n');
}

/** Where the plots go, relative to docs/. */
export const PLOT_DIR = 'benchmarks';

/** SVG plots of a run, by file name: drain throughput bars, lag over time, peak RSS bars. */
export function renderPlots(results: Results): Map<string, string> {
  const plots = new Map<string, string>();
  if (results.drain.length > 0)
    plots.set(
      'pg-to-pg-drain.svg',
      barChart({
        title: 'PG → PG drain throughput (higher is better)',
        unit: 'changes/s',
        bars: results.drain.map((r) => ({ label: r.contender, value: rate(r) })),
      }),
    );
  if (results.snapshot && results.snapshot.length > 0)
    plots.set(
      'pg-to-pg-snapshot.svg',
      barChart({
        title: 'Initial snapshot of one table (higher is better)',
        unit: 'rows/s',
        bars: results.snapshot.map((r) => ({ label: r.contender, value: r.rows / r.seconds })),
      }),
    );
  if (results.fanout && results.fanout.length > 0)
    plots.set(
      'pg-to-pg-fanout.svg',
      barChart({
        title: 'Fan-out: aggregate changes/s over all destinations (higher is better)',
        unit: 'changes/s',
        bars: results.fanout.map((r) => ({ label: `${r.contender} → ${r.destinations}`, value: aggregate(r) })),
      }),
    );
  const withSeries = results.live.filter((r) => r.lagOverTime && r.lagOverTime.length > 0);
  if (withSeries.length > 0)
    plots.set(
      'pg-to-pg-lag.svg',
      lineChart({
        title: 'PG → PG live: marker lag per second of the run (p50 and p99)',
        xLabel: 's',
        yLabel: 'lag ms',
        series: withSeries.flatMap((r) =>
          (['p50', 'p99'] as const).map((q) => ({
            name: `${r.contender} ${q}`,
            points: (r.lagOverTime ?? []).map((b) => ({ x: b.t, y: b[q] })),
          })),
        ),
      }),
    );
  const ours = results.memory.filter((m) => m.process.startsWith('ours:'));
  if (ours.length > 0)
    plots.set(
      'pg-to-pg-rss.svg',
      barChart({
        title: 'Peak RSS per service (target ≤ 200 MB)',
        unit: 'MiB',
        bars: ours.map((m) => ({ label: `${m.process.replace('ours: ', '')} (${m.mode})`, value: m.peakRssMb })),
      }),
    );
  return plots;
}

function plotLinks(results: Results): string[] {
  const titles: Record<string, string> = {
    'pg-to-pg-drain.svg': 'drain throughput',
    'pg-to-pg-lag.svg': 'lag over time',
    'pg-to-pg-rss.svg': 'peak RSS per service',
    'pg-to-pg-snapshot.svg': 'initial snapshot throughput',
    'pg-to-pg-fanout.svg': 'fan-out aggregate throughput',
  };
  return [...renderPlots(results).keys()].map((file) => `![${titles[file] ?? file}](${PLOT_DIR}/${file})`);
}

export function renderConsole(results: Results): string {
  const lines: string[] = [];
  if (results.drain.length > 0) lines.push('DRAIN', drainTable(results), '');
  if (results.live.length > 0) lines.push('LIVE', liveTable(results), '');
  if (results.snapshot && results.snapshot.length > 0) lines.push('SNAPSHOT', snapshotTable(results), '');
  if (results.fanout && results.fanout.length > 0) lines.push('FAN-OUT', fanoutTable(results), '');
  if (results.memory.length > 0) lines.push('MEMORY', memoryTable(results), '');
  const windows = cpuWindows(results);
  if (windows.length > 0)
    lines.push(
      'CPU',
      cpuTable(windows),
      '',
      ...limits(results),
      '',
      'CPU S PER MILLION CHANGES',
      cpuPerMillion(results),
    );
  if (results.info.order) lines.push('', orderLine(results.info.order, runSequence(results)));
  return lines.join('\n');
}

/** The "PG → PG" section of docs/benchmarks.md (written by sections.ts's writeSection and saveRun). */
export const PG_TO_PG_SECTION = { name: 'pg-to-pg', script: 'pg-to-pg.ts', heading: '## PG → PG' } as const;
