import { Client } from 'pg';
import { describeError } from '@cdc/service-runtime';
import { parseLsn } from './lsn';
import { readSlotHealth, SlotInvalidatedError } from './slot-health';

/** A source table the pipeline replicates. */
export interface SourceTable {
  readonly relationId: number;
  readonly schema: string;
  readonly table: string;
  readonly hasPrimaryKey: boolean;
  /** pg_class.relreplident: 'd' default, 'f' full, 'i' index, 'n' nothing. */
  readonly replicaIdentity: string;
  /** A partitioned table (relkind 'p'): its partitions' changes must be published as its own. */
  readonly partitioned: boolean;
}

export interface PreflightOptions {
  readonly source: string;
  readonly url: string;
  /** The URL with its password hidden, for messages. */
  readonly displayUrl: string;
  readonly publication: string;
  readonly slot: string;
  readonly tableMatches: (schema: string, table: string) => boolean;
  readonly tablePatterns: readonly string[];
}

export interface PreflightResult {
  readonly tables: SourceTable[];
  readonly publicationExists: boolean;
  /**
   * The existing publication publishes partitions' changes as their own tables
   * (publish_via_partition_root off) while a matched table is partitioned: ensurePublication
   * turns it on, or the reader would stream into tables named after the partitions.
   */
  readonly publicationNeedsPartitionRoot: boolean;
  /** Tables matched by the config but missing from an existing publication. */
  readonly tablesToAdd: SourceTable[];
  readonly slot: { readonly exists: boolean; readonly confirmedFlush: bigint | undefined };
  readonly serverVersion: number;
}

/** A source that cannot be replicated as configured; the message is one line that says what to fix. */
export class SourcePreflightError extends Error {
  constructor(source: string, problem: string) {
    super(`source ${source}: ${problem}`);
    this.name = 'SourcePreflightError';
  }
}

/**
 * Checks everything the reader needs BEFORE it creates anything: reachable server, version,
 * wal_level, privileges, tables with a usable replica identity, a publication and slot that
 * are ours to use.
 */
