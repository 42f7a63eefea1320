// The PostgreSQL version matrix, on demand: `npx nx run cli:test-postgres-matrix`
//   [-- --sources 14,15,16,17,18 --destinations 15,18
//       --suites replication,crash-recovery,partitioned-tables,large-transactions,failover]
// Runs postgres-versions.test.ts once per (source, destination, suite), each in its own node
// process (a failed or hung run cannot spoil the next), logs each run to
// <testenv dir>/postgres-matrix/, and prints the result table (Markdown, as in the README).
// A suite about the source alone (failover) runs once per source, into the first destination.
// Exit 1 when any run failed.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(__dirname, '../../../..');
const TEST_FILE = join(REPO, 'apps/cli/src/e2e/postgres-versions.test.ts');
const RUN_TIMEOUT_MS = 15 * 60_000;

interface RunResult {
  readonly pass: number;
  readonly fail: number;
  readonly seconds: number;
  readonly log: string;
}

const { values } = parseArgs({
  options: {
    sources: { type: 'string', default: '14,15,16,17,18' },
    destinations: { type: 'string', default: '15,18' },
    suites: { type: 'string', default: 'replication,crash-recovery,partitioned-tables,large-transactions,failover' },
  },
});
const majors = (list: string) => list.split(',').map((v) => Number(v.trim()));
const sources = majors(values.sources);
const destinations = majors(values.destinations);
const suites = values.suites.split(',').map((s) => s.trim());
/** Suites whose outcome does not depend on the destination's version. */
const SOURCE_ONLY = new Set(['failover']);
const runsWith = (suite: string, destination: number) => !SOURCE_ONLY.has(suite) || destination === destinations[0];
const logDir = join(process.env.CDC_TESTENV_DIR ?? join(REPO, '.testenv'), 'postgres-matrix');
mkdirSync(logDir, { recursive: true });

function runOne(source: number, destination: number, suite: string): Promise<RunResult> {
  const log = join(logDir, `${source}-to-${destination}-${suite}.log`);
  const out = createWriteStream(log);
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', TEST_FILE], {
    cwd: REPO,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.json'),
      CDC_PG_VERSION_PAIRS: `${source}>${destination}`,
      CDC_PG_SUITES: suite,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const collect = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    out.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
  return new Promise((resolveRun) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      out.end();
      const count = (label: string) => Number(new RegExp(`^ℹ ${label} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
      const pass = count('pass');
      // A crash or a timeout reports no failing test: count it as one.
      const fail = count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0);
      resolveRun({ pass, fail, seconds: Math.round((Date.now() - started) / 1000), log });
    });
  });
}

async function main(): Promise<void> {
  const results = new Map<string, RunResult>();
  for (const source of sources)
    for (const destination of destinations)
      for (const suite of suites) {
        if (!runsWith(suite, destination)) continue;
        const result = await runOne(source, destination, suite);
        results.set(`${source}>${destination}>${suite}`, result);
        const verdict = result.fail === 0 ? 'passed' : 'FAILED';
        console.log(
          `${source} -> ${destination} ${suite}: ${verdict} (${result.pass} passed, ${result.fail} failed, ${result.seconds} s; ${result.log})`,
        );
      }
  const header = `| source → destination | ${suites.join(' | ')} |`;
  const rule = `| --- | ${suites.map(() => '---').join(' | ')} |`;
  const rows = sources.flatMap((source) =>
    destinations.map((destination) => {
      const cells = suites.map((suite) => {
        if (!runsWith(suite, destination)) return `(→ ${destinations[0]})`;
        const r = results.get(`${source}>${destination}>${suite}`)!;
        return r.fail === 0 ? `✔ ${r.pass}/${r.pass} (${r.seconds} s)` : `✖ ${r.fail} of ${r.pass + r.fail} failed`;
      });
      return `| ${source} → ${destination} | ${cells.join(' | ')} |`;
    }),
  );
  const table = [header, rule, ...rows].join('\n');
  writeFileSync(join(logDir, 'results.md'), `${table}\n`);
  console.log(`\n${table}\n\n(also in ${join(logDir, 'results.md')})`);
  const failed = [...results.values()].filter((r) => r.fail > 0).length;
  process.exit(failed > 0 ? 1 : 0);
}

void main();
