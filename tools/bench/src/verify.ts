// cdc verify's rate against a plain whole-table checksum of the same table, in the same run:
//   node --import tsx tools/bench/src/verify.ts [--rows N] [--order ours-first|baseline-first|alternate] [--no-docs]
// 1. N rows (default 2,000,000) in one table at a source Postgres, replicated by the pipeline
//    (reader, applier, coordinator, product defaults) into a destination Postgres; the run waits
//    until the destination holds them all, and the services keep running (idle), as verify needs.
// 2. The baseline: `SELECT count(*), md5(string_agg(t::text, E'\n' ORDER BY id)) FROM t` (ordered:
//    two copies only hash alike when their rows are concatenated in one order), on the source and
//    the destination at once, as a whole-table comparison reads both; rows/s = N / the time until
//    both answered. The two digests must be equal.
// 3. Ours: `cdc verify --config f --json` (dist/cdc.cjs; default chunks of 10,000 rows, 4 at a
//    time): rows/s = N / the command's wall time, start-up included; it must report the table equal.
// 2 and 3 run in the order --order says. Each records the CPU seconds of every process (the two
// Postgres servers, nats-server, our services, the verify process, the bench driver).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { startNats, startPostgres } from '@cdc/testenv';
import type { VerifyReport } from '@cdc/verify';
import { arrange, contenderOrder } from './contender-order';
import { spawnLogged, tail, type Child } from './pipeline';
import {
  fmt,
  loadAverage,
  natsServerPid,
  postmasterPid,
  processClassifier,
  runHeaderLines,
  runInfo,
  saveRun,
  stepMeasurer,
  table,
  usageTable,
  type ServiceUsage,
} from './sections';

const REPO = resolve(__dirname, '../../..');
const BUNDLE = process.env.CDC_BENCH_BUNDLE ?? join(REPO, 'dist/cdc.cjs');
const argv = process.argv.slice(2);
const ROWS = Number(argv[argv.indexOf('--rows') + 1] || 0) || 2_000_000;
const WRITE_DOCS = !argv.includes('--no-docs');
const ORDER = contenderOrder(argv, REPO, 'verify');
const BASELINE_SQL = `SELECT count(*)::text, md5(string_agg(t::text, E'\\n' ORDER BY id)) FROM public.items t`;
const say = (message: string) => console.log(`[bench verify] ${message}`);

interface Measured {
  readonly contender: string;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly detail: string;
}

