import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuMonitor, memoryKb, postgresRole } from './procstat';
import { PG_TO_PG_SECTION } from './report';
import { writeSection } from './sections';

test('Postgres processes are told apart by the title they set', () => {
  assert.equal(postgresRole('postgres: walsender postgres 127.0.0.1(5000) START_REPLICATION'), 'walsender (decoding)');
  assert.equal(postgresRole('postgres: logical replication apply worker for subscription 16400'), 'apply worker');
  assert.equal(postgresRole('postgres: checkpointer'), 'background (checkpointer, walwriter, autovacuum, ...)');
  assert.equal(postgresRole('postgres: postgres replica 127.0.0.1(41000) idle'), 'client backends');
});

test('peak RSS is read from /proc for a live process and absent for a dead one', () => {
  const kb = memoryKb(process.pid, 'VmHWM');
  assert.ok(kb !== undefined && kb > 10_000, `own peak RSS ${kb} KiB`);
  assert.equal(memoryKb(2 ** 22 + 12345, 'VmHWM'), undefined);
});

test('rewriting docs/benchmarks.md replaces the generated part and keeps the hand-written analysis', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-docs-')), 'benchmarks.md');
  writeSection(file, PG_TO_PG_SECTION, 'first numbers');
  const withAnalysis = `${readFileSync(file, 'utf8')}\nHand-written analysis.\n\n## Other section\n`;
  writeFileSync(file, withAnalysis);
  writeSection(file, PG_TO_PG_SECTION, 'second numbers');
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes('second numbers'));
  assert.ok(!text.includes('first numbers'));
  assert.ok(text.includes('Hand-written analysis.'));
  assert.ok(text.includes('## Other section'));
});

test('CPU is attributed per label, with the kernel share as a part of it', async () => {
  const monitor = new CpuMonitor((pid) => (pid === process.pid ? 'me' : null), 50);
  monitor.start();
  const until = Date.now() + 300;
  while (Date.now() < until) readFileSync('/proc/self/stat'); // user and kernel time
  await new Promise((resolve) => setTimeout(resolve, 60));
  const usage = monitor.stop();
  const me = usage.byLabel.find((entry) => entry.label === 'me');
  assert.ok(me && me.cpuSeconds > 0.1, `own CPU ${me?.cpuSeconds}`);
  assert.ok(me.sysSeconds > 0 && me.sysSeconds <= me.cpuSeconds, `sys ${me.sysSeconds} of ${me.cpuSeconds}`);
  assert.equal(usage.byLabel.length, 1);
});