export async function preflightSource(options: PreflightOptions): Promise<PreflightResult> {
  const fail = (problem: string) => new SourcePreflightError(options.source, problem);
  const client = new Client({
    connectionString: options.url,
    application_name: `cdc-preflight-${options.source}`,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
  } catch (error) {
    throw fail(`cannot connect to ${options.displayUrl}: ${describeError(error)}`);
  }
  try {
    const settings = await client.query<{
      version: string;
      wal_level: string;
      is_super: boolean;
      can_replicate: boolean;
      can_create: boolean;
    }>(
      `SELECT current_setting('server_version_num') AS version, current_setting('wal_level') AS wal_level,
              r.rolsuper AS is_super, r.rolreplication AS can_replicate,
              has_database_privilege(current_database(), 'CREATE') AS can_create
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const info = settings.rows[0];
    const serverVersion = Number(info.version);
    if (serverVersion < 100000)
      throw fail(`PostgreSQL ${serverVersion} is too old: logical replication with pgoutput needs 10 or later`);
    if (info.wal_level !== 'logical') {
      throw fail(
        `wal_level is "${info.wal_level}" but must be "logical" (set wal_level = logical in postgresql.conf and restart the server)`,
      );
    }
    if (!info.is_super && !info.can_replicate) {
      throw fail('the connecting role has neither REPLICATION nor SUPERUSER: ALTER ROLE <role> WITH REPLICATION');
    }

    const candidates = await listCandidateTables(client);
    const tables = candidates.filter((row) => options.tableMatches(row.schema, row.table));
    if (tables.length === 0) {
      throw fail(
        `no table matches tables ${JSON.stringify(options.tablePatterns)} (patterns are "schema.table" with * wildcards, case-sensitive)`,
      );
    }
    const unusable = tables.filter((table) => unusableReason(table) !== undefined);
    if (unusable.length > 0) {
      const names = unusable.map((t) => `${t.schema}.${t.table}`).join(', ');
      throw fail(
        `table(s) ${names} have no primary key and replica identity is not FULL, so updates and deletes cannot be replicated: ` +
          `add a primary key or run ALTER TABLE ... REPLICA IDENTITY FULL`,
      );
    }

    const publication = await client.query<{
      owned: boolean;
      all_tables: boolean;
      inserts: boolean;
      updates: boolean;
      deletes: boolean;
      truncates: boolean;
      via_root: boolean;
    }>(
      `SELECT pg_has_role(p.pubowner, 'USAGE') AS owned, p.puballtables AS all_tables,
              p.pubinsert AS inserts, p.pubupdate AS updates, p.pubdelete AS deletes, p.pubtruncate AS truncates,
              ${serverVersion >= PARTITION_ROOT_MIN_VERSION ? 'p.pubviaroot' : 'false'} AS via_root
         FROM pg_publication p WHERE p.pubname = $1`,
      [options.publication],
    );
    let tablesToAdd: SourceTable[] = [];
    let publicationNeedsPartitionRoot = false;
    const publicationExists = publication.rows.length > 0;
    const partitioned = tables.filter((table) => table.partitioned);
    if (partitioned.length > 0 && serverVersion < PARTITION_ROOT_MIN_VERSION) {
      throw fail(
        `table(s) ${partitioned.map((t) => `${t.schema}.${t.table}`).join(', ')} are partitioned, which logical replication ` +
          `supports from PostgreSQL 13 (publish_via_partition_root); this server is ${serverVersion}`,
      );
    }
    if (publicationExists) {
      const pub = publication.rows[0];
      if (!pub.inserts || !pub.updates || !pub.deletes || !pub.truncates) {
        throw fail(
          `publication "${options.publication}" does not publish all of insert, update, delete and truncate; drop it or ALTER PUBLICATION ... SET (publish = 'insert, update, delete, truncate')`,
        );
      }
      if (partitioned.length > 0 && !pub.via_root) {
        if (!pub.owned && !info.is_super) {
          throw fail(
            `publication "${options.publication}" publishes the partitions of ${partitioned.map((t) => `${t.schema}.${t.table}`).join(', ')} ` +
              `as tables of their own (publish_via_partition_root is off) and is owned by another role: its owner must run ` +
              `ALTER PUBLICATION ... SET (publish_via_partition_root = true), or configure a publication this role owns`,
          );
        }
        publicationNeedsPartitionRoot = true;
      }
      if (!pub.all_tables) {
        const members = await client.query<{ oid: string }>(
          `SELECT pr.prrelid::int8::text AS oid FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid WHERE p.pubname = $1`,
          [options.publication],
        );
        const inPublication = new Set(members.rows.map((row) => Number(row.oid)));
        tablesToAdd = tables.filter((table) => !inPublication.has(table.relationId));
        if (tablesToAdd.length > 0 && !pub.owned && !info.is_super) {
          throw fail(
            `publication "${options.publication}" is owned by another role and lacks ${tablesToAdd.map((t) => `${t.schema}.${t.table}`).join(', ')}; ` +
              `its owner must add them, or configure a publication this role owns`,
          );
        }
      }
    } else {
      if (!info.can_create && !info.is_super) {
        throw fail(
          `publication "${options.publication}" does not exist and the role lacks CREATE on the database to create it (GRANT CREATE ON DATABASE ... TO <role>)`,
        );
      }
      const notOwned = tables.filter((table) => !table.owned);
      if (notOwned.length > 0 && !info.is_super) {
        throw fail(
          `cannot create publication "${options.publication}": the role does not own ${notOwned.map((t) => `${t.schema}.${t.table}`).join(', ')} ` +
            `(create the publication as the owner, or grant ownership)`,
        );
      }
    }

    const slot = await client.query<{
      plugin: string | null;
      slot_type: string;
      database: string | null;
      active_pid: number | null;
      confirmed: string | null;
      current_db: string;
    }>(
      `SELECT plugin, slot_type, database, active_pid, confirmed_flush_lsn::text AS confirmed, current_database() AS current_db
         FROM pg_replication_slots WHERE slot_name = $1`,
      [options.slot],
    );
    let slotState: PreflightResult['slot'] = { exists: false, confirmedFlush: undefined };
    if (slot.rows.length > 0) {
      const row = slot.rows[0];
      if (row.slot_type !== 'logical' || row.plugin !== 'pgoutput') {
        throw fail(
          `replication slot "${options.slot}" exists but is a ${row.slot_type} slot with plugin ${row.plugin ?? 'none'}, not pgoutput: drop it or configure another slot name`,
        );
      }
      if (row.database !== row.current_db) {
        throw fail(`replication slot "${options.slot}" belongs to database "${row.database}", not "${row.current_db}"`);
      }
      // An invalidated slot cannot be streamed from: one line with the way on, not a reconnect loop.
      const health = await readSlotHealth(client, options.slot, serverVersion);
      if (health?.invalidated) throw new SlotInvalidatedError(options.source, health);
      if (row.active_pid !== null) {
        throw fail(
          `replication slot "${options.slot}" is in use by server process ${row.active_pid} (is another reader for this source running?)`,
        );
      }
      slotState = { exists: true, confirmedFlush: row.confirmed ? parseLsn(row.confirmed) : undefined };
    }
    return { tables, publicationExists, publicationNeedsPartitionRoot, tablesToAdd, slot: slotState, serverVersion };
  } catch (error) {
    if (error instanceof SourcePreflightError || error instanceof SlotInvalidatedError) throw error;
    throw fail(`preflight check failed on ${options.displayUrl}: ${describeError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** publish_via_partition_root exists from PostgreSQL 13. */
export const PARTITION_ROOT_MIN_VERSION = 130000;

/** Tables of the database that a publication can hold (ordinary and partitioned roots). */
export async function listCandidateTables(client: Client): Promise<Array<SourceTable & { readonly owned: boolean }>> {
  const result = await client.query<{
    oid: string;
    schema: string;
    table: string;
    has_pk: boolean;
    replident: string;
    owned: boolean;
    partitioned: boolean;
  }>(
    `SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS table, c.relreplident AS replident,
            c.relkind = 'p' AS partitioned,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_pk,
            pg_has_role(c.relowner, 'USAGE') AS owned
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY n.nspname, c.relname`,
  );
  return result.rows.map((row) => ({
    relationId: Number(row.oid),
    schema: row.schema,
    table: row.table,
    hasPrimaryKey: row.has_pk,
    replicaIdentity: row.replident,
    partitioned: row.partitioned,
    owned: row.owned,
  }));
}

/** Why updates and deletes of the table cannot be replicated, or undefined when they can. */
export function unusableReason(table: SourceTable): string | undefined {
  if (table.replicaIdentity === 'n') return 'its replica identity is NOTHING';
  if (!table.hasPrimaryKey && table.replicaIdentity === 'd')
    return 'it has no primary key and replica identity is not FULL (add a primary key or run ALTER TABLE ... REPLICA IDENTITY FULL)';
  return undefined;
}

export async function dropSlot(url: string, slot: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_drop_replication_slot($1) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  } finally {
    await client.end();
  }
}
