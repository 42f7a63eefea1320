import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CpuUsage } from './procstat';
import {
  cpuColumn,
  cpuColumns,
  cpuPerMillion,
  cpuPerMillionTable,
  processClassifier,
  runHeaderLines,
  usageOf,
  usageTable,
  WHOLE_MACHINE,
  writeSection,
} from './sections';

const section = { name: 'appliers', script: 'appliers.ts', heading: '## Apply throughput by applier count' };

test('a section is rewritten between its own markers; other sections and hand-written text are kept', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-sections-')), 'benchmarks.md');
  writeFileSync(
    file,
    '# Benchmarks\n\n## PG → PG\n\n<!-- bench:pg-to-pg:begin x -->\npg numbers\n<!-- bench:pg-to-pg:end -->\n\n' +
      '## Apply throughput by applier count\n\nOld analysis.\n\n## Tracing overhead\n\ntracing text\n',
  );
  writeSection(file, section, 'first numbers');
  let text = readFileSync(file, 'utf8');
  assert.ok(
    text.indexOf('first numbers') > text.indexOf('## Apply throughput') &&
      text.indexOf('first numbers') < text.indexOf('Old analysis.'),
    'inserted under its heading, above the analysis',
  );
  writeSection(file, section, 'second numbers');
  text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('first numbers') && text.includes('second numbers'));
  for (const kept of ['pg numbers', 'Old analysis.', 'tracing text', '<!-- bench:pg-to-pg:end -->'])
    assert.ok(text.includes(kept), kept);
  assert.equal(text.match(/## Apply throughput by applier count/g)?.length, 1);
  assert.equal(text.match(/<!-- bench:appliers:begin/g)?.length, 1);

  writeSection(file, { name: 'vitess-to-pg', script: 'vitess-to-pg.ts', heading: '## Vitess → Postgres' }, 'vt');
  text = readFileSync(file, 'utf8');
  assert.ok(text.trimEnd().endsWith('vt\n\n<!-- bench:vitess-to-pg:end -->'), 'a missing section is appended');
  assert.ok(text.includes('second numbers'));
});

test('usage rows: CPU per labelled process, peak RSS where read, the whole machine; idle ones left out of the table', () => {
  const cpu: CpuUsage = {
    wallSeconds: 10,
    machineBusySeconds: 19,
    machineCores: 2,
    byLabel: [
      { label: 'applier', cpuSeconds: 8, sysSeconds: 1 },
      { label: 'destination Postgres (all processes)', cpuSeconds: 7, sysSeconds: 2 },
      { label: 'coordinator', cpuSeconds: 0.05, sysSeconds: 0 },
      { label: 'idle thing', cpuSeconds: 0.01, sysSeconds: 0 },
    ],
  };
  const rows = usageOf(
    'drain, 1 applier',
    cpu,
    new Map([
      ['applier', 150],
      ['coordinator', 90],
      ['nats-server', 40],
    ]),
  );
  assert.equal(rows.find((r) => r.process === 'nats-server')?.cpuSeconds, 0, 'an RSS-only process gets a row');
  const md = usageTable(rows);
  assert.match(md, /\| drain, 1 applier \| applier \| 8\.0 \| 0\.80 \| 150 \|/);
  assert.match(md, /\| destination Postgres \(all processes\) \| 7\.0 \| 0\.70 \| — \|/);
  assert.match(md, /\| coordinator \| 0\.1 \| 0\.01 \| 90 \|/, 'kept for its RSS though nearly idle');
  assert.match(md, /whole machine.* \| 19\.0 \| 1\.90 \|/);
  assert.ok(!md.includes('idle thing'));
});

