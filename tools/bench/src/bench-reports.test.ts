import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderAppliersMarkdown, renderAppliersPlots, type AppliersResults } from './appliers-report';
import { renderMariadbMarkdown, renderMariadbPlots, type MariadbResults } from './mariadb-report';
import { renderVitessMarkdown, renderVitessPlots, type VitessResults } from './vitess-report';

const info = {
  date: '2026-01-01T00:00:00Z',
  commit: 'abc',
  machine: '2 CPUs',
  command: 'cmd',
  loadAverageAtStart: '1.00',
  software: 'sw',
  workload: 'wl',
};
const usage = [{ step: 'drain, 1 applier', process: 'applier', cpuSeconds: 5, wallSeconds: 10, peakRssMb: 120 }];

test('appliers: rows/s per applier count against one applier, busy cores, a bar per count', () => {
  const run = (appliers: number, seconds: number, busyCores: number) => ({
    appliers,
    rows: 100_000,
    seconds,
    startupSeconds: 1.5,
    busyCores,
    cores: 2,
    applierCpuSeconds: 4,
    destinationCpuSeconds: 3,
  });
  const results: AppliersResults = {
    info: { ...info, order: 'ours-first', sequence: '2, 4, 1 appliers' },
    publish: { rows: 100_000, messages: 120, seconds: 4 },
    runs: [run(2, 5, 1.95), run(4, 3.2, 2), run(1, 4, 1.9)],
    usage,
  };
  const md = renderAppliersMarkdown(results);
  assert.match(md, /- Order of contenders: ours first \(2, 4, 1 appliers\);/);
  assert.ok(md.indexOf('| 2 | 100,000') < md.indexOf('| 1 | 100,000'), 'rows in the order they ran');
  assert.match(md, /\| 1 \| 100,000 \| 1\.5 \| — \| 4\.0 \| 25,000 \| 1\.00× \| 1\.90 of 2 \| 4\.0 \| 3\.0 \|/);
  assert.match(md, /\| 2 \| 100,000 \| 1\.5 \| — \| 5\.0 \| 20,000 \| 0\.80× \|/);
  assert.match(md, /\| 4 \| 100,000 \| 1\.5 \| — \| 3\.2 \| 31,250 \| 1\.25× \|/);
  assert.match(md, /\| drain, 1 applier \| applier \| 5\.0 \| 0\.50 \| 120 \|/);
  const plots = renderAppliersPlots(results);
  assert.deepEqual([...plots.keys()], ['appliers-throughput.svg']);
  assert.ok(md.includes('(benchmarks/appliers-throughput.svg)'));
  const svg = plots.get('appliers-throughput.svg') ?? '';
  assert.equal(svg.match(/<rect x=/g)?.length, 3, 'one bar per applier count');
  for (const label of ['1 applier<', '2 appliers<', '4 appliers<', '25k rows/s', '31.3k rows/s'])
    assert.ok(svg.includes(label), label);
});

test('vitess: each path against the SELECT and ours against the raw VStream client of its phase, CPU per million rows', () => {
  const results: VitessResults = {
    info: { ...info, order: 'baseline-first', sequence: 'SELECT via vtgate → raw VStream copy → copy → Postgres' },
    paths: [
      { path: 'select', rows: 100_000, seconds: 0.5, rowsPerSecond: 200_000, step: 'baseline: SELECT through vtgate' },
      { path: 'raw-vstream', rows: 100_000, seconds: 1, rowsPerSecond: 100_000, step: 'baseline: raw VStream copy' },
      { path: 'reader-copy', rows: 100_000, seconds: 2, rowsPerSecond: 50_000, timedFrom: 'its VStream start' },
      { path: 'copy', rows: 100_000, seconds: 4, rowsPerSecond: 25_000, step: 'copy into Postgres' },
      {
        path: 'raw-vstream-stream',
        rows: 50_000,
        seconds: 0.5,
        rowsPerSecond: 100_000,
        step: 'baseline: raw VStream streaming',
      },
      { path: 'stream', rows: 50_000, seconds: 5, rowsPerSecond: 10_000, step: 'streaming into Postgres' },
    ],
    usage: [
      { step: 'copy into Postgres', process: 'reader', cpuSeconds: 2, wallSeconds: 4, peakRssMb: 200 },
      { step: 'copy into Postgres', process: 'nats-server', cpuSeconds: 0.5, wallSeconds: 4 },
      { step: 'baseline: raw VStream copy', process: 'bench driver', cpuSeconds: 0.8, wallSeconds: 1 },
      { step: 'streaming into Postgres', process: 'reader', cpuSeconds: 1.5, wallSeconds: 5 },
      { step: 'baseline: raw VStream streaming', process: 'bench driver', cpuSeconds: 0.2, wallSeconds: 0.5 },
    ],
  };
  const md = renderVitessMarkdown(results);
  assert.match(md, /- Order of contenders: baseline first \(SELECT via vtgate → raw VStream copy → copy → Postgres\);/);
  assert.match(
    md,
    /\| plain streaming SELECT through vtgate \(the baseline\) \| 100,000 \| 0\.5 \| 200,000 \| 1\.00× \| — \|/,
  );
  assert.match(
    md,
    /\| copy phase, reader alone .*counted in the stream\) \| 100,000 \| 2\.0 \| 50,000 \| 0\.25× \| 0\.50× \|/,
  );
  assert.match(md, /\| copy, end to end into Postgres \| 100,000 \| 4\.0 \| 25,000 \| 0\.13× \| 0\.25× \|/);
  assert.match(
    md,
    /\| raw VStream streaming from the reader's committed VGtid.* \| 50,000 \| 0\.5 \| 100,000 \| 0\.50× \| — \|/,
  );
  assert.match(md, /\| streaming drain, end to end .* \| 50,000 \| 5\.0 \| 10,000 \| 0\.05× \| 0\.10× \|/);
  assert.match(md, /timed from its VStream start to the JetStream timestamp of the message that completed them/);
  // CPU per million rows: a column per step with CPU rows (the SELECT's has none here), in the order they ran.
  assert.match(
    md,
    /\| process \| baseline: raw VStream copy \(100,000 changes\) \| copy into Postgres \(100,000 changes\) \| baseline: raw VStream streaming \(50,000 changes\) \| streaming into Postgres \(50,000 changes\) \|/,
  );
  assert.match(md, /\| reader \| — \| 20\.0 \| — \| 30\.0 \|/);
  assert.match(md, /\| bench driver \| 8\.0 \| — \| 4\.0 \| — \|/);
  const svg = renderVitessPlots(results).get('vitess-to-pg.svg') ?? '';
  assert.ok(md.includes('(benchmarks/vitess-to-pg.svg)'));
  assert.equal(svg.match(/<rect x=/g)?.length, 6);
  for (const label of [
    'SELECT via vtgate',
    'copy → Postgres',
    'stream → Postgres',
    'raw VStream stream',
    '200k rows/s',
  ])
    assert.ok(svg.includes(label), label);
});

