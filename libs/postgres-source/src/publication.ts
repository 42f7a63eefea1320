import { Client, escapeIdentifier } from 'pg';
import {
  listCandidateTables,
  PARTITION_ROOT_MIN_VERSION,
  unusableReason,
  type PreflightResult,
  type SourceTable,
} from './preflight';
import { describeError } from '@cdc/service-runtime';
import { SESSION_OPTIONS } from './session-settings';
import { publicationHoldsRowFilters, type RowFilters } from './row-filters';

export interface PublicationReconcileOptions {
  readonly source: string;
  readonly url: string;
  readonly publication: string;
  readonly tableMatches: (schema: string, table: string) => boolean;
  /**
   * Called with the tables about to be added, BEFORE the publication changes: the reader records
   * them as needing a backfill first, so a crash right after the ALTER cannot leave a table in
   * the publication whose existing rows were never read.
   */
  readonly beforeAdd: (tables: readonly SourceTable[]) => Promise<void>;
  /**
   * The row filters of added tables (15+): a table added while streaming joins with its filter.
   * Called with the tables about to be added, after beforeAdd.
   */
  readonly rowFiltersOf?: (tables: readonly SourceTable[]) => Promise<RowFilters>;
}

export interface PublicationChanges {
  readonly added: readonly SourceTable[];
  /** Schema and table apart: "a.b" + "c" and "a" + "b.c" are different tables with one dotted name. */
  readonly removed: ReadonlyArray<{ readonly schema: string; readonly table: string }>;
  /** Matching tables that cannot be replicated as they are (left out; retried on the next reconcile). */
  readonly unusable: ReadonlyArray<{ readonly table: string; readonly reason: string }>;
  /** FOR ALL TABLES publications are not ours to edit. */
  readonly allTables: boolean;
}

/**
 * Makes the publication hold exactly the tables the config matches now: adds newly matching
 * tables (a table created at the source, or a pattern added by a config reload) and removes
 * tables no longer matched. The destination keeps the rows of removed tables.
 */
