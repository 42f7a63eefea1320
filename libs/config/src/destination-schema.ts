import * as z from 'zod';
import { splitQualified } from './tables';
import { urlProblem } from './url';
import { name, postgresUrl, typeOfUnion, uniqueNames } from './source-schema';
import { mysqlTls, rejectSslQuery } from './tls-schema';
import { columnTransforms, resolveFilters, resolveTransforms, rowFilters, transformKey } from './row-rules-schema';
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
} from './values';

const CDC_PREFIX = '_cdc_';
const destinationName = () => name('`^[A-Za-z0-9_-]+$`, unique among destinations.');

const qualified = (value: string) => {
  const parts = splitQualified(value);
  return !parts || parts.schema === '' || parts.table === ''
    ? `expected "schema.table", got ${show(value)}`
    : undefined;
};

/** The long form of a `tables` entry: where the table goes, its propagation model, its column mapping. */
const tableEntry = section({
  to: optionalText(qualified).describe('Destination `schema.table` (default: the usual rule, `schema`, …).'),
  mode: oneOf(['clone', 'history', 'append-only']).optional().meta({
    default: 'clone',
    description:
      '`clone`: the destination mirrors the source. `history`: every version of a row is a row, with valid-from/valid-to times. `append-only`: every insert and update is appended as a row.',
  }),
  columns: section({
    rename: nameMap(text())
      .default({})
      .describe(
        '`source column: destination column`, applied to every op, to created tables and to schema evolution. Two columns renamed to one name, a target starting with `_cdc_`, or a renamed column also excluded are errors; a target equal to another source column the table has stops the partition at run time.',
      ),
    exclude: list(text())
      .default([])
      .describe('Source columns never written (nor created). Key columns cannot be excluded (checked at run time).'),
  })
    .optional()
    .describe('Column mapping.'),
  deletes: oneOf(['ignore', 'record']).optional().meta({
    default: 'ignore',
    description:
      '`append-only` only (an error with another mode): `ignore` deletes, or `record` them as a row holding the key and op kind `delete`.',
  }),
});

type TableEntry = z.output<typeof tableEntry>;

function tablePolicy(ctx: z.RefinementCtx, path: string[], entry: TableEntry) {
  const mode = entry.mode ?? 'clone';
  if (entry.deletes !== undefined && mode !== 'append-only') {
    problem(ctx, `only applies to mode: append-only (this table's mode is ${mode})`, [...path, 'deletes']);
  }
  const rename = entry.columns?.rename ?? {};
  const exclude = entry.columns?.exclude ?? [];
  const columnsPath = [...path, 'columns'];
  exclude.forEach((column, index) => {
    if (exclude.indexOf(column) !== index) {
      problem(ctx, `duplicate column ${JSON.stringify(column)}`, [...columnsPath, 'exclude', index]);
    }
  });
  const targets = new Map<string, string>();
  for (const [from, to] of Object.entries(rename)) {
    const at = [...columnsPath, 'rename', from];
    if (exclude.includes(from)) problem(ctx, `column ${JSON.stringify(from)} is also excluded`, at);
    if (to.startsWith(CDC_PREFIX)) problem(ctx, `must not start with ${CDC_PREFIX} (reserved)`, at);
    const clash = targets.get(to);
    if (clash !== undefined) {
      problem(
        ctx,
        `${JSON.stringify(from)} and ${JSON.stringify(clash)} are both renamed to ${JSON.stringify(to)}`,
        at,
      );
    }
    targets.set(to, from);
  }
  return { mode, rename, exclude, deletes: entry.deletes ?? 'ignore' };
}

export type TablePolicy = ReturnType<typeof tablePolicy>;

/** This destination's own row filters and column transforms (issue 19). */
const rowRules = {
  filters: rowFilters(' to this destination, evaluated by its applier (the source still sends every row)'),
  transforms: columnTransforms(),
  transform_key: transformKey(),
};

