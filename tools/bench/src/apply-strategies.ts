// How a Postgres destination takes a batch of folded rows, measured on the server's side: the
// strategies the Postgres dialect could use for an upsert of N rows, each in its own
// transaction, into 8 tables of 20,000 rows (id bigint pk, n int, ~100-byte text, timestamptz),
// half the rows updates of existing keys. Server CPU is read from /proc for the one backend.
//   node --import tsx tools/bench/src/apply-strategies.ts [--rows-per-batch N ...] [--total N]
// Strategies (see docs/design-notes.md, "Streaming apply: unnest"):
//   json          INSERT ... SELECT FROM json_populate_recordset($1::json) ON CONFLICT (what rows as JSON did)
//   stage-copy    COPY into a temporary staging table (ON COMMIT DELETE ROWS), then INSERT ... SELECT ... ON CONFLICT
//   unnest-text   INSERT ... SELECT u.c::type FROM unnest($1::text[], ...) ON CONFLICT
//   unnest-binary-text  the same with each text[] sent in the binary array format (a Buffer parameter)
//   unnest-typed  INSERT ... SELECT FROM unnest($1::int8[], $2::int4[], ...) ON CONFLICT (what the dialect does)
// Each batch size runs every strategy twice, in alternating order.
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { startPostgres } from '@cdc/testenv';

const argv = process.argv.slice(2);
const sizes = argv.flatMap((arg, i) => (argv[i - 1] === '--rows-per-batch' ? [Number(arg)] : []));
const BATCH_SIZES = sizes.length > 0 ? sizes : [100, 2000];
const TOTAL = Number(argv[argv.indexOf('--total') + 1] || 0) || 200_000;
const TABLES = 8;
const TEXT = 'x'.repeat(100);

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

type Strategy = (client: Client, table: number, rows: string[][]) => Promise<void>;

const upsertTail = 'ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n, v = EXCLUDED.v, ts = EXCLUDED.ts';
const arrayOf = (rows: string[][], column: number) =>
  '{' + rows.map((row) => '"' + row[column].replace(/["\\]/g, '\\$&') + '"').join(',') + '}';

/** A text[] in Postgres' binary array format (what a Buffer parameter is sent as): no quoting, no parsing. */
function binaryTextArray(rows: string[][], column: number): Buffer {
  const values = rows.map((row) => Buffer.from(row[column], 'utf8'));
  const out = Buffer.allocUnsafe(20 + values.reduce((sum, value) => sum + 4 + value.length, 0));
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(0, 4); // no nulls
  out.writeInt32BE(25, 8); // element type: text
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = 20;
  for (const value of values) {
    out.writeInt32BE(value.length, at);
    value.copy(out, at + 4);
    at += 4 + value.length;
  }
  return out;
}

const STRATEGIES: Record<string, Strategy> = {
  json: async (client, t, rows) => {
    const json =
      '[' +
      rows.map((r) => `{"id":"${r[0]}","n":"${r[1]}","v":${JSON.stringify(r[2])},"ts":"${r[3]}"}`).join(',') +
      ']';
    await client.query({
      name: `json${t}`,
      text: `INSERT INTO t${t} (id, n, v, ts) SELECT d.id, d.n, d.v, d.ts FROM json_populate_recordset(NULL::t${t}, $1::json) d ${upsertTail}`,
      values: [json],
    });
  },
  'stage-copy': async (client, t, rows) => {
    await client.query(
      `CREATE TEMP TABLE IF NOT EXISTS s${t} ON COMMIT DELETE ROWS AS SELECT id, n, v, ts FROM t${t} WITH NO DATA`,
    );
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`COPY s${t} FROM STDIN`));
      stream.on('finish', resolve);
      stream.on('error', reject);
      stream.end(rows.map((row) => row.join('\t')).join('\n') + '\n');
    });
    await client.query({
      name: `stage${t}`,
      text: `INSERT INTO t${t} (id, n, v, ts) SELECT id, n, v, ts FROM s${t} ${upsertTail}`,
    });
  },
  'unnest-text': async (client, t, rows) => {
    await client.query({
      name: `text${t}`,
      text:
        `INSERT INTO t${t} (id, n, v, ts) SELECT u.a::pg_catalog.int8, u.b::pg_catalog.int4, u.c, u.d::pg_catalog.timestamptz ` +
        `FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(a, b, c, d) ${upsertTail}`,
      values: [0, 1, 2, 3].map((c) => arrayOf(rows, c)),
    });
  },
  'unnest-binary-text': async (client, t, rows) => {
    await client.query({
      name: `binary${t}`,
      text:
        `INSERT INTO t${t} (id, n, v, ts) SELECT u.a::pg_catalog.int8, u.b::pg_catalog.int4, u.c, u.d::pg_catalog.timestamptz ` +
        `FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(a, b, c, d) ${upsertTail}`,
      values: [0, 1, 2, 3].map((c) => binaryTextArray(rows, c)),
    });
  },
  'unnest-typed': async (client, t, rows) => {
    await client.query({
      name: `typed${t}`,
      text: `INSERT INTO t${t} (id, n, v, ts) SELECT * FROM unnest($1::int8[], $2::int4[], $3::text[], $4::timestamptz[]) ${upsertTail}`,
      values: [0, 1, 2, 3].map((c) => arrayOf(rows, c)),
    });
  },
};

async function main(): Promise<void> {
  const server = await startPostgres({ name: 'bench-apply-strategies' });
  const client = new Client({ connectionString: await server.createDatabase('strategies') });
  await client.connect();
  try {
    const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    const setup = async () => {
      for (let t = 0; t < TABLES; t += 1) {
        await client.query(
          `DROP TABLE IF EXISTS t${t}; CREATE TABLE t${t} (id bigint PRIMARY KEY, n int, v text, ts timestamptz)`,
        );
        await client.query(`INSERT INTO t${t} SELECT g, g, '${TEXT}', now() FROM generate_series(1, 20000) g`);
      }
      await client.query('VACUUM ANALYZE');
    };
    const rowsOf = (batch: number, size: number) =>
      Array.from({ length: size }, (_, i) => [
        String(((batch * 7919 + i * 2) % 40_000) + 1),
        String(batch),
        TEXT + batch,
        '2024-01-02 03:04:05.123456+00',
      ]);
    console.log('| rows per batch | strategy | round | server CPU s | wall s | rows/s |');
    console.log('| ---: | --- | ---: | ---: | ---: | ---: |');
    for (const size of BATCH_SIZES) {
      const batches = Math.max(1, Math.round(TOTAL / size));
      for (const round of [1, 2]) {
        const names = Object.keys(STRATEGIES);
        for (const name of round === 1 ? names : [...names].reverse()) {
          await setup();
          const cpu = cpuSeconds(pid);
          const started = performance.now();
          for (let b = 0; b < batches; b += 1) {
            await client.query('BEGIN');
            await STRATEGIES[name](client, b % TABLES, rowsOf(b, size));
            await client.query('COMMIT');
          }
          const wall = (performance.now() - started) / 1000;
          console.log(
            `| ${size} | ${name} | ${round} | ${(cpuSeconds(pid) - cpu).toFixed(2)} | ${wall.toFixed(2)} | ${Math.round((size * batches) / wall)} |`,
          );
        }
      }
    }
  } finally {
    await client.end();
    await server.destroy();
  }
}

void main();
