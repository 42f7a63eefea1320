import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { limitHeapGrowth } from './heap';

const HEAP_MODULE = pathToFileURL(join(__dirname, 'heap.ts')).href;

/**
 * Peak heap in use (MiB) in a fresh process that replaces a live set of some 30 MB over and over
 * (like batches in a drain), with the given node flags and with or without limitHeapGrowth().
 * The live set must be well above V8's initial old-generation size: with a few MB both runs peak
 * at the same ~28 MiB (the young generation and the first old-space limit), whatever the flag.
 */
function peakMiB(nodeFlags: string[], limit: boolean): number {
  const script = `
    const heap = await import(${JSON.stringify(HEAP_MODULE)});
    const limitHeapGrowth = heap.limitHeapGrowth ?? heap.default.limitHeapGrowth;
    if (${limit}) limitHeapGrowth();
    const live = [];
    let peak = 0;
    for (let round = 0; round < 1500; round += 1) {
      live.push(Array.from({ length: 10000 }, (_, i) => ({ text: 'row ' + round + ':' + i, pair: [round, i] })));
      if (live.length > 20) live.shift();
      if (round % 25 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    process.stdout.write(String(Math.round(peak / 1048576)));`;
  // Not a test-runner child itself (it would report in the runner's format instead of printing).
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TSX_TSCONFIG_PATH: join(__dirname, '..', '..', '..', 'tsconfig.json'),
  };
  delete env.NODE_TEST_CONTEXT;
  const out = execFileSync(
    process.execPath,
    [...nodeFlags, '--import', 'tsx', '--input-type=module', '--eval', script],
    { encoding: 'utf8', env },
  );
  const peak = Number(out.trim().split('\n').pop());
  if (!Number.isFinite(peak)) throw new Error(`the child printed ${JSON.stringify(out.slice(-300))}`);
  return peak;
}

test('a service keeps the heap nearer its live size than V8 does by default', () => {
  const v8Default = peakMiB([], false);
  const limited = peakMiB([], true);
  assert.ok(limited < v8Default * 0.8, `peak ${limited} MiB limited against ${v8Default} MiB with V8's default`);
});

test('a growth given on the command line is left alone', () => {
  assert.equal(limitHeapGrowth(['--max-old-space-size=512', '--heap-growing-percent=50']), false);
  assert.equal(limitHeapGrowth(['--heap_growing_percent=50']), false);
  assert.equal(limitHeapGrowth(['--max-old-space-size=512']), true);
});
