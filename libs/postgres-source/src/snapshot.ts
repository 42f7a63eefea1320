import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import type { ChangeOp, Value } from '@cdc/change-envelope';
import type { Logger } from '@cdc/service-runtime';
import { SourceCatalog, type RelationState } from './catalog';
import { SESSION_OPTIONS } from './session-settings';
import { decodeTextValue } from './values';
import type { SourceTable } from './preflight';

export interface SnapshotOptions {
  readonly source: string;
  readonly url: string;
  /** Exported by CREATE_REPLICATION_SLOT; every worker imports it, so all read the same instant. */
  readonly snapshotName: string;
  readonly tables: readonly SourceTable[];
  /** Position for every snapshot op: just below the slot's consistent point, so streamed changes sort after. */
  readonly commit: bigint;
  readonly parallelism: number;
  readonly chunkRows: number;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Receives ops in order per table; may return a promise to apply back-pressure. */
  readonly emit: (op: ChangeOp) => void | Promise<void>;
}

interface Chunk {
  readonly table: SourceTable;
  readonly relation: RelationState;
  /** Page range [fromPage, toPage); toPage undefined = to the end of the table. */
  readonly fromPage: number;
  readonly toPage: number | undefined;
}

const TEXT_PARSERS = { getTypeParser: () => (value: string) => value };

/**
 * The consistent initial snapshot: N connections import the slot's exported snapshot and
 * read the tables in chunks of heap pages (TID range scans), so a large table is read in
 * parallel and no chunk needs a sort or an index. Every table is preceded by a truncate op:
 * a destination that already holds rows (an earlier, interrupted snapshot) ends up equal to
 * the source instead of keeping rows deleted in between.
 */
export async function takeSnapshot(options: SnapshotOptions): Promise<{ rows: number; tables: number }> {
  const workers: Client[] = [];
  try {
    const count = Math.max(1, Math.min(options.parallelism, Math.max(1, options.tables.length * 4)));
    for (let i = 0; i < count; i += 1) {
      const client = new Client({
        connectionString: options.url,
        options: SESSION_OPTIONS,
        application_name: `cdc-snapshot-${options.source}`,
      });
      await client.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await client.query(`SET TRANSACTION SNAPSHOT ${escapeLiteral(options.snapshotName)}`);
      workers.push(client);
    }
    const catalog = new SourceCatalog(workers[0]);
    let index = 0;
    const nextIndex = () => {
      if (index >= 0xffffffff) throw new Error(`source ${options.source}: snapshot has more than 2^32 rows`);
      return index++;
    };
    const startedUs = Date.now() * 1000;
    const chunks: Chunk[] = [];
    let estimatedRows = 0;
    const remainingChunks = new Map<SourceTable, number>();
    for (const table of options.tables) {
      const relation = await describeSourceTable(workers[0], catalog, table);
      const layout = await workers[0].query<{ pages: string; tuples: string; server: string }>(
        `SELECT (pg_relation_size($1::oid) / current_setting('block_size')::int)::int8::text AS pages,
                c.reltuples::int8::text AS tuples, current_setting('server_version_num') AS server
           FROM pg_class c WHERE c.oid = $1::oid`,
        [table.relationId],
      );
      const pages = Number(layout.rows[0].pages);
      let tuples = Number(layout.rows[0].tuples);
      if (tuples <= 0 && pages > 0) tuples = await estimateRows(workers[0], table, pages);
      estimatedRows += tuples;
      const tidRangeScans = Number(layout.rows[0].server) >= 140000;
      const pagesPerChunk =
        tuples > 0 && pages > 0 ? Math.max(1, Math.floor((options.chunkRows * pages) / tuples)) : pages + 1;
      let tableChunks = 0;
      if (!tidRangeScans || pages <= pagesPerChunk) {
        chunks.push({ table, relation, fromPage: 0, toPage: undefined });
        tableChunks = 1;
      } else {
        for (let from = 0; from < pages; from += pagesPerChunk) {
          const last = from + pagesPerChunk >= pages;
          chunks.push({ table, relation, fromPage: from, toPage: last ? undefined : from + pagesPerChunk });
          tableChunks += 1;
        }
      }
      remainingChunks.set(table, tableChunks);
      await options.emit({
        kind: 'truncate',
        table: relation.schema,
        key: [],
        position: { commit: options.commit, index: nextIndex() },
        commitTimeUs: startedUs,
      });
    }

    let rows = 0;
    let tablesDone = 0;
    const started = Date.now();
    const progress = setInterval(() => {
      const seconds = (Date.now() - started) / 1000;
      const rate = rows / Math.max(seconds, 0.001);
      const eta = rate > 0 && estimatedRows > rows ? Math.round((estimatedRows - rows) / rate) : 0;
      options.log.info(
        {
          tablesDone,
          tables: options.tables.length,
          rows,
          estimatedRows,
          rowsPerSecond: Math.round(rate),
          etaSeconds: eta,
        },
        `snapshot: ${tablesDone}/${options.tables.length} tables, ${rows} rows, ${Math.round(rate)} rows/s, ETA ${eta}s`,
      );
    }, 2_000);
    progress.unref();

    let next = 0;
    try {
      await Promise.all(
        workers.map(async (client) => {
          while (next < chunks.length && !options.signal.aborted) {
            const chunk = chunks[next++];
            // Not `rows += await …`: that reads `rows` before the await and loses the other workers' rows.
            const read = await readChunk(client, chunk, options, nextIndex, startedUs);
            rows += read;
            const left = (remainingChunks.get(chunk.table) ?? 1) - 1;
            remainingChunks.set(chunk.table, left);
            if (left === 0) tablesDone += 1;
          }
        }),
      );
    } finally {
      clearInterval(progress);
    }
    if (options.signal.aborted) throw new Error(`source ${options.source}: snapshot interrupted by shutdown`);
    const seconds = (Date.now() - started) / 1000;
    options.log.info(
      { tables: options.tables.length, rows, seconds, rowsPerSecond: Math.round(rows / Math.max(seconds, 0.001)) },
      `snapshot read: ${options.tables.length} tables, ${rows} rows in ${seconds.toFixed(1)}s`,
    );
    return { rows, tables: options.tables.length };
  } finally {
    await Promise.all(workers.map((client) => client.end().catch(() => undefined)));
  }
}

