import { tmpdir } from 'node:os';
import * as z from 'zod';
import { DEFAULT_SCHEMA, splitPattern, splitQualified, tableMatches } from './tables';
import { urlProblem } from './url';
import {
  boolean,
  integer,
  list,
  nameMap,
  oneOf,
  optionalText,
  problem,
  section,
  show,
  text,
  typeError,
  expected,
} from './values';
import { mysqlTls, rejectSslQuery } from './tls-schema';
import { resolveFilters, rowFilters } from './row-rules-schema';

export const NAME = /^[A-Za-z0-9_-]+$/;
const SLOT = /^[a-z0-9_]{1,63}$/;
/** Postgres truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;
const KEYSPACE = /^[A-Za-z0-9_-]+$/;
const SHARD = /^(-|[0-9a-f]*-[0-9a-f]*|0)$/;
export const POSTGRES_SCHEMES = ['postgres', 'postgresql'];

export const name = (description: string) =>
  text((value) => (NAME.test(value) ? undefined : `must match ${NAME.source}, got ${show(value)}`)).describe(
    description,
  );

const sourceName = () => name('`^[A-Za-z0-9_-]+$`, unique among sources. Used in JetStream stream and subject names.');

export const postgresUrl = () => text((value) => urlProblem(value, POSTGRES_SCHEMES));

const tablePattern = text((value) => {
  const parts = splitQualified(value);
  return parts && (parts.schema === '' || parts.table === '')
    ? `expected "schema.table" or "table", got ${show(value)}`
    : undefined;
});

const tables = (describe: string) => list(tablePattern, 'must list at least one table pattern').describe(describe);

const partitions = () =>
  integer(1, 1024).default(16).describe('JetStream partitions (subjects) the changes are spread over; 1..1024.');

const partitionBy = () =>
  nameMap(
    text((value) => (value === 'key' || value === 'table' ? undefined : `expected key or table, got ${show(value)}`)),
  )
    .default({})
    .describe(
      '`table pattern: key|table`. `key` spreads the rows of the matched tables over the partitions by a hash of their primary key ([below](#partitioning-by-key)); `table` (the default for every table) keeps a table in one partition.',
    );

const publish = () =>
  section({
    max_ops: integer(1).default(2000).describe('Most row changes in one published message; >= 1.'),
    max_bytes: integer(1)
      .default(1_000_000)
      .describe("Largest published message in bytes; >= 1 (keep below the NATS server's `max_payload`)."),
    max_delay_ms: integer(0).default(20).describe('Longest a change waits before its message is published; >= 0.'),
    watermark_interval_ms: integer(1)
      .default(500)
      .describe('How often watermarks (progress markers) are published to every partition; >= 1.'),
    // 16 MiB: room for a full next message in 16 busy partitions while their previous ones await
    // acks; it bounds the reader's memory when rows are wide (docs/benchmarks.md, Profile).
    max_buffered_bytes: integer(1)
      .default(16 * 1024 * 1024)
      .describe(
        "Encoded bytes of changes the reader holds unpublished or awaiting their ack, over all partitions, before it pauses reading the source (it keeps sending status updates, so the slot is not timed out); >= 1. Bounds the reader's memory for wide rows; a single larger change still goes through.",
      ),
  })
    .prefault({})
    .describe('How changes are grouped into JetStream messages.');

/** Table patterns normalized to "schema.table" (a pattern without a dot is in `defaultSchema`); no repeats. */
function normalizePatterns(ctx: z.RefinementCtx, patterns: readonly string[], defaultSchema: string): string[] {
  const seen = new Set<string>();
  return patterns.map((pattern, index) => {
    const normalized = splitQualified(pattern) ? pattern : `${defaultSchema}.${pattern}`;
    if (seen.has(normalized)) problem(ctx, `duplicate table pattern ${show(pattern)}`, ['tables', index]);
    seen.add(normalized);
    return normalized;
  });
}

