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
    info,
    publish: { rows: 100_000, messages: 120, seconds: 4 },
    runs: [run(1, 4, 1.9), run(2, 5, 1.95), run(4, 3.2, 2)],
    usage,
  };
  const md = renderAppliersMarkdown(results);
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

test('vitess: each path against the SELECT through vtgate, a bar per path', () => {
  const results: VitessResults = {
    info,
    paths: [
      { path: 'select', rows: 100_000, seconds: 0.5, rowsPerSecond: 200_000 },
      { path: 'raw-vstream', rows: 100_000, seconds: 1, rowsPerSecond: 100_000 },
      { path: 'reader-copy', rows: 100_000, rowsPerSecond: 50_000 },
      { path: 'copy', rows: 100_000, seconds: 4, rowsPerSecond: 25_000 },
      { path: 'stream', rows: 50_000, seconds: 5, rowsPerSecond: 10_000 },
    ],
    usage,
  };
  const md = renderVitessMarkdown(results);
  assert.match(
    md,
    /\| plain streaming SELECT through vtgate \(the baseline\) \| 100,000 \| 0\.5 \| 200,000 \| 1\.00× \|/,
  );
  assert.match(md, /\| copy phase, reader alone .* \| 100,000 \| — \| 50,000 \| 0\.25× \|/);
  assert.match(md, /\| copy, end to end into Postgres \| 100,000 \| 4\.0 \| 25,000 \| 0\.13× \|/);
  assert.match(md, /\| streaming drain, end to end .* \| 50,000 \| 5\.0 \| 10,000 \| 0\.05× \|/);
  const svg = renderVitessPlots(results).get('vitess-to-pg.svg') ?? '';
  assert.ok(md.includes('(benchmarks/vitess-to-pg.svg)'));
  assert.equal(svg.match(/<rect x=/g)?.length, 5);
  for (const label of ['SELECT via vtgate', 'copy → Postgres', 'stream → Postgres', '200k rows/s'])
    assert.ok(svg.includes(label), label);
});

test('mariadb: the applier against bulk INSERTs on 1 and 4 connections, a bar per path', () => {
  const results: MariadbResults = {
    info,
    paths: [
      { path: 'applier', rows: 100_000, seconds: 2 },
      { path: 'insert-1', rows: 100_000, seconds: 0.5 },
      { path: 'insert-4', rows: 100_000, seconds: 0.25 },
    ],
    usage,
  };
  const md = renderMariadbMarkdown(results);
  assert.match(md, /\| applier: JetStream → MariaDB .* \| 100,000 \| 2\.0 \| 50,000 \| 0\.25× \|/);
  assert.match(md, /\| plain bulk INSERT, 4 connections \| 100,000 \| 0\.3 \| 400,000 \| 2\.00× \|/);
  const svg = renderMariadbPlots(results).get('pg-to-mariadb.svg') ?? '';
  assert.ok(md.includes('(benchmarks/pg-to-mariadb.svg)'));
  assert.equal(svg.match(/<rect x=/g)?.length, 3);
  assert.ok(svg.includes('400k rows/s'));
});
