import { ruleForTable, tableMatches, type PostgresSourceConfig } from '@cdc/config';
import {
  SESSION_OPTIONS,
  listCandidateTables,
  publicationHoldsRowFilters,
  reconcilePublication,
  RowFilters,
  type SourceTable,
} from '@cdc/postgres-source';
import { describeError, type Logger } from '@cdc/service-runtime';
import { metrics } from '@cdc/telemetry';
import { Client } from 'pg';
import type { LiveBackfill } from './live-backfill';
import type { PartitionWatch } from './partition-watch';
import { writeUrl } from './write-url';

/** Live backfill needs logical decoding messages in pgoutput. */
const MESSAGES_MIN_VERSION = 140000;

/**
 * The tables the reader streams: the config's patterns, kept equal to the publication. New
 * matches (a table created at the source, or patterns changed by a reload) join the
 * publication with a live backfill; tables no longer matched leave it.
 */
export class TableSet {
  private patterns: readonly string[];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly source: PostgresSourceConfig,
    private readonly serverVersion: number,
    private readonly backfill: LiveBackfill,
    private readonly partitions: PartitionWatch,
    private readonly log: Logger,
    /** The source's row filters; those of tables added while streaming are merged in. */
    private readonly rowFilters: RowFilters,
  ) {
    this.patterns = source.tables;
  }

  /** Takes a reloaded config's tables; other changed keys are reported as needing a restart. */
  async reload(fresh: PostgresSourceConfig): Promise<string> {
    const ignored = (Object.keys(fresh) as Array<keyof PostgresSourceConfig>).filter(
      (key) => key !== 'tables' && JSON.stringify(fresh[key]) !== JSON.stringify(this.source[key]),
    );
    if (ignored.length > 0)
      this.log.warn(
        { keys: ignored },
        `config reload: ${ignored.join(', ')} changed; those take effect after a restart`,
      );
    this.patterns = fresh.tables;
    await this.reconcile('reload');
    return `tables ${JSON.stringify(fresh.tables)}; backfilling: ${JSON.stringify(this.backfill.pendingTables)}`;
  }

  /** One reconcile at a time; a request during one runs once more after it. */
  async reconcile(reason: string): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcileOnce(reason);
        } catch (error) {
          metrics.errors.inc({ service: 'reader', stage: 'tables' });
          this.log.error({ err: describeError(error), reason }, "cannot update the publication's tables");
          throw error;
        }
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async reconcileOnce(reason: string): Promise<void> {
    const live = this.serverVersion >= MESSAGES_MIN_VERSION;
    const changes = await reconcilePublication({
      source: this.source.name,
      url: writeUrl(this.source),
      publication: this.source.publication,
      tableMatches: (schema, table) => tableMatches(this.patterns, schema, table),
      beforeAdd: async (tables) => {
        if (!live)
          throw new Error(
            `tables ${tables.map((t) => `${t.schema}.${t.table}`).join(', ')} match the config but PostgreSQL ` +
              `${this.serverVersion} cannot backfill them live (needs 14 or later); restart the reader with a new slot to snapshot them`,
          );
        await this.backfill.enqueue(tables);
      },
      rowFiltersOf: async (tables) => {
        // The stream (before 15) and the live backfill read filters from the one set.
        const added = await checkRowFilters(this.source, tables, this.serverVersion, this.log);
        this.rowFilters.merge(added);
        return publicationHoldsRowFilters(this.serverVersion) ? added : RowFilters.NONE;
      },
    });
    this.backfill.activate(changes.added);
    for (const { table, reason: why } of changes.unusable)
      this.log.error({ table }, `table ${table} matches the config but is left out: ${why}`);
    if (changes.added.length > 0)
      this.log.info(
        { tables: changes.added.map((t) => `${t.schema}.${t.table}`), reason },
        'tables added to the publication; backfilling them while streaming',
      );
    if (changes.removed.length > 0) {
      await this.backfill.forget(changes.removed);
      this.log.info(
        { tables: changes.removed.map((t) => `${t.schema}.${t.table}`), reason },
        'tables removed from the publication (the destination keeps their rows)',
      );
    }
    await this.checkPartitions(live);
  }

  /** Partitions attached with rows are backfilled; ATTACH and DETACH write no row changes. */
  private async checkPartitions(live: boolean): Promise<void> {
    const client = new Client({
      connectionString: writeUrl(this.source),
      options: SESSION_OPTIONS,
      application_name: `cdc-partitions-${this.source.name}`,
    });
    await client.connect();
    try {
      const roots = (await listCandidateTables(client)).filter(
        (t) => t.partitioned && tableMatches(this.patterns, t.schema, t.table),
      );
      await this.partitions.check(client, roots, live);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * The source's row filters (`filters`), checked against its tables (columns, types, replica
 * identity): pushed into the publication and the snapshot on 15+, evaluated here before.
 */
export async function checkRowFilters(
  source: PostgresSourceConfig,
  tables: readonly SourceTable[],
  serverVersion: number,
  log: Logger,
): Promise<RowFilters> {
  const filters = await RowFilters.check({
    source: source.name,
    url: source.url,
    tables,
    filterOf: (schema, table) => ruleForTable(source.filters, schema, table),
    serverVersion,
  });
  const pushedDown = publicationHoldsRowFilters(serverVersion);
  if (filters.size > 0)
    log.info(
      { pushedDown },
      pushedDown
        ? 'row filters pushed down into the publication and the snapshot'
        : `row filters evaluated in the reader (PostgreSQL ${serverVersion} has no publication row filters)`,
    );
  return filters;
}