/** The patterns of `partition_by` whose tables are spread over the partitions by key. */
function partitionByKey(
  ctx: z.RefinementCtx,
  entries: Record<string, string>,
  tablePatterns: readonly string[],
  defaultSchema: string,
): string[] {
  const byKey: string[] = [];
  for (const [key, mode] of Object.entries(entries)) {
    const path = ['partition_by', key];
    const parts = splitQualified(key);
    if (parts && (parts.schema === '' || parts.table === '')) {
      problem(ctx, `expected a table pattern "schema.table" or "table", got ${JSON.stringify(key)}`, path);
    }
    const pattern = parts ? key : `${defaultSchema}.${key}`;
    // A literal name must be one of the source's tables; a glob only needs to be meaningful there.
    const literal = splitPattern(pattern);
    if (!pattern.includes('*') && !tableMatches(tablePatterns, literal.schema, literal.table)) {
      problem(ctx, `table ${JSON.stringify(pattern)} is not matched by this source's tables`, path);
    }
    if (mode === 'key') byKey.push(pattern);
  }
  return byKey;
}

function identifierDefault(
  ctx: z.RefinementCtx,
  key: 'publication' | 'slot',
  given: string | undefined,
  derived: string,
) {
  if (given !== undefined) return given;
  if (key === 'publication' && Buffer.byteLength(derived, 'utf8') > MAX_IDENTIFIER_BYTES) {
    return problem(ctx, `default ${JSON.stringify(derived)} is longer than 63 bytes; set publication`, [key]);
  }
  if (key === 'slot' && !SLOT.test(derived)) {
    return problem(ctx, `default ${JSON.stringify(derived)} does not match ${SLOT.source}; set slot`, [key]);
  }
  return derived;
}

export const postgresSource = section({
  name: sourceName(),
  type: z.literal('postgres').describe('`postgres` (keys below) or `vitess` (see [Vitess sources](#vitess-sources)).'),
  url: postgresUrl().describe('`postgres://` or `postgresql://` URL of the source database.'),
  publication: optionalText((value) =>
    Buffer.byteLength(value, 'utf8') > MAX_IDENTIFIER_BYTES ? 'longer than 63 bytes' : undefined,
  ).describe('Postgres publication. Default: `cdc_<name>`, the name lowercased, `-` -> `_`. At most 63 bytes.'),
  slot: optionalText((value) =>
    SLOT.test(value) ? undefined : `must match ${SLOT.source}, got ${show(value)}`,
  ).describe(
    'Logical replication slot; must match `^[a-z0-9_]{1,63}$`. Default `cdc_<name>`, derived like `publication`.',
  ),
  tables: tables('Table patterns (see below), at least one. Stored normalized to `schema.table`.'),
  partitions: partitions(),
  partition_by: partitionBy(),
  snapshot: section({
    enabled: boolean().default(true).describe('Copy existing rows before streaming changes.'),
    parallelism: integer(1, 32).default(4).describe('Tables/chunks copied at once; 1..32.'),
    chunk_rows: integer(1).default(100_000).describe('Rows per snapshot chunk; >= 1.'),
  })
    .prefault({})
    .describe('The initial copy of the existing rows.'),
  publish: publish(),
  status_interval_ms: integer(1)
    .default(1000)
    .describe('How often the reader sends the standby status update (confirmed LSN) to Postgres; >= 1.'),
  table_discovery_interval_s: integer(0)
    .default(60)
    .describe(
      'Seconds between checks for new tables matching `tables` ([added live](#tables-added-and-removed-while-running-postgres-sources)); 0 = at start and on reload only.',
    ),
  large_transactions: section({
    stream: boolean()
      .default(true)
      .describe(
        'PostgreSQL 14+: a transaction larger than `logical_decoding_work_mem` arrives while it runs (pgoutput streaming) and waits in `spill_dir`; it is published only once committed, an aborted one never (docs/design-notes.md). `false`: the server holds it and sends it at commit.',
      ),
    spill_dir: optionalText().describe(
      'Where the reader keeps streamed transactions until they end: `<spill_dir>/cdc-<source>/`, a file each, about the size of its changes; not durable (a restarted reader receives open transactions again). Default: the OS temp dir.',
    ),
  })
    .prefault({})
    .describe("Transactions larger than the server's `logical_decoding_work_mem`."),
  failover_urls: list(postgresUrl())
    .default([])
    .describe(
      'The source\'s standbys, as URLs like `url`: the reader reads from whichever of `url` and these is the primary, and after a promotion starts over on the new one, from its failover slot (PostgreSQL 17+, the standbys syncing it; the reader checks the set-up at start and names what is missing in one line). Where the new primary has no slot (not synced, or before 17) the reader stops with one line instead of skipping changes: `cdc resnapshot` is the way on (README, "Standbys and failover").',
    ),
  primary_url: postgresUrl()
    .optional()
    .describe(
      'Set when `url` is a standby (PostgreSQL 16+ decodes on a standby): its primary, where the publication is created and changed and a live backfill writes its markers and reads; the slot, the initial snapshot and the stream stay on the standby (README, "Reading from a standby").',
    ),
  filters: rowFilters(
    ', pushed down into the publication (PostgreSQL 15+) and the initial snapshot, so other rows never leave the source; evaluated by the reader on 14',
  ),
}).transform((source, ctx) => {
  const derived = `cdc_${source.name.toLowerCase().replace(/-/g, '_')}`;
  const tablePatterns = normalizePatterns(ctx, source.tables, DEFAULT_SCHEMA);
  const { partitionBy: entries, largeTransactions, filters, ...rest } = source;
  const resolvedFilters = resolveFilters(ctx, filters, `source ${source.name}`, DEFAULT_SCHEMA, tablePatterns);
  return {
    ...rest,
    ...(resolvedFilters !== undefined ? { filters: resolvedFilters } : {}),
    publication: identifierDefault(ctx, 'publication', source.publication, derived),
    slot: identifierDefault(ctx, 'slot', source.slot, derived),
    tables: tablePatterns,
    partitionByKey: partitionByKey(ctx, entries, tablePatterns, DEFAULT_SCHEMA),
    largeTransactions: { stream: largeTransactions.stream, spillDir: largeTransactions.spillDir ?? tmpdir() },
  };
});

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