test('processes are labelled by pid, by Postgres server, and Vitess by command', () => {
  const classify = processClassifier(new Map([[10, 'reader']]), [[100, 'destination Postgres']]);
  assert.equal(classify(10, 1, 'node dist/cdc.cjs reader'), 'reader');
  assert.equal(classify(100, 1, '/usr/lib/postgresql/15/bin/postgres -D x'), 'destination Postgres');
  assert.equal(classify(101, 100, 'postgres: walwriter'), 'destination Postgres');
  assert.equal(
    classify(200, 1, '/repo/.cache/vitess/v19/bin/vtcombo --port 1'),
    'vitess: vtcombo (vtgate + vttablets)',
  );
  assert.equal(
    classify(201, 1, '/usr/sbin/mariadbd --defaults-file=/repo/.testenv/vitess/cluster/my.cnf'),
    'vitess: MariaDB',
  );
  assert.equal(classify(202, 1, '/usr/sbin/mariadbd --defaults-file=/elsewhere/my.cnf'), null);
  assert.equal(classify(300, 1, 'bash'), null);
});

test('CPU per million changes: each process in each step over the changes that step carried, side by side', () => {
  const usage = [
    { step: 'applier drain', process: 'applier', cpuSeconds: 4, wallSeconds: 10 },
    { step: 'applier drain', process: 'destination MariaDB', cpuSeconds: 2, wallSeconds: 10 },
    { step: 'applier drain', process: 'nats-server', cpuSeconds: 0.5, wallSeconds: 10, peakRssMb: 60 },
    { step: 'applier drain', process: 'idle', cpuSeconds: 0.01, wallSeconds: 10 },
    { step: 'applier drain', process: WHOLE_MACHINE, cpuSeconds: 9, wallSeconds: 10 },
    { step: 'baseline: bulk INSERT', process: 'destination MariaDB', cpuSeconds: 1, wallSeconds: 2 },
    { step: 'baseline: bulk INSERT', process: 'bench driver', cpuSeconds: 0.4, wallSeconds: 2 },
    { step: 'baseline: bulk INSERT', process: WHOLE_MACHINE, cpuSeconds: 1.6, wallSeconds: 2 },
  ];
  assert.equal(cpuPerMillion(4, 2_000_000), 2);
  const columns = cpuColumns(usage, [
    { step: 'applier drain', changes: 200_000 },
    { step: 'baseline: bulk INSERT', changes: 200_000 },
    { step: 'never measured', changes: 5 },
  ]);
  assert.deepEqual(
    columns.map((c) => [c.name, c.changes, c.wallSeconds]),
    [
      ['applier drain', 200_000, 10],
      ['baseline: bulk INSERT', 200_000, 2],
    ],
  );
  const md = cpuPerMillionTable(columns);
  assert.match(md, /\| process \| applier drain \(200,000 changes\) \| baseline: bulk INSERT \(200,000 changes\) \|/);
  assert.match(md, /\| applier \| 20\.0 \| — \|/);
  assert.match(md, /\| destination MariaDB \| 10\.0 \| 5\.0 \|/);
  assert.match(md, /\| nats-server \| 2\.5 \| — \|/);
  assert.match(md, /\| bench driver \| — \| 2\.0 \|/);
  assert.ok(md.trimEnd().endsWith('| *whole machine (every process, ours or not)* | 45.0 | 8.0 |'), 'the machine last');
  assert.ok(!md.includes('idle'), 'under 1% of a core in every step');

  const cpu: CpuUsage = {
    wallSeconds: 5,
    machineBusySeconds: 9,
    machineCores: 2,
    byLabel: [{ label: 'ours: applier', cpuSeconds: 3, sysSeconds: 0.2 }],
  };
  assert.deepEqual(cpuColumn('drain ours', 1_500_000, cpu), {
    name: 'drain ours',
    changes: 1_500_000,
    wallSeconds: 5,
    byProcess: [
      { process: 'ours: applier', cpuSeconds: 3 },
      { process: WHOLE_MACHINE, cpuSeconds: 9 },
    ],
  });
});

test('the run header says which contender ran first, when the run recorded it', () => {
  const info = { date: 'd', commit: 'c', machine: 'm', command: 'x', loadAverageAtStart: '0', software: 's' };
  assert.ok(!runHeaderLines(info, 'w').some((l) => l.includes('Order')));
  const lines = runHeaderLines({ ...info, order: 'baseline-first', sequence: 'SELECT, copy' }, 'w');
  assert.match(lines[lines.length - 1], /^- Order of contenders: baseline first \(SELECT, copy\);/);
});