const common = {
  sources: list(text(), 'must list at least one source').describe(
    'Names of the sources this destination applies; each must exist, at least one, no repeats.',
  ),
  create_tables: boolean()
    .default(false)
    .describe(
      'Create missing destination tables from the source table definitions, and evolve them with the source schema (below).',
    ),
  tables: nameMap(
    z.union([text(), tableEntry], {
      error: (issue) => (issue.input === undefined ? 'required' : typeError('string or mapping')(issue)),
    }),
  )
    .default({})
    .describe(
      '`"srcschema.srctable": "dstschema.dsttable"` renames, or a mapping with mode and column mapping (see below).',
    ),
  schema: optionalText().describe(
    "Destination schema for every table not in `tables`; absent: the source table's own schema.",
  ),
  batch: section({
    max_ops: integer(1).default(5000).describe('Most row changes applied in one destination transaction; >= 1.'),
    max_wait_ms: integer(0).default(50).describe('Longest the applier waits to fill a batch; >= 0.'),
    max_idle_ms: integer(0)
      .default(10)
      .describe(
        "Longest the applier waits for a batch's next message once the batch has one; >= 0. Under a backlog the next messages are already prefetched; on a live stream a batch closes after this gap instead of waiting out `max_wait_ms` (lower lag).",
      ),
    max_bytes: integer(1024)
      .default(16 * 1024 * 1024)
      .describe(
        'Most message bytes applied in one destination transaction (16 MiB); >= 1024. A snapshot chunk is one op of thousands of rows, so this, not `max_ops`, bounds a batch of them.',
      ),
  })
    .prefault({})
    .describe('How many changes go into one destination transaction.'),
  concurrency: integer(1, 1024)
    .default(4)
    .describe(
      "Destination connections, i.e. partitions applied at once; 1..1024. At most `concurrency` + 1 partitions hold a formed batch (one waits ready); the others leave their messages in their consumers' prefetch (2 messages each), and a batch's ops are decoded only when its statements are built.",
    ),
  membership: section({
    heartbeat_ms: integer(50)
      .default(1000)
      .describe(
        'How often each applier instance of this destination refreshes its entry in the `cdc_members` KV bucket; >= 50.',
      ),
    ttl_ms: integer(100)
      .default(5000)
      .describe(
        'An instance silent this long is gone and its partitions move to the others; at least twice `heartbeat_ms`.',
      ),
  })
    .transform((membership, ctx) =>
      membership.ttlMs < membership.heartbeatMs * 2
        ? problem(ctx, `must be at least twice heartbeat_ms (${membership.heartbeatMs})`, ['ttl_ms'])
        : membership,
    )
    .prefault({})
    .describe('Applier instances of this destination share its partitions (rendezvous hashing over live members).'),
  on_error: oneOf(['stop', 'dead-letter'])
    .default('stop')
    .describe(
      'An op the destination rejects as bad data (SQLSTATE class 22 or 23: constraint violation, value out of range). `stop` stops that partition (one error line naming table, key, position, stream sequence and the database message; metric `cdc_partition_stopped`; the other partitions go on). `dead-letter` bisects the batch into smaller transactions so the good ops still apply in order, stores the rejected op in the JetStream stream `CDC_DLQ` (subject `cdc.dlq.<destination>.<source>.<partition>.<position>`, with the error, table, key, position and source stream sequence; metric `cdc_dead_lettered_ops_total`) and moves the checkpoint past it. See `cdc dlq list` / `cdc dlq replay`. Other errors (schema, connection) never dead-letter.',
    ),
};