async function main(): Promise<void> {
  const load = loadAverage();
  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'bench-verify-source' }),
    startPostgres({ name: 'bench-verify-dest', logical: false }),
    startNats({ name: 'bench-verify-nats' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-verify-'));
  const children: Child[] = [];
  const named = new Map<number, string>([
    [process.pid, 'bench driver (baseline queries)'],
    [natsServerPid(nats.storeDir), 'nats-server'],
  ]);
  const services = processClassifier(named, [
    [postmasterPid(source.dataDir), 'source Postgres (all processes)'],
    [postmasterPid(destination.dataDir), 'destination Postgres (all processes)'],
  ]);
  // The verify process is spawned inside its step: recognised by its command line.
  const classify: typeof services = (pid, ppid, cmdline) =>
    /cdc\.cjs verify /.test(cmdline) ? 'cdc verify' : services(pid, ppid, cmdline);
  const usage: ServiceUsage[] = [];
  const measure = stepMeasurer(named, classify, usage);
  const clients: Client[] = [];
  try {
    const sourceUrl = await source.createDatabase('bench');
    const destinationUrl = await destination.createDatabase('replica');
    const connectTo = async (url: string) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      clients.push(client);
      return client;
    };
    const [pgSource, pgDestination] = await Promise.all([connectTo(sourceUrl), connectTo(destinationUrl)]);
    say(`writing ${fmt(ROWS)} rows at the source`);
    await pgSource.query(`CREATE TABLE items (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2),
                            note text, at timestamptz NOT NULL)`);
    for (let from = 1; from <= ROWS; from += 100_000)
      await pgSource.query(
        `INSERT INTO items SELECT g, g % 1000, (g % 100000) / 100.0, 'note ' || g || repeat('x', 40),
                timestamptz '2024-01-01 00:00:00+00' + g * interval '1 millisecond'
           FROM generate_series($1::int8, $2::int8) g`,
        [from, Math.min(ROWS, from + 99_999)],
      );
    await pgSource.query('VACUUM ANALYZE items');
    const config = join(dir, 'cdc.yaml');
    writeFileSync(
      config,
      `# written by tools/bench/src/verify.ts: product defaults
nats:
  url: ${nats.url}
sources:
  - name: bench
    type: postgres
    url: ${sourceUrl}
    tables: ['public.items']
destinations:
  - name: replica
    type: postgres
    url: ${destinationUrl}
    sources: [bench]
    create_tables: true
`,
    );
    for (const kind of ['coordinator', 'applier', 'reader'] as const) {
      const args = [BUNDLE, kind, '--config', config];
      if (kind === 'reader') args.push('--source', 'bench');
      if (kind === 'applier') args.push('--destination', 'replica');
      const child = spawnLogged(process.execPath, args, join(dir, `${kind}.log`));
      children.push(child);
      if (child.process.pid) named.set(child.process.pid, kind);
    }
    say('replicating (the initial snapshot)');
    const snapshotStarted = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      for (const child of children)
        if (child.process.exitCode !== null) throw new Error(`a service exited:\n${tail(child.logFile)}`);
      const { rows } = await pgDestination
        .query(`SELECT count(*)::int8 AS n FROM public.items`)
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (Number(rows[0].n) >= ROWS) break;
    }
    await pgDestination.query('VACUUM ANALYZE public.items');
    say(`destination has every row (${((Date.now() - snapshotStarted) / 1000).toFixed(1)} s)`);

    const baseline = async (): Promise<Measured> =>
      measure('baseline: count + md5(string_agg) on both sides', async () => {
        const started = performance.now();
        const [left, right] = await Promise.all([pgSource.query(BASELINE_SQL), pgDestination.query(BASELINE_SQL)]);
        const seconds = (performance.now() - started) / 1000;
        const [sourceRow, destinationRow] = [left.rows[0], right.rows[0]] as Array<Record<string, string>>;
        if (JSON.stringify(sourceRow) !== JSON.stringify(destinationRow))
          throw new Error(`baseline: the digests differ: ${JSON.stringify([sourceRow, destinationRow])}`);
        say(`baseline: ${fmt(ROWS)} rows in ${seconds.toFixed(2)} s = ${fmt(ROWS / seconds)} rows/s`);
        return {
          contender: 'baseline: `SELECT count(*), md5(string_agg(t::text, … ORDER BY id))`, both sides at once',
          seconds,
          rowsPerSecond: ROWS / seconds,
          detail: 'one statement per side; the digests equal',
        };
      });
    const ours = async (): Promise<Measured> =>
      measure('cdc verify', async () => {
        const started = performance.now();
        const { code, stdout, stderr } = await runVerify(config);
        const seconds = (performance.now() - started) / 1000;
        if (code !== 0) throw new Error(`cdc verify exited ${code}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
        const report = JSON.parse(stdout) as VerifyReport;
        const [items] = report.tables;
        if (!items || items.status !== 'equal' || items.rows !== ROWS)
          throw new Error(`cdc verify did not find the ${ROWS} rows equal: ${JSON.stringify(items)}`);
        say(
          `cdc verify: ${fmt(ROWS)} rows in ${seconds.toFixed(2)} s = ${fmt(ROWS / seconds)} rows/s ` +
            `(its report: ${fmt(items.rowsPerSecond)} rows/s over ${items.seconds.toFixed(2)} s, ${items.chunks} chunks, ${items.rechecked} rechecked)`,
        );
        return {
          contender: '`cdc verify` (chunks of 10,000 rows, 4 at a time)',
          seconds,
          rowsPerSecond: ROWS / seconds,
          detail:
            `${items.chunks} chunks, ${items.rechecked} rechecked; the table alone ${items.seconds.toFixed(2)} s ` +
            `(${fmt(items.rowsPerSecond)} rows/s), the rest is start-up and the catalog`,
        };
      });
    const results: Measured[] = [];
    for (const contender of arrange(ORDER, [ours], [baseline])) results.push(await contender());

    const info = {
      ...runInfo(REPO, `node --import tsx tools/bench/src/verify.ts ${argv.join(' ')}`.trim(), load),
      order: ORDER,
      software: `PostgreSQL ${(await pgSource.query('SHOW server_version')).rows[0].server_version}, Node ${process.version}`,
    };
    const workload =
      `one table of ${fmt(ROWS)} rows (id bigint pk, int, numeric(12,2), ~50-byte text, timestamptz) ` +
      `replicated Postgres → Postgres, equal on both sides, the pipeline running idle`;
    const markdown = [
      ...runHeaderLines(info, workload),
      '',
      table(
        ['contender', 'seconds', 'rows/s', ''],
        results.map((r) => [r.contender, fmt(r.seconds, 2), fmt(r.rowsPerSecond), r.detail]),
        ['l', 'r', 'r', 'l'],
      ),
      '',
      '### CPU per process (CPU seconds and average cores while each step ran, from /proc)',
      '',
      usageTable(usage),
    ].join('\n');
    saveRun({
      repo: REPO,
      name: 'verify',
      script: 'verify.ts',
      heading: '## cdc verify against a whole-table checksum',
      results: { info, rows: ROWS, results, usage },
      markdown,
      plots: new Map(),
      docs: WRITE_DOCS,
      say,
    });
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((child) => child.exited));
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

/** `cdc verify --json` as its own process (not spawnSync: the CPU monitor samples it while it runs). */
function runVerify(config: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BUNDLE, 'verify', '--config', config, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

main().catch((error: unknown) => {
  console.error(`[bench verify] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
