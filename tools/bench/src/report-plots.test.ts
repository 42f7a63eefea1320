import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CpuUsage } from './procstat';
import { renderMarkdown, renderPlots, type Results } from './report';

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
