// Apply throughput against the number of applier instances, in one run:
//   node --import tsx tools/bench/src/appliers.ts [--rows N] [--no-docs]
// The reader publishes N streamed rows (1000-row source transactions, 16 partitions, 8 tables)
// once; three destinations consume the same stream (interest retention keeps every message
// until all three acked). Then each destination drains it with 1, 2 and 4 applier processes
// (one group per destination, rendezvous-hashed partitions): rows/s from the appliers' start
// to the last row at the destination.
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { startNats, startPostgres } from '@cdc/testenv';
import { spawnLogged, tail, type Child } from './pipeline';

const REPO = resolve(__dirname, '../../..');
const BUNDLE = join(REPO, 'dist/cdc.cjs');
const argv = process.argv.slice(2);
const ROWS = Number(argv[argv.indexOf('--rows') + 1] || 0) || 200_000;
const WRITE_DOCS = !argv.includes('--no-docs');
const COUNTS = [1, 2, 4];
const TABLES = 8;
const say = (message: string) => console.log(`[bench appliers] ${message}`);

async function main(): Promise<void> {
  const [source, destination, nats] = await Promise.all([
    startPostgres({ name: 'bench-ap-source' }),
    startPostgres({ name: 'bench-ap-dest', logical: false }),
    startNats({ name: 'bench-ap-nats' }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bench-appliers-'));
  const children: Child[] = [];
  try {
    const sourceUrl = await source.createDatabase('bench');
    const destinationUrls = await Promise.all(COUNTS.map((n) => destination.createDatabase(`replica_${n}`)));
    const pg = new Client({ connectionString: sourceUrl });
    await pg.connect();
    for (let t = 1; t <= TABLES; t += 1) {
      await pg.query(`CREATE TABLE t${t} (id bigint PRIMARY KEY, account int NOT NULL, note text)`);
    }
    const config = join(dir, 'cdc.yaml');
    writeFileSync(
      config,
      `nats:
  url: ${nats.url}
sources:
  - name: bench
    type: postgres
    url: ${sourceUrl}
    tables: ['public.*']
    snapshot:
      enabled: false
destinations:
${COUNTS.map(
  (n, i) => `  - name: replica_${n}
    type: postgres
    url: ${destinationUrls[i]}
    sources: [bench]
    create_tables: true
`,
).join('')}coordinator:
  interval_ms: 200
`,
    );
    const run = (kind: string, destinationName?: string) => {
      const args = [BUNDLE, kind, '--config', config];
      if (kind === 'reader') args.push('--source', 'bench');
      if (destinationName) args.push('--destination', destinationName);
      const child = spawnLogged(process.execPath, args, join(dir, `${kind}-${children.length}.log`));
      children.push(child);
      return child;
    };
    const reader = run('reader');
    await new Promise((r) => setTimeout(r, 3_000));
    say(`writing ${ROWS} rows over ${TABLES} tables (1000-row transactions)`);
    for (let from = 1; from <= ROWS; from += 1000) {
      const table = `t${1 + (((from - 1) / 1000) % TABLES)}`;
      await pg.query(
        `INSERT INTO ${table} (id, account, note) SELECT g, g % 1000, 'note ' || g || repeat('x', 40)
           FROM generate_series($1::int8, $2::int8) g`,
        [from, Math.min(ROWS, from + 999)],
      );
    }
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    let last = -1;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1_000));
      if (reader.process.exitCode !== null) throw new Error(`reader exited:\n${tail(reader.logFile)}`);
      const info = await jsm.streams.info('CDC_bench');
      if (info.state.messages === last && last > 0) break;
      last = info.state.messages;
    }
    await nc.close();
    say(`published: ${last} messages; draining with 1, 2 and 4 appliers`);

    const rates: number[] = [];
    for (const [i, count] of COUNTS.entries()) {
      const dest = new Client({ connectionString: destinationUrls[i] });
      await dest.connect();
      const started = Date.now();
      const appliers = Array.from({ length: count }, () => run('applier', `replica_${count}`));
      for (;;) {
        await new Promise((r) => setTimeout(r, 200));
        for (const applier of appliers) {
          if (applier.process.exitCode !== null) throw new Error(`applier exited:\n${tail(applier.logFile)}`);
        }
        const counts = await dest
          .query(
            Array.from({ length: TABLES }, (_, t) => `SELECT count(*)::int8 AS n FROM t${t + 1}`).join(' UNION ALL '),
          )
          .catch(() => ({ rows: [] as { n: string }[] }));
        const total = counts.rows.reduce((sum, row) => sum + Number(row.n), 0);
        if (counts.rows.length === TABLES && total >= ROWS) break;
      }
      const seconds = (Date.now() - started) / 1000;
      rates.push(ROWS / seconds);
      say(`${count} applier(s): ${ROWS} rows in ${seconds.toFixed(1)} s = ${Math.round(ROWS / seconds)} rows/s`);
      for (const applier of appliers) applier.process.kill('SIGTERM');
      await Promise.all(appliers.map((a) => a.exited));
      await dest.end();
    }
    await pg.end();
    if (WRITE_DOCS) {
      appendFileSync(
        join(REPO, 'docs/benchmarks.md'),
        `\n## Apply throughput by applier count (${new Date().toISOString().slice(0, 10)}, \`node --import tsx tools/bench/src/appliers.ts --rows ${ROWS}\`)\n\n` +
          `${cpus().length} cores shared by both PostgreSQL servers, nats-server and the appliers. ${ROWS} rows over ${TABLES} ` +
          `tables, published once to 16 partitions; each applier count drains the same messages into its own database.\n\n` +
          `| appliers | rows/s | vs 1 |\n| --- | --- | --- |\n` +
          COUNTS.map((n, i) => `| ${n} | ${Math.round(rates[i])} | ${(rates[i] / rates[0]).toFixed(2)} |`).join('\n') +
          '\n',
      );
      say('appended to docs/benchmarks.md');
    }
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await Promise.all([source.destroy(), destination.destroy(), nats.destroy()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