export const vitessSource = section({
  name: sourceName(),
  type: z.literal('vitess').describe('`vitess`: a keyspace read through vtgate (keys below).'),
  vtgate: text((value) => {
    const match = HOST_PORT.exec(value);
    return match === null || Number(match[2]) < 1 || Number(match[2]) > 65535
      ? `expected host:port, got ${show(value)}`
      : undefined;
  }).describe("vtgate's gRPC address, `host:port`."),
  keyspace: text((value) =>
    KEYSPACE.test(value) ? undefined : `must match ${KEYSPACE.source}, got ${show(value)}`,
  ).describe('The keyspace to stream (`^[A-Za-z0-9_-]+$`).'),
  shards: list(
    text((value) =>
      SHARD.test(value) ? undefined : `expected a shard name like "-80", "80-" or "0", got ${show(value)}`,
    ),
  )
    .default([])
    .describe('Shards to stream (`-80`, `80-`, `0`); absent: every shard of the keyspace.'),
  tables: tables(
    'Table patterns; a pattern without a dot is in the keyspace (`orders`, `order_*`); a dotted pattern must name this keyspace.',
  ),
  tablet_type: oneOf(['primary', 'replica', 'rdonly'])
    .default('primary')
    .describe('Tablets vtgate streams from: `primary`, `replica` or `rdonly`.'),
  mysql: text((value) => urlProblem(value, ['mysql'])).describe(
    "`mysql://user:password@host:port/keyspace` of vtgate's MySQL port, for the table schemas (information_schema) read before the copy.",
  ),
  mysql_tls: mysqlTls()
    .optional()
    .describe("TLS to vtgate's MySQL port: the same keys as `tls` of a `type: mysql` destination (below)."),
  start: oneOf(['copy', 'current'])
    .default('copy')
    .describe(
      'First start only: `copy` copies the tables (VStream Copy), then streams; `current` streams from now. Later starts resume from the committed VGtid.',
    ),
  partitions: partitions(),
  partition_by: partitionBy(),
  publish: publish(),
  heartbeat_interval_s: integer(1, 3600)
    .default(1)
    .describe('Seconds between vtgate heartbeats on an idle stream (they move watermarks on); 1..3600.'),
  stop_on_reshard: boolean()
    .default(false)
    .describe('On a reshard (journal event), stop with an error instead of following the new shards.'),
  reconnect: section({
    initial_ms: integer(1)
      .default(500)
      .describe('First delay before reconnecting after vtgate is lost; doubles per failure.'),
    max_ms: integer(1).default(30_000).describe('Longest delay between reconnect attempts; >= `initial_ms`.'),
  })
    .transform((reconnect, ctx) =>
      reconnect.maxMs < reconnect.initialMs ? problem(ctx, 'must be at least initial_ms', ['max_ms']) : reconnect,
    )
    .prefault({})
    .describe('Backoff after vtgate is lost.'),
  filters: rowFilters(
    ', pushed down into the VStream rule (`select * from t where ...`) and so into the copy where Vitess can evaluate it (an AND of column-literal comparisons, IN, IS [NOT] NULL, BETWEEN), the rest evaluated by the reader with MySQL\'s rules (README, "Which filters push down"); table patterns are in the keyspace (`orders` or `keyspace.orders`)',
  ),
}).transform((source, ctx) => {
  if (new Set(source.shards).size !== source.shards.length) problem(ctx, 'lists a shard twice', ['shards']);
  const tablePatterns = normalizePatterns(ctx, source.tables, source.keyspace);
  for (const pattern of tablePatterns) {
    const parts = splitQualified(pattern);
    if (parts && parts.schema !== source.keyspace) {
      problem(ctx, `pattern ${JSON.stringify(pattern)} names keyspace "${parts.schema}", not "${source.keyspace}"`, [
        'tables',
      ]);
    }
  }
  if (source.mysqlTls !== undefined) rejectSslQuery(ctx, source.mysql, 'mysql', 'mysql_tls');
  const { partitionBy: entries, filters, ...rest } = source;
  const resolvedFilters = resolveFilters(ctx, filters, `source ${source.name}`, source.keyspace, tablePatterns);
  return {
    ...rest,
    ...(resolvedFilters !== undefined ? { filters: resolvedFilters } : {}),
    tables: tablePatterns,
    partitionByKey: partitionByKey(ctx, entries, tablePatterns, source.keyspace),
  };
});

