// Peak memory of each service while one large transaction (an UPDATE of every row of a table,
// one transaction) goes through the pipeline, for two environments of the services: the
// baseline (`--baseline-env`, default none) and a contender (`--env`). Each round runs both on
// fresh databases, a fresh NATS server and a fresh pipeline, in alternating order; the report
// gives each service's peak RSS during the transaction (VmHWM reset after the snapshot) and the
// contender's ratio to the baseline of the same round. `--bundle` runs the contender on another
// build (CDC_BENCH_BUNDLE or dist/cdc.cjs is the baseline's), to compare a code change.
// Issue 23's bound: every service <= 200 MiB.
//
//   node --import tsx tools/bench/src/large-transaction.ts --rows 1000000 --rounds 2 \
//     --env 'MALLOC_ARENA_MAX=2'
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startNats, startPostgres, until, type PostgresServer } from '@cdc/testenv';
import { Pipeline, PIPELINE_SLOT, writePipelineConfig } from './pipeline';
import { memoryKb } from './procstat';
import { fmt, loadAverage, runInfo } from './sections';
import { REPO, say, withClient } from './pg-to-pg/harness';

const SERVICES = ['reader', 'applier', 'coordinator'] as const;
type Service = (typeof SERVICES)[number];
const TABLE = 'public.big';
const PUBLICATION = 'big_pub';

interface Contender {
  readonly name: 'baseline' | 'contender';
  readonly env: Record<string, string>;
  /** The bundle its services run (`--bundle` for the contender compares two builds). */
  readonly bundle: string;
}

interface RunResult {
  readonly round: number;
  readonly contender: Contender['name'];
  readonly env: string;
  /** Peak RSS in MiB during the transaction, per service. */
  readonly peakMiB: Record<Service, number>;
  /** RSS in MiB once the snapshot was applied (before the transaction), per service. */
  readonly startMiB: Record<Service, number>;
  /** Seconds from the UPDATE's commit until the destination has every updated row. */
  readonly applySeconds: number;
}

/** `A=1 B=2` as an environment. */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env takes NAME=value pairs separated by spaces, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

const envText = (env: Record<string, string>) =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '(none)';

/** Forgets a process's peak RSS (Linux: writing 5 to clear_refs), so VmHWM counts from now. */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

