import { Client, escapeIdentifier } from 'pg';
import { listCandidateTables, unusableReason, type SourceTable } from './preflight';
import { describeError } from '@cdc/service-runtime';
import { SESSION_OPTIONS } from './session-settings';
import type { RowFilters } from './row-filters';

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