/** Consolidation keys (postgres destinations only; a mysql destination rejects them by key). */
const consolidation = {
  source_id: section({
    column: text((value) =>
      value.startsWith(CDC_PREFIX)
        ? `must not start with ${CDC_PREFIX} (reserved for history/append-only columns)`
        : undefined,
    ).describe(
      "A `text` column added to every destination table of this destination, holding the source's id; it joins the primary key (first in tables the applier creates). Deletes, updates and truncates of one source only touch that source's rows (a TRUNCATE becomes `DELETE ... WHERE <column> = <id>`). Must not start with `_cdc_`.",
    ),
    values: nameMap(text())
      .optional()
      .describe(
        "`source name: id` (default: each source's `name`); every key must be one of this destination's `sources`; two sources may not share an id.",
      ),
  })
    .optional()
    .describe('Fan-in: every row is tagged with its source in this column.'),
  missing_columns: oneOf(['fail', 'create', 'ignore'])
    .optional()
    .describe(
      "A source column (after renames and exclusions) the destination table lacks: `fail` stops the partition with one error naming destination, table and column; `create` adds it (needs `create_tables: true`); `ignore` drops that column's values (logged once at info). Default: `create` with `create_tables: true`, else `fail`.",
    ),
};

type CommonInput = {
  name: string;
  sources: string[];
  createTables: boolean;
  tables: Record<string, string | TableEntry>;
  sourceId?: { column: string; values?: Record<string, string> };
  missingColumns?: 'fail' | 'create' | 'ignore';
  filters?: Record<string, string>;
  transforms?: Parameters<typeof resolveTransforms>[1];
  transformKey?: string;
};

/** Splits `tables` into the name mapping and the long-form policies; source ids and missing_columns defaulted. */
function resolveCommon<T extends CommonInput>(destination: T, ctx: z.RefinementCtx) {
  const { sourceId, missingColumns, tables: entries, filters, transforms, transformKey, ...rest } = destination;
  const owner = `destination ${destination.name}`;
  const resolvedFilters = resolveFilters(ctx, filters, owner, 'public');
  const resolvedTransforms = resolveTransforms(ctx, transforms, transformKey, owner);
  const tables: Record<string, string> = {};
  const tablePolicies: Record<string, TablePolicy> = {};
  for (const [from, entry] of Object.entries(entries)) {
    const parts = splitQualified(from);
    if (!parts || parts.schema === '' || parts.table === '')
      problem(ctx, 'key must be "schema.table"', ['tables', from]);
    if (typeof entry === 'string') {
      const found = qualified(entry);
      if (found !== undefined) problem(ctx, found, ['tables', from]);
      tables[from] = entry;
    } else {
      if (entry.to !== undefined) tables[from] = entry.to;
      tablePolicies[from] = tablePolicy(ctx, ['tables', from], entry);
    }
  }
  const resolved = {
    ...rest,
    tables,
    missingColumns: missingColumns ?? (destination.createTables ? 'create' : 'fail'),
    tablePolicies,
    ...(sourceId !== undefined ? { sourceId: resolveSourceId(ctx, sourceId, destination.sources) } : {}),
    ...(resolvedFilters !== undefined ? { filters: resolvedFilters } : {}),
    ...(resolvedTransforms !== undefined ? { transforms: resolvedTransforms } : {}),
    ...(transformKey !== undefined ? { transformKey } : {}),
  };
  if (resolved.missingColumns === 'create' && !destination.createTables) {
    problem(ctx, 'create needs create_tables: true (columns are added by schema evolution)', ['missing_columns']);
  }
  return resolved;
}

function resolveSourceId(
  ctx: z.RefinementCtx,
  sourceId: { column: string; values?: Record<string, string> },
  sourceNames: readonly string[],
) {
  const values: Record<string, string> = {};
  for (const name of sourceNames) values[name] = name;
  for (const [name, id] of Object.entries(sourceId.values ?? {})) {
    if (!sourceNames.includes(name)) {
      problem(ctx, `source ${JSON.stringify(name)} is not in this destination's sources (${sourceNames.join(', ')})`, [
        'source_id',
        'values',
        name,
      ]);
    }
    values[name] = id;
  }
  const owner = new Map<string, string>();
  for (const name of sourceNames) {
    const other = owner.get(values[name]);
    if (other !== undefined) {
      const given =
        sourceId.values?.[name] !== undefined ? name : sourceId.values?.[other] !== undefined ? other : undefined;
      problem(
        ctx,
        `sources ${JSON.stringify(other)} and ${JSON.stringify(name)} have the same id ${JSON.stringify(values[name])}`,
        given !== undefined ? ['source_id', 'values', given] : ['source_id', 'values'],
      );
    }
    owner.set(values[name], name);
  }
  return { column: sourceId.column, values };
}

