import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CpuUsage } from './procstat';
import { renderConsole, renderMarkdown, renderPlots, runSequence, type Results } from './report';

const cpu: CpuUsage = { wallSeconds: 10, byLabel: [], machineBusySeconds: 15, machineCores: 2 };
const results: Results = {
  info: {
    date: '2026-01-01T00:00:00Z',
    commit: 'abc',
    machine: 'm',
    software: 's',
    command: 'c',
    workload: 'w',
    oursConfig: 'o',
    loadAverageAtStart: '0',
    workloadWriteSeconds: 1,
    quick: true,
  },
  drain: [
    { contender: 'native', seconds: 5, rowChanges: 1_000_000, verified: 'digests', cpu },
    { contender: 'ours', seconds: 10, rowChanges: 1_000_000, verified: 'digests', cpu },
  ],
  live: [
    {
      contender: 'ours',
      writeSeconds: 20,
      rowChanges: 1_000_000,
      markers: 3,
      lagMs: { p50: 100, p95: 180, p99: 300, max: 310 },
      targetRate: 50_000,
      catchUpSeconds: 0.5,
      cpu,
      lagOverTime: [
        { t: 0, count: 2, p50: 90, p95: 100, p99: 100 },
        { t: 1, count: 1, p50: 300, p95: 300, p99: 300 },
      ],
    },
  ],
  snapshot: [
    { contender: 'copy pipe', rows: 2_000_000, seconds: 5, verified: 'psql' },
    { contender: 'ours', rows: 2_000_000, seconds: 20, verified: 'digests' },
  ],
  fanout: [
    { contender: 'native', destinations: 4, rowChanges: 100_000, seconds: 4 },
    { contender: 'ours', destinations: 4, rowChanges: 100_000, seconds: 8 },
  ],
  memory: [
    { mode: 'drain', process: 'ours: reader', peakRssMb: 336 },
    { mode: 'drain', process: 'nats-server', peakRssMb: 100 },
  ],
};

test('a run yields throughput, lag-over-time and RSS plots, linked from the markdown', () => {
  const plots = renderPlots(results);
  assert.deepEqual(
    [...plots.keys()],
    ['pg-to-pg-drain.svg', 'pg-to-pg-snapshot.svg', 'pg-to-pg-fanout.svg', 'pg-to-pg-lag.svg', 'pg-to-pg-rss.svg'],
  );
  assert.ok(plots.get('pg-to-pg-drain.svg')?.includes('200k changes/s'), 'native bar labelled with its rate');
  assert.equal([...(plots.get('pg-to-pg-lag.svg') ?? '').matchAll(/<polyline/g)].length, 2, 'ours p50 and p99');
  assert.ok(!plots.get('pg-to-pg-rss.svg')?.includes('nats-server'), 'only our services are in the RSS plot');
  const md = renderMarkdown(results);
  for (const file of plots.keys()) assert.ok(md.includes(`(benchmarks/${file})`), `${file} linked`);
  assert.match(md, /\| ours \| 50,000 \| 100 \| 180 \| 300 \| 310 \|/);
  assert.match(md, /\| native \| 5\.0 \| 200,000 \| 0\.50× \|/);
  assert.match(md, /\| 4 \| ours \| 100,000 \| 8\.0 \| 50,000 \| 0\.50× \|/);
  assert.match(md, /\| copy pipe \| 2,000,000 \| 5\.0 \| 400,000 \| 0\.25× \|/);
});

test('the order of the run and the CPU per million changes of every process, contenders side by side', () => {
  const drainCpu = (labels: Array<[string, number]>, busy: number): CpuUsage => ({
    wallSeconds: 10,
    machineBusySeconds: busy,
    machineCores: 2,
    byLabel: labels.map(([label, cpuSeconds]) => ({ label, cpuSeconds, sysSeconds: 0 })),
  });
  const run: Results = {
    ...results,
    info: { ...results.info, order: 'ours-first' },
    drain: [
      {
        contender: 'ours',
        seconds: 10,
        rowChanges: 2_000_000,
        verified: 'digests',
        cpu: drainCpu(
          [
            ['ours: applier', 8],
            ['nats-server', 2],
            ['destination postgres: client backends', 6],
          ],
          18,
        ),
      },
      {
        contender: 'native',
        seconds: 5,
        rowChanges: 2_000_000,
        verified: 'digests',
        cpu: drainCpu([['destination postgres: apply worker', 4]], 7),
      },
    ],
  };
  assert.equal(run.info.order, 'ours-first');
  assert.equal(runSequence(run), 'drain: ours, native; live: ours; snapshot: copy pipe, ours; fan-out: native, ours');
  const md = renderMarkdown(run);
  assert.match(md, /- Order of contenders: ours first \(drain: ours, native; live: ours; .*\); `--order alternate`/);
  assert.match(
    md,
    /\| process \| drain ours \(2,000,000 changes\) \| drain native \(2,000,000 changes\) \| live ours \(1,000,000 changes\) \|/,
  );
  assert.match(md, /\| ours: applier \| 4\.0 \| — \| — \|/);
  assert.match(md, /\| nats-server \| 1\.0 \| — \| — \|/);
  assert.match(md, /\| destination postgres: apply worker \| — \| 2\.0 \| — \|/);
  assert.match(md, /\| \*whole machine \(every process, ours or not\)\* \| 9\.0 \| 3\.5 \| 15\.0 \|/);
  assert.match(renderConsole(run), /CPU S PER MILLION CHANGES\n\| process \| drain ours/);
  assert.ok(!renderMarkdown(results).includes('Order of contenders'), 'older results carry no order');
});
