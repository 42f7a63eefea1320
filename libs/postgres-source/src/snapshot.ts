import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { textOp, type ChangeOp } from '@cdc/change-envelope';
import type { Logger } from '@cdc/service-runtime';
import { SourceCatalog, type RelationState } from './catalog';
import { SESSION_OPTIONS } from './session-settings';
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
  /** Bytes of COPY text per 'rows' op (a message holds one): the bulk lane's unit of transfer and apply. */
  readonly chunkBytes: number;
  /**
   * A table's row filter as SQL (rendered from the parsed filter, see RowFilters): the snapshot
   * reads only the rows the publication will stream. Absent: every row.
   */
  readonly rowFilter?: (table: SourceTable) => string | undefined;
  /** Tables whose rows go one op per row (partitioned by key: each row to its key's partition). */
  readonly perRow?: (table: SourceTable) => boolean;
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
    /** The next `count` row indexes (a chunk's rows each have one: see expandRows); returns the first. */
    const nextIndex = (count = 1) => {
      if (index + count > 0xffffffff) throw new Error(`source ${options.source}: snapshot has more than 2^32 rows`);
      const first = index;
      index += count;
      return first;
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
  nextIndex: (count?: number) => number,
  commitTimeUs: number,
): Promise<number> {
  const { relation } = chunk;
  const columns = relation.schema.columns.map((column) => escapeIdentifier(column.name)).join(', ');
  const target = `${escapeIdentifier(relation.schema.schema)}.${escapeIdentifier(relation.schema.table)}`;
  // COPY takes no parameters: the bounds are tid literals written from integers.
  const conditions: string[] = [];
  if (chunk.toPage !== undefined || chunk.fromPage > 0) {
    conditions.push(`ctid >= '(${Math.trunc(chunk.fromPage)},0)'::tid`);
    if (chunk.toPage !== undefined) conditions.push(`ctid < '(${Math.trunc(chunk.toPage)},0)'::tid`);
  }
  // Rendered from the parsed filter (quoted identifiers, escaped literals), never the user's text.
  const filter = options.rowFilter?.(chunk.table);
  if (filter !== undefined) conditions.push(`(${filter})`);
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const rows = new CopyRows(client, `COPY (SELECT ${columns} FROM ${target}${where}) TO STDOUT`, options);
  const emit = async (op: ChangeOp) => {
    const wait = options.emit(op);
    if (wait) await wait;
  };
  const position = (rows = 1) => ({ commit: options.commit, index: nextIndex(rows) });
  let total = 0;
  if (options.perRow?.(chunk.table)) {
    // One op per row: a table partitioned by key sends each row to its key's partition.
    for await (const row of rows.lines()) {
      total += 1;
      await emit(
        textOp({
          kind: 'snapshot-row',
          table: relation.schema,
          position: position(),
          commitTimeUs,
          text: { after: row },
        }),
      );
    }
    return total;
  }
  for await (const { bytes, count } of rows.chunks(Math.max(1024, options.chunkBytes))) {
    total += count;
    await emit(
      textOp({
        kind: 'rows',
        table: relation.schema,
        position: position(count),
        commitTimeUs,
        text: { after: bytes },
        rows: count,
        intoEmpty: true,
      }),
    );
  }
  return total;
}

/**
 * The bulk lane's read: rows as COPY text, straight from `COPY (SELECT ...) TO STDOUT`, never
 * looked at value by value. The session's DateStyle, TimeZone, bytea_output and
 * extra_float_digits (SESSION_OPTIONS) make the text the same as the stream's. A consumer that
 * stops reading holds the server back (stream back-pressure), so publishing paces the read.
 */
class CopyRows {
  constructor(
    private readonly client: Client,
    private readonly statement: string,
    private readonly options: SnapshotOptions,
  ) {}

  /** Whole rows (each ending in a newline) in pieces of about `limit` bytes; a longer row goes alone. */
  chunks(limit: number): AsyncGenerator<{ bytes: Uint8Array; count: number }> {
    return chunkCopyText(this.read(), limit);
  }

  /** One row at a time (without its newline). */
  async *lines(): AsyncGenerator<Uint8Array> {
    let pending: Buffer = Buffer.alloc(0);
    for await (const data of this.read()) {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      let start = 0;
      for (let end = pending.indexOf(10); end >= 0; end = pending.indexOf(10, start)) {
        yield Uint8Array.prototype.slice.call(pending, start, end);
        start = end + 1;
      }
      pending = pending.subarray(start);
    }
  }

  private async *read(): AsyncGenerator<Buffer> {
    const stream = this.client.query(copyTo(this.statement));
    for await (const data of stream as AsyncIterable<Buffer>) {
      if (this.options.signal.aborted) {
        stream.destroy();
        throw new Error(`source ${this.options.source}: snapshot interrupted by shutdown`);
      }
      yield data;
    }
  }
}

/**
 * COPY text in pieces as a stream gives them, regrouped into chunks of whole rows (each ending
 * in a newline) of about `limit` bytes; a row longer than that is a chunk alone.
 */
export async function* chunkCopyText(
  pieces: AsyncIterable<Buffer>,
  limit: number,
): AsyncGenerator<{ bytes: Uint8Array; count: number }> {
  // The pieces are kept as they come and joined once a chunk's worth is here: joining at every
  // piece copied each chunk's bytes over and over (and left as much garbage).
  let parts: Buffer[] = [];
  let size = 0;
  for await (const data of pieces) {
    parts.push(data);
    size += data.length;
    if (size < limit) continue;
    // A fresh buffer the chunks below are views of (one piece alone is copied out of the stream's).
    let pending = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts, size);
    while (pending.length >= limit) {
      let cut = pending.lastIndexOf(10, limit - 1);
      if (cut < 0) cut = pending.indexOf(10, limit);
      if (cut < 0) break;
      const bytes = pending.subarray(0, cut + 1);
      pending = pending.subarray(cut + 1);
      yield { bytes, count: countLines(bytes) };
    }
    parts = pending.length > 0 ? [pending] : [];
    size = pending.length;
  }
  if (size > 0) {
    const bytes = Buffer.concat(parts, size);
    yield { bytes, count: countLines(bytes) };
  }
}

function countLines(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) count += 1;
  return count;
}

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
