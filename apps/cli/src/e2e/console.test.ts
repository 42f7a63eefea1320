import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPipelineFixture, waitFor, type PipelineFixture, type ServiceProcess } from './pipeline-fixture';

// `cdc console` in a real headless Chromium (Debian's chromium, installed by tools/testenv/install.sh)
// over a running pipeline: its numbers move while the source is written, a stopped applier shows
// as a problem. CDC_CONSOLE_SCREENSHOT=path keeps a screenshot of the healthy page (the README's).
const BUNDLE = resolve(__dirname, '../../../../dist/cdc.cjs');
const CHROMIUM = process.env.CDC_CHROMIUM ?? '/usr/bin/chromium';

let fixture: PipelineFixture;
let services: Record<'reader' | 'applier', ServiceProcess>;
let coordinator: ChildProcess;
let coordinatorLog = '';
let consoleLog = '';
let consoleProcess: ChildProcess;
let consoleUrl: string;
let browser: Browser;
let page: Page;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: bash tools/testenv/install.sh chromium`);
  fixture = await startPipelineFixture({ tables: ['public.*'], partitions: 2 });
  await fixture.sourceQuery(
    `CREATE TABLE orders (id int PRIMARY KEY, note text);
     INSERT INTO orders SELECT g, 'order ' || g FROM generate_series(1, 2000) g`,
  );
  services = { reader: fixture.start('reader'), applier: fixture.start('applier') };
  // The coordinator serves the console too (--console): the last test reads that one.
  coordinator = spawn(
    process.execPath,
    [BUNDLE, 'coordinator', '--config', fixture.configFile, '--console', '127.0.0.1:0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  coordinator.stderr?.on('data', (chunk: Buffer) => {
    coordinatorLog += chunk.toString();
  });
  consoleProcess = spawn(
    process.execPath,
    [BUNDLE, 'console', '--config', fixture.configFile, '--listen', '127.0.0.1:0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  consoleUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`cdc console printed no URL: ${consoleLog}`)), 30_000);
    const onData = (chunk: Buffer) => {
      consoleLog += chunk.toString();
      const match = /cdc console: (http:\/\/127\.0\.0\.1:\d+\/) \(read-only; loopback only/.exec(consoleLog);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    consoleProcess.stdout?.on('data', onData);
    consoleProcess.stderr?.on('data', onData);
    consoleProcess.once('exit', (code) => reject(new Error(`cdc console exited ${code}: ${consoleLog}`)));
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
});

after(async () => {
  await browser?.close();
  consoleProcess?.kill('SIGTERM');
  coordinator?.kill('SIGTERM');
  await fixture?.destroy();
});

async function field(name: string): Promise<string> {
  return (await page.locator(`[data-source="shop"] [data-field="${name}"]`).textContent()) ?? '';
}

function numberOf(text: string): number {
  return Number(text.replace(/,/g, ''));
}

/**
 * Whether a number on the page moved on from an earlier reading; an earlier "–" (the
 * coordinator had not committed anything yet) is passed by any number.
 */
function movedPast(now: number, before: number): boolean {
  return Number.isNaN(before) ? !Number.isNaN(now) : now > before;
}

test('the page shows the running pipeline, and its numbers move while the source is written', async () => {
  await page.goto(consoleUrl);
  assert.match(
    (await page.locator('header').textContent()) ?? '',
    /read-only · serving on loopback only \(127\.0\.0\.1:\d+\)/,
  );
  // Snapshot taken and applied, the pipeline healthy: no problem listed.
  await waitFor(
    'the console to show no problem',
    async () => (await page.locator('#problems').textContent()) === 'No problems.',
    60_000,
  );
  assert.equal(await page.locator('[data-node="shop"]').count(), 1, 'the source in the picture');
  assert.equal(await page.locator('[data-node="CDC_shop"]').count(), 1, 'its stream');
  assert.equal(await page.locator('[data-node="replica"]').count(), 1, 'the destination');
  assert.equal(await page.locator('[data-table="partitions"] tr[data-partition]').count(), 2);
  const before = {
    messages: numberOf(await field('stream-messages')),
    committed: numberOf(await field('committed-seq')),
  };
  let id = 10_000;
  let writing = true;
  const writer = (async () => {
    while (writing) {
      await fixture.sourceQuery(
        `INSERT INTO orders SELECT g, 'live ' || g FROM generate_series(${id + 1}, ${id + 50}) g`,
      );
      id += 50;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    // What the page showed last, so a failure says which number did not move.
    let seen = '';
    await waitFor(
      'the stream, the committed watermark and the applied rate to move on the page',
      async () => {
        const now = {
          messages: await field('stream-messages'),
          committed: await field('committed-seq'),
          applied: await field('applied-rate'),
          published: await field('published-rate'),
        };
        seen = `${JSON.stringify(now)} (before: messages ${before.messages}, committed ${before.committed}; ${id - 10_000} rows written, page: ${await page.locator('#updated').textContent()})`;
        return (
          movedPast(numberOf(now.messages), before.messages) &&
          movedPast(numberOf(now.committed), before.committed) &&
          numberOf(now.applied) > 0 &&
          numberOf(now.published) > 0
        );
      },
      60_000,
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}; the page showed ${seen}\nreader: ${services.reader.log().slice(-2000)}\napplier: ${services.applier.log().slice(-2000)}\ncoordinator: ${coordinatorLog.slice(-2000)}\nconsole: ${consoleLog.slice(-2000)}`,
      );
    });
    // The throughput chart has a line for each.
    assert.equal(await page.locator('[data-source="shop"] svg.chart polyline').count(), 2);
    const copies = page.locator('[data-table="copies"] tr', { hasText: 'public.orders' });
    assert.match((await copies.textContent()) ?? '', /public\.orders\s*replica/);
    const screenshot = process.env.CDC_CONSOLE_SCREENSHOT;
    if (screenshot) {
      // A chart worth looking at: half a minute of history.
      await new Promise((r) => setTimeout(r, 30_000));
      await page.screenshot({ path: screenshot, fullPage: true });
    }
  } finally {
    writing = false;
    await writer;
  }
});