test('mariadb: the applier against bulk INSERTs on 1 and 4 connections, rows per commit, CPU per million rows, a bar per path', () => {
  const results: MariadbResults = {
    info: { ...info, order: 'ours-first', sequence: 'applier → bulk INSERT, 1 conn → bulk INSERT, 4 conns' },
    paths: [
      { path: 'applier', rows: 100_000, seconds: 2, commits: 25, step: 'applier drain' },
      { path: 'insert-1', rows: 100_000, seconds: 0.5, commits: 20, step: 'baseline: bulk INSERT, 1 connection' },
      { path: 'insert-4', rows: 100_000, seconds: 0.25, commits: 20, step: 'baseline: bulk INSERT, 4 connections' },
    ],
    usage: [
      { step: 'applier drain', process: 'applier', cpuSeconds: 1.5, wallSeconds: 2, peakRssMb: 150 },
      { step: 'applier drain', process: 'destination MariaDB', cpuSeconds: 0.6, wallSeconds: 2 },
      {
        step: 'baseline: bulk INSERT, 1 connection',
        process: 'destination MariaDB',
        cpuSeconds: 0.3,
        wallSeconds: 0.5,
      },
      {
        step: 'baseline: bulk INSERT, 4 connections',
        process: 'destination MariaDB',
        cpuSeconds: 0.4,
        wallSeconds: 0.25,
      },
    ],
  };
  const md = renderMariadbMarkdown(results);
  assert.match(md, /- Order of contenders: ours first \(applier → bulk INSERT, 1 conn → bulk INSERT, 4 conns\);/);
  assert.match(md, /\| applier: JetStream → MariaDB .* \| 100,000 \| 2\.0 \| 50,000 \| 0\.25× \| 25 \| 4,000 \|/);
  assert.match(
    md,
    /\| plain bulk INSERT, 1 connection \(the baseline\) \| 100,000 \| 0\.5 \| 200,000 \| 1\.00× \| 20 \| 5,000 \|/,
  );
  assert.match(md, /\| plain bulk INSERT, 4 connections \| 100,000 \| 0\.3 \| 400,000 \| 2\.00× \| 20 \| 5,000 \|/);
  assert.match(md, /\| applier \| 15\.0 \| — \| — \|/);
  assert.match(md, /\| destination MariaDB \| 6\.0 \| 3\.0 \| 4\.0 \|/);
  const svg = renderMariadbPlots(results).get('pg-to-mariadb.svg') ?? '';
  assert.ok(md.includes('(benchmarks/pg-to-mariadb.svg)'));
  assert.equal(svg.match(/<rect x=/g)?.length, 3);
  assert.ok(svg.includes('400k rows/s'));
});

test('results from before commits, steps and the order were recorded still render', () => {
  const md = renderMariadbMarkdown({
    info,
    paths: [
      { path: 'applier', rows: 100_000, seconds: 2 },
      { path: 'insert-1', rows: 100_000, seconds: 0.5 },
    ],
    usage,
  });
  assert.match(md, /\| applier: JetStream → MariaDB .* \| 0\.25× \| — \| — \|/);
  assert.ok(!md.includes('Order of contenders') && !md.includes('per million'));
});