export async function reconcilePublication(options: PublicationReconcileOptions): Promise<PublicationChanges> {
  const client = new Client({
    connectionString: options.url,
    options: SESSION_OPTIONS,
    application_name: `cdc-publication-${options.source}`,
  });
  await client.connect();
  try {
    const publication = await client.query<{ all_tables: boolean; via_root: boolean }>(
      // pubviaroot exists from PostgreSQL 13; before that no partitioned table can be published.
      `SELECT p.puballtables AS all_tables, coalesce((pg_catalog.to_jsonb(p) ->> 'pubviaroot')::boolean, true) AS via_root
         FROM pg_publication p WHERE p.pubname = $1`,
      [options.publication],
    );
    if (publication.rows.length === 0)
      throw new Error(`source ${options.source}: publication "${options.publication}" does not exist`);
    if (publication.rows[0].all_tables) return { added: [], removed: [], unusable: [], allTables: true };

    const members = await client.query<{ schema: string; table: string }>(
      `SELECT n.nspname AS schema, c.relname AS table
         FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
         JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE p.pubname = $1`,
      [options.publication],
    );
    const inPublication = new Set(members.rows.map((row) => JSON.stringify([row.schema, row.table])));
    const matching = (await listCandidateTables(client)).filter((t) => options.tableMatches(t.schema, t.table));
    const unusable: Array<{ table: string; reason: string }> = [];
    const added: SourceTable[] = [];
    for (const table of matching) {
      const name = `${table.schema}.${table.table}`;
      if (inPublication.has(JSON.stringify([table.schema, table.table]))) continue;
      const reason = unusableReason(table);
      if (reason) unusable.push({ table: name, reason });
      else added.push(table);
    }
    const removed = members.rows.filter((row) => !options.tableMatches(row.schema, row.table));

    if (added.length > 0) {
      await options.beforeAdd(added);
      // A partitioned table's changes must arrive under its own name, as its backfill reads it.
      if (added.some((table) => table.partitioned) && !publication.rows[0].via_root)
        await alter(
          options,
          client,
          'SET (publish_via_partition_root = true)',
          'publish partition changes via the root in',
        );
      const filters = options.rowFiltersOf ? await options.rowFiltersOf(added) : undefined;
      const names = added
        .map((t) => {
          const name = `${escapeIdentifier(t.schema)}.${escapeIdentifier(t.table)}`;
          return filters ? filters.publicationEntry(name, t.schema, t.table) : name;
        })
        .join(', ');
      await alter(
        options,
        client,
        `ADD TABLE ${names}`,
        `add ${added.map((t) => `${t.schema}.${t.table}`).join(', ')} to`,
      );
    }
    if (removed.length > 0) {
      const names = removed.map((t) => `${escapeIdentifier(t.schema)}.${escapeIdentifier(t.table)}`).join(', ');
      await alter(
        options,
        client,
        `DROP TABLE ${names}`,
        `remove ${removed.map((t) => `${t.schema}.${t.table}`).join(', ')} from`,
      );
    }
    return { added, removed: removed.map(({ schema, table }) => ({ schema, table })), unusable, allTables: false };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** ALTER PUBLICATION; a refusal (ownership, privileges) names the source, publication and tables. */
async function alter(
  options: PublicationReconcileOptions,
  client: Client,
  change: string,
  what: string,
): Promise<void> {
  try {
    await client.query(`ALTER PUBLICATION ${escapeIdentifier(options.publication)} ${change}`);
  } catch (error) {
    throw new Error(
      `source ${options.source}: cannot ${what} publication "${options.publication}": ${describeError(error)}`,
      { cause: error },
    );
  }
}

/**
 * Creates the publication, or adds newly matched tables to it (`addTables: false` leaves that
 * to a live backfill). A partitioned table's changes are published as changes of the table
 * itself (publish_via_partition_root), as its snapshot reads it: without it they arrive under
 * the names of its partitions. Runs only after preflight passed.
 */
export async function ensurePublication(
  url: string,
  publication: string,
  preflight: PreflightResult,
  {
    addTables = true,
    rowFilters,
    syncRowFilters: syncWanted = true,
  }: {
    readonly addTables?: boolean;
    readonly rowFilters?: RowFilters;
    /**
     * Give the existing publication's tables the configured filters now (default). false: the
     * caller changes them itself (a streaming reader, with a live backfill: changeRowFilters).
     */
    readonly syncRowFilters?: boolean;
  } = {},
): Promise<void> {
  const toAdd = addTables && preflight.publicationExists ? preflight.tablesToAdd : [];
  // Row filters live in the publication from 15 on; before, the reader evaluates them.
  const inPublication = publicationHoldsRowFilters(preflight.serverVersion);
  const filters = inPublication ? rowFilters : undefined;
  const syncFilters = syncWanted && preflight.publicationExists && inPublication;
  if (preflight.publicationExists && toAdd.length === 0 && !preflight.publicationNeedsPartitionRoot && !syncFilters)
    return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const quoted = escapeIdentifier(publication);
    const names = (tables: readonly SourceTable[]) =>
      tables
        .map((table) => {
          const name = `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.table)}`;
          return filters ? filters.publicationEntry(name, table.schema, table.table) : name;
        })
        .join(', ');
    if (!preflight.publicationExists) {
      const viaRoot =
        preflight.serverVersion >= PARTITION_ROOT_MIN_VERSION ? ' WITH (publish_via_partition_root = true)' : '';
      await client.query(`CREATE PUBLICATION ${quoted} FOR TABLE ${names(preflight.tables)}${viaRoot}`);
      return;
    }
    if (preflight.publicationNeedsPartitionRoot)
      await client.query(`ALTER PUBLICATION ${quoted} SET (publish_via_partition_root = true)`);
    if (syncFilters) await applyRowFilters(client, publication, preflight.tables, filters, false);
    if (toAdd.length > 0) await client.query(`ALTER PUBLICATION ${quoted} ADD TABLE ${names(toAdd)}`);
  } finally {
    await client.end();
  }
}

/**
 * Gives the publication's tables the configured row filters (15+): each table that has a filter
 * in the config or in the publication is dropped from the publication and added back with the
 * configured one, all in one transaction, so the stream never sees a table unpublished.
 * Re-adding an unchanged filter changes nothing. With `probe` the transaction is rolled back:
 * the tables whose filter the server deparses differently afterwards are those it would change
 * (ours and the stored filter are compared as the server writes both, never as text we wrote).
 */
async function applyRowFilters(
  client: Client,
  publication: string,
  tables: readonly SourceTable[],
  filters: RowFilters | undefined,
  probe: boolean,
): Promise<SourceTable[]> {
  const read = async () =>
    (
      await client.query<{ schema: string; table: string; rowfilter: string | null }>(
        `SELECT schemaname AS schema, tablename AS table, rowfilter FROM pg_publication_tables WHERE pubname = $1`,
        [publication],
      )
    ).rows;
  const before = await read();
  const quoted = escapeIdentifier(publication);
  const touched: SourceTable[] = [];
  const changes: string[] = [];
  for (const row of before) {
    const table = tables.find((t) => t.schema === row.schema && t.table === row.table);
    if (table === undefined) continue;
    if (filters?.of(table.schema, table.table) === undefined && row.rowfilter === null) continue;
    const name = `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.table)}`;
    touched.push(table);
    changes.push(`ALTER PUBLICATION ${quoted} DROP TABLE ${name}`);
    changes.push(
      `ALTER PUBLICATION ${quoted} ADD TABLE ${filters ? filters.publicationEntry(name, table.schema, table.table) : name}`,
    );
  }
  if (changes.length === 0) return [];
  await client.query('BEGIN');
  let open = true;
  try {
    for (const statement of changes) await client.query(statement);
    if (!probe) {
      await client.query('COMMIT');
      open = false;
      return touched;
    }
    const after = await read();
    const filterOf = (rows: typeof before, table: SourceTable) =>
      rows.find((row) => row.schema === table.schema && row.table === table.table)?.rowfilter ?? null;
    return touched.filter((table) => filterOf(before, table) !== filterOf(after, table));
  } finally {
    if (open) await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * A streaming reader's filter change (15+): the tables whose publication row filter differs from
 * the configured one are passed to `beforeChange` (the reader records them for a live backfill,
 * which empties the destination table and reads the rows the new filter matches), then their
 * filter is changed. A crash in between changes nothing yet, and the next start finds them again.
 * Returns the changed tables.
 */
export async function changeRowFilters(
  url: string,
  publication: string,
  tables: readonly SourceTable[],
  filters: RowFilters,
  beforeChange: (tables: readonly SourceTable[]) => Promise<void>,
): Promise<SourceTable[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const changed = await applyRowFilters(client, publication, tables, filters, true);
    if (changed.length === 0) return [];
    await beforeChange(changed);
    await applyRowFilters(client, publication, changed, filters, false);
    return changed;
  } finally {
    await client.end();
  }
}