test('a stopped applier shows as a problem, in the list, the picture and the partitions', async () => {
  assert.equal(await fixture.stop(services.applier, 'SIGTERM'), 0);
  await fixture.sourceQuery(`INSERT INTO orders SELECT g, 'waiting' FROM generate_series(900001, 900100) g`);
  await waitFor(
    'the console to say no applier is running',
    async () =>
      /destination replica: no applier is running/.test((await page.locator('#problems').textContent()) ?? ''),
    60_000,
  );
  assert.equal(await page.locator('[data-node="replica"] rect').getAttribute('stroke'), '#cf222e', 'drawn red');
  assert.match((await field('appliers')) || '', /no applier is running/);
  const owners = await page.locator('[data-table="partitions"] tr[data-partition] td:nth-child(6)').allTextContents();
  assert.deepEqual(owners, ['none', 'none']);
});

test('the console is read-only and says where it listens', async () => {
  const response = await fetch(consoleUrl, { method: 'POST' });
  assert.equal(response.status, 405);
  const snapshot = (await (await fetch(new URL('api/snapshot', consoleUrl))).json()) as {
    sources: { source: string }[];
    recentProblems: { text: string }[];
  };
  assert.deepEqual(
    snapshot.sources.map((s) => s.source),
    ['shop'],
  );
  assert.ok(snapshot.recentProblems.some((p) => /no applier is running/.test(p.text)));
});

test('the coordinator serves the same console with --console', async () => {
  let url = '';
  await waitFor('the coordinator to log its console URL', async () => {
    const line = coordinatorLog.split('\n').find((l) => l.includes('serving the read-only console'));
    url = line ? (JSON.parse(line) as { url: string }).url : '';
    return url !== '';
  });
  const other = await browser.newPage();
  try {
    await other.goto(url);
    await waitFor(
      "the coordinator's console to show the stopped applier",
      async () => /no applier is running/.test((await other.locator('#problems').textContent()) ?? ''),
      30_000,
    );
    assert.equal(await other.locator('[data-node="CDC_shop"]').count(), 1);
  } finally {
    await other.close();
  }
});