async function readChunk(
  client: Client,
  chunk: Chunk,
  options: SnapshotOptions,
  nextIndex: () => number,
  commitTimeUs: number,
): Promise<number> {
  const { relation } = chunk;
  const columns = relation.schema.columns.map((column) => escapeIdentifier(column.name)).join(', ');
  const target = `${escapeIdentifier(relation.schema.schema)}.${escapeIdentifier(relation.schema.table)}`;
  const params: string[] = [];
  let where = '';
  if (chunk.toPage !== undefined || chunk.fromPage > 0) {
    params.push(`(${chunk.fromPage},0)`);
    where = ' WHERE ctid >= $1::tid';
    if (chunk.toPage !== undefined) {
      params.push(`(${chunk.toPage},0)`);
      where += ' AND ctid < $2::tid';
    }
  }
  // Through a cursor, FETCH_ROWS at a time: a whole chunk (chunk_rows, 100,000 by default) read
  // at once was held in memory twice over (raw and decoded) per worker, ~700 MB peak RSS for a
  // 2,000,000-row table (docs/benchmarks.md).
  await client.query({
    text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT ${columns} FROM ${target}${where}`,
    values: params,
  });
  let total = 0;
  for (;;) {
    const result = await client.query<string[]>({
      text: `FETCH ${FETCH_ROWS} FROM ${CURSOR}`,
      rowMode: 'array',
      types: TEXT_PARSERS,
    });
    for (const raw of result.rows) {
      const after: Value[] = new Array(raw.length);
      for (let i = 0; i < raw.length; i += 1) after[i] = decodeTextValue(raw[i], relation.types[i]);
      const pending = options.emit({
        kind: 'snapshot-row',
        table: relation.schema,
        key: relation.keyIndexes.map((i) => after[i]),
        after,
        position: { commit: options.commit, index: nextIndex() },
        commitTimeUs,
      });
      if (pending) await pending;
    }
    total += result.rows.length;
    if (result.rows.length < FETCH_ROWS) break;
  }
  // An error above aborts the transaction (the worker ends), so only a finished read closes.
  await client.query(`CLOSE ${CURSOR}`);
  return total;
}

/** One chunk at a time per worker connection, so one cursor name suffices. */
const CURSOR = 'cdc_snapshot_chunk';
/**
 * A fetched batch stays referenced until its last row is published, and a worker often waits
 * for publish capacity in between: at 5,000 rows the batches of the parallel workers outlived
 * young-generation collections and were promoted (old-generation garbage, ~40 MB more peak
 * RSS in the 2,000,000-row bench). 250 rows cost no measurable CPU (a reader alone read
 * 1,000,000 rows with 3.5 s of CPU at 250 and at 1,000) and took another ~10 MB off its peak.
 */
const FETCH_ROWS = 250;

/** The table as pgoutput would describe it, read from the catalog (for reads outside the stream). */
export async function describeSourceTable(
  client: Client,
  catalog: SourceCatalog,
  table: SourceTable,
): Promise<RelationState> {
  // The same columns pgoutput publishes: no dropped or generated columns.
  const columns = await client.query<{ name: string; type_oid: string; type_mod: number; is_key: boolean | null }>(
    `SELECT a.attname AS name, a.atttypid::int8::text AS type_oid, a.atttypmod AS type_mod,
            (SELECT a.attnum = ANY(i.indkey) FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisreplident) AS is_key
       FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
    [table.relationId],
  );
  return catalog.describeRelation(
    table.relationId,
    table.schema,
    table.table,
    table.replicaIdentity,
    columns.rows.map((row) => ({
      name: row.name,
      typeOid: Number(row.type_oid),
      typeModifier: row.type_mod,
      isKey: row.is_key === true,
    })),
  );
}

/**
 * A table never analyzed has no row estimate (reltuples = -1), which would make it one chunk:
 * count the rows of its first pages and scale by the page count instead.
 */
async function estimateRows(client: Client, table: SourceTable, pages: number): Promise<number> {
  const sampled = Math.min(pages, 32);
  const target = `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.table)}`;
  const counted = await client.query<{ n: string }>(
    `SELECT count(*)::int8::text AS n FROM ${target} WHERE ctid < $1::tid`,
    [`(${sampled},0)`],
  );
  return Math.max(1, Math.round((Number(counted.rows[0].n) * pages) / sampled));
}