export const postgresDestination = section({
  name: destinationName(),
  type: z.literal('postgres').describe('`postgres` or `mysql` (MySQL and MariaDB).'),
  url: postgresUrl().describe(
    '`postgres://` or `postgresql://` URL; for `mysql`, `mysql://user:password@host:port/db`.',
  ),
  ...common,
  ...consolidation,
  ...rowRules,
}).transform(resolveCommon);

const mysqlUrl = text((value) => {
  const found = urlProblem(value, ['mysql']);
  if (found !== undefined) return found;
  return new URL(value).pathname.replace(/^\//, '') === ''
    ? 'must name a database (mysql://user@host:port/<database>): it holds the checkpoint table'
    : undefined;
});

export const mysqlDestination = section({
  name: destinationName(),
  type: z.literal('mysql').describe('`mysql`: MySQL or MariaDB (keys below).'),
  url: mysqlUrl.describe(
    '`mysql://user:password@host:port/database`. The database must be named: it holds the `_cdc_checkpoint` and `_cdc_schema` tables. Tables land in the database named by `schema` / `tables` / the source schema, like Postgres schemas (set `schema: <database>` to put every table in one).',
  ),
  ...common,
  unrepresentable: oneOf(['fail', 'json', 'null'])
    .default('fail')
    .describe(
      'A value the MySQL column cannot hold exactly (a Postgres array, NaN, `infinity` or a year outside 1000..9999, a numeric too wide for DECIMAL(65,30)): `fail` stops the partition with an error naming op, table and column; `json` writes arrays as JSON arrays and other such values as NULL; `null` writes NULL.',
    ),
  load_data: boolean()
    .default(true)
    .describe(
      "Write groups of 200 or more rows with `LOAD DATA LOCAL INFILE` (upserts through a temporary staging table and one `INSERT … SELECT … ON DUPLICATE KEY UPDATE`; inserts straight into the table), which costs the applier a fraction of building `INSERT` text. Needs the server's `local_infile` on (MariaDB's default; MySQL 8 has it off): when it is off the applier says so once at start and writes `INSERT` statements. A load the server stores with any warning is rolled back and the batch written op by op with `INSERT`s, so values are stored or refused exactly as `INSERT` would. `false`: `INSERT` statements only.",
    ),
  tls: mysqlTls()
    .optional()
    .describe(
      'Present (even `tls: {}`): every connection is TLS and one that cannot be is refused. Absent: plain TCP. Not together with an `ssl` query in `url`.',
    ),
  ...consolidation,
  ...rowRules,
}).transform((destination, ctx) => {
  if (destination.tls !== undefined) rejectSslQuery(ctx, destination.url, 'url', 'tls');
  // MySQL destinations write every table as a clone of one source (no fan-in, models or column mapping yet).
  const unsupported = 'is not supported for type: mysql yet (postgres destinations only)';
  if (destination.sourceId !== undefined) problem(ctx, unsupported, ['source_id']);
  if (destination.missingColumns !== undefined) problem(ctx, unsupported, ['missing_columns']);
  for (const [from, entry] of Object.entries(destination.tables)) {
    if (typeof entry === 'string') continue;
    const given = (['mode', 'columns', 'deletes'] as const).find((key) => entry[key] !== undefined);
    if (given !== undefined) problem(ctx, unsupported, ['tables', from, given]);
  }
  return resolveCommon(destination, ctx);
});

/** Discriminated on `type`. Adding a type: its section here. */
export const destination = z.discriminatedUnion('type', [postgresDestination, mysqlDestination], {
  error: (issue) => typeOfUnion('destination', ['postgres', 'mysql'], issue),
});

export const destinations = list(destination)
  .transform((items, ctx) => uniqueNames(ctx, 'destinations', items))
  .default([])
  .describe('The databases the appliers write to, discriminated by `type`.');