async function oneRun(
  round: number,
  contender: Contender,
  server: PostgresServer,
  rows: number,
  dir: string,
  timeoutMs: number,
): Promise<RunResult> {
  const label = `r${round}-${contender.name}`;
  const nats = await startNats({ name: `bench-largetx-${label}` });
  const sourceUrl = await server.createDatabase(`src_${label.replace('-', '_')}`);
  const destinationUrl = await server.createDatabase(`dst_${label.replace('-', '_')}`);
  const ddl = `CREATE TABLE ${TABLE} (id int PRIMARY KEY, v text NOT NULL, pad text)`;
  await withClient(destinationUrl, (c) => c.query(ddl));
  await withClient(sourceUrl, async (c) => {
    await c.query(ddl);
    await c.query(
      `INSERT INTO ${TABLE} SELECT g, 'initial ' || g, repeat('p', 40) FROM generate_series(1, $1::int) g`,
      [rows],
    );
    await c.query(`CREATE PUBLICATION ${PUBLICATION} FOR TABLE ${TABLE}`);
  });
  const configFile = join(dir, `${label}.yaml`);
  writePipelineConfig(configFile, {
    natsUrl: nats.url,
    sourceUrl,
    destinationUrl,
    publication: PUBLICATION,
    tables: [TABLE],
  });
  const pipeline = new Pipeline(contender.bundle, configFile, dir, label, undefined, { env: contender.env });
  const countWhere = (condition: string) =>
    withClient(destinationUrl, async (c) =>
      Number((await c.query(`SELECT count(*)::int8 AS n FROM ${TABLE} WHERE ${condition}`)).rows[0].n),
    );
  try {
    pipeline.start();
    say(`${label}: snapshot of ${fmt(rows)} rows (env ${envText(contender.env)})`);
    await until('the snapshot at the destination', async () => (await countWhere('true')) === rows, {
      timeoutMs,
      intervalMs: 500,
      abort: () => pipeline.check(),
    });
    const pids = pipeline.pids();
    const startMiB = {} as Record<Service, number>;
    for (const service of SERVICES) {
      startMiB[service] = (memoryKb(pids.get(service)!, 'VmRSS') ?? 0) / 1024;
      resetPeak(pids.get(service)!);
    }
    say(`${label}: UPDATE of every row in one transaction`);
    await withClient(sourceUrl, (c) => c.query(`UPDATE ${TABLE} SET v = 'updated ' || id`));
    const committed = performance.now();
    await until('every updated row at the destination', async () => (await countWhere(`v LIKE 'updated %'`)) === rows, {
      timeoutMs,
      intervalMs: 500,
      abort: () => pipeline.check(),
    });
    const applySeconds = (performance.now() - committed) / 1000;
    const peakMiB = {} as Record<Service, number>;
    for (const service of SERVICES) peakMiB[service] = (memoryKb(pids.get(service)!, 'VmHWM') ?? 0) / 1024;
    say(
      `${label}: applied in ${fmt(applySeconds, 1)} s; peak RSS ${SERVICES.map((s) => `${s} ${fmt(peakMiB[s], 0)}`).join(', ')} MiB`,
    );
    return { round, contender: contender.name, env: envText(contender.env), peakMiB, startMiB, applySeconds };
  } finally {
    await pipeline.stop();
    await server.query(`SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1`, [
      PIPELINE_SLOT,
    ]);
    await nats.destroy();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      rounds: { type: 'string', default: '2' },
      env: { type: 'string', default: '' },
      'baseline-env': { type: 'string', default: '' },
      bundle: { type: 'string' },
      timeout: { type: 'string', default: '1800' },
    },
  });
  const rows = Number(values.rows);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rows) || rows < 1_000) throw new Error(`--rows must be an integer >= 1000, got ${values.rows}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be an integer >= 1, got ${values.rounds}`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = join(process.env.CDC_TESTENV_DIR ?? join(REPO, '.testenv'), 'bench', `large-transaction-${stamp}`);
  mkdirSync(dir, { recursive: true });
  // Private copies: other work may rebuild dist/ while the benchmark runs.
  const copyBundle = (source: string, name: string): string => {
    if (!existsSync(source)) throw new Error(`${source} is missing: run npx nx run cli:build`);
    copyFileSync(source, join(dir, name));
    return join(dir, name);
  };
  const bundle = copyBundle(process.env.CDC_BENCH_BUNDLE ?? join(REPO, 'dist', 'cdc.cjs'), 'cdc.cjs');
  const baseline: Contender = { name: 'baseline', env: parseEnv(values['baseline-env']), bundle };
  const contender: Contender = {
    name: 'contender',
    env: parseEnv(values.env),
    bundle: values.bundle ? copyBundle(values.bundle, 'contender.cjs') : bundle,
  };
  const load = loadAverage(' / ');
  // The source streams a transaction over logical_decoding_work_mem (at its minimum) in blocks.
  const server = await startPostgres({ name: 'bench-largetx', settings: { logical_decoding_work_mem: '64kB' } });
  const results: RunResult[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      // Alternate which environment runs first: the second finds caches warm.
      const order = round % 2 === 1 ? [baseline, contender] : [contender, baseline];
      for (const c of order) results.push(await oneRun(round, c, server, rows, dir, Number(values.timeout) * 1000));
    }
  } finally {
    await server.destroy();
  }
  const run = runInfo(
    REPO,
    `node --import tsx tools/bench/src/large-transaction.ts --rows ${rows} --rounds ${rounds}` +
      (values['baseline-env'] ? ` --baseline-env '${values['baseline-env']}'` : '') +
      (values.env ? ` --env '${values.env}'` : '') +
      (values.bundle ? ` --bundle ${values.bundle}` : ''),
    load,
  );
  const lines = [
    `Large transaction: UPDATE of ${fmt(rows)} rows in one transaction; ${run.date}, commit ${run.commit}, ${run.machine}, load ${load}`,
    `command: ${run.command}`,
    '',
    '| round | env | reader MiB | applier MiB | coordinator MiB | apply s |',
    '| ---: | --- | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.round} | ${r.contender}: ${r.env} | ${SERVICES.slice(0, 3)
          .map((s) => `${fmt(r.peakMiB[s], 0)} (from ${fmt(r.startMiB[s], 0)})`)
          .join(' | ')} | ${fmt(r.applySeconds, 1)} |`,
    ),
    '',
    'contender / baseline, median of the rounds (peak RSS during the transaction; apply time):',
    ...[...SERVICES, 'apply s' as const].map((s) => {
      const ratios = [];
      for (let round = 1; round <= rounds; round += 1) {
        const pick = (name: Contender['name']) => results.find((r) => r.round === round && r.contender === name)!;
        const value = (r: RunResult) => (s === 'apply s' ? r.applySeconds : r.peakMiB[s]);
        ratios.push(value(pick('contender')) / value(pick('baseline')));
      }
      return `- ${s}: ${fmt(median(ratios), 2)}x (${ratios.map((x) => fmt(x, 2)).join(', ')})`;
    }),
  ];
  console.log(`\n${lines.join('\n')}`);
  writeFileSync(join(dir, 'results.md'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'results.json'), JSON.stringify({ info: run, results }, null, 2));
  say(`results: ${join(dir, 'results.md')}`);
}

main().catch((error) => {
  console.error(`large-transaction bench: ${(error as Error).message}`);
  process.exit(1);
});