/** Discriminated on `type`. Adding a type: its section here (and its keys documented in the schema). */
export const source = z.discriminatedUnion('type', [postgresSource, vitessSource], {
  error: (issue) => typeOfUnion('source', ['postgres', 'vitess'], issue),
});

/** The message of a mapping whose `type` selects no known kind. */
export function typeOfUnion(kind: string, types: readonly string[], issue: { code?: string; input?: unknown }): string {
  if (issue.code !== 'invalid_union') return typeError('mapping')(issue);
  const type = (issue.input as { type?: unknown } | undefined)?.type;
  if (type === undefined || type === null) return 'required';
  if (typeof type !== 'string') return expected('string', type);
  return `unknown ${kind} type ${show(type)} (expected: ${types.join(', ')})`;
}

/** Sources with unique names. */
export const sources = list(source, 'at least one source is required')
  .transform((items, ctx) => uniqueNames(ctx, 'sources', items))
  .describe('The source databases the readers replicate from, discriminated by `type`.');

export function uniqueNames<T extends { name: string }>(ctx: z.RefinementCtx, key: string, items: T[]): T[] {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const previous = seen.get(item.name);
    if (previous !== undefined) {
      problem(ctx, `duplicate name ${show(item.name)} (also ${key}[${previous}])`, [index, 'name']);
    }
    seen.set(item.name, index);
  });
  return items;
}
