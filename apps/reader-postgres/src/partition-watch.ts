import { escapeIdentifier, type Client } from 'pg';
import type { Logger } from '@cdc/service-runtime';

/** A leaf partition of a partitioned source table, by oid (a rename is the same partition). */
export interface KnownPartition {
  readonly oid: number;
  readonly schema: string;
  readonly table: string;
}

/** The leaf partitions the reader has accounted for, per partitioned table's oid (persisted in KV). */
export type KnownPartitions = Readonly<Record<string, readonly KnownPartition[]>>;

/** A partitioned table the config matches. */
export interface PartitionedRoot {
  readonly relationId: number;
  readonly schema: string;
  readonly table: string;
}

/** A partition that joined a replicated table with rows: they must be read (see PartitionWatch). */
export interface AttachedPartition {
  readonly root: PartitionedRoot;
  readonly partition: KnownPartition;
}

/**
 * The leaf partitions (relkind 'r') below each table, nested levels included. Foreign-table
 * partitions are left out: their rows live elsewhere and logical decoding never sees them.
 */
export async function listLeafPartitions(
  client: Client,
  roots: readonly PartitionedRoot[],
): Promise<Map<number, KnownPartition[]>> {
  const leaves = new Map<number, KnownPartition[]>(roots.map((root) => [root.relationId, []]));
  if (roots.length === 0) return leaves;
  const result = await client.query<{ root: string; oid: string; schema: string; table: string }>(
    `SELECT r.oid::int8::text AS root, c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS table
       FROM unnest($1::oid[]) AS r(oid)
       CROSS JOIN LATERAL pg_partition_tree(r.oid::regclass) t
       JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.isleaf AND t.relid <> r.oid AND c.relkind = 'r'
      ORDER BY 1, n.nspname, c.relname`,
    [roots.map((root) => root.relationId)],
  );
  for (const row of result.rows)
    leaves.get(Number(row.root))?.push({ oid: Number(row.oid), schema: row.schema, table: row.table });
  return leaves;
}

/** Whether the partition is still below the table (not detached or dropped since it was listed). */
export async function isPartitionOf(client: Client, partitionOid: number, rootOid: number): Promise<boolean> {
  const result = await client.query(
    'SELECT 1 FROM pg_partition_ancestors($1::oid::regclass) a WHERE a.relid = $2::oid AND $1::oid <> $2::oid',
    [partitionOid, rootOid],
  );
  return result.rows.length > 0;
}

export interface PartitionWatchOptions {
  readonly source: string;
  /** What the reader recorded last (its snapshot state); undefined before anything was recorded. */
  readonly known: KnownPartitions | undefined;
  /** Called before the new set is persisted: a crash in between finds the partition again. */
  readonly backfill: (attached: readonly AttachedPartition[]) => Promise<void>;
  readonly persist: (known: KnownPartitions) => Promise<void>;
  readonly log: Logger;
}

/**
 * Partitions attached to, and detached from, the partitioned tables the reader streams. Postgres
 * writes no row change when a table holding rows is attached (ATTACH PARTITION) nor when one is
 * detached or dropped: the rows appear in, or vanish from, the partitioned table without a
 * single event. Changes made after an attach stream through the partitioned table already
 * (publish_via_partition_root); the rows the partition brought with it are handed to
 * `backfill` (the live backfill reads them from the partition and publishes them as rows of the
 * partitioned table). The rows of a partition that left stay at the destination: the warning
 * says so and how to remove them.
 *
 * The set is compared with what was recorded: at the initial snapshot (listed before the slot,
 * so a partition attached during the snapshot is read twice rather than never), and at every
 * check since. A partitioned table not yet recorded (newly configured: its own backfill reads
 * every partition; or state from an older reader) is recorded as it is.
 */
export class PartitionWatch {
  private known: Record<string, readonly KnownPartition[]>;

  constructor(private readonly options: PartitionWatchOptions) {
    this.known = { ...(options.known ?? {}) };
  }

  /**
   * Compares the partitions of `roots` (the partitioned tables streamed now) with the recorded
   * ones. `canBackfill` false (PostgreSQL before 14: no logical messages for the backfill's
   * markers): an attached partition's rows are reported with the way to a new snapshot instead.
   */
  async check(client: Client, roots: readonly PartitionedRoot[], canBackfill: boolean): Promise<void> {
    const { source, log } = this.options;
    const current = await listLeafPartitions(client, roots);
    const next: Record<string, readonly KnownPartition[]> = {};
    const attached: AttachedPartition[] = [];
    for (const root of roots) {
      const leaves = current.get(root.relationId) ?? [];
      const key = String(root.relationId);
      next[key] = leaves;
      const known = this.known[key];
      if (known === undefined) continue;
      const name = `${root.schema}.${root.table}`;
      const knownOids = new Set(known.map((leaf) => leaf.oid));
      const currentOids = new Set(leaves.map((leaf) => leaf.oid));
      for (const leaf of leaves) {
        if (knownOids.has(leaf.oid)) continue;
        // An empty partition needs nothing: every row it gets from now on streams as the table's.
        if (await hasRows(client, leaf)) attached.push({ root, partition: leaf });
        else log.info({ table: name, partition: `${leaf.schema}.${leaf.table}` }, `new partition of ${name} (empty)`);
      }
      for (const leaf of known) {
        if (currentOids.has(leaf.oid)) continue;
        const partition = `${leaf.schema}.${leaf.table}`;
        log.warn(
          { table: name, partition },
          `partition ${partition} left ${name} (detached or dropped): PostgreSQL writes no change for that, so the ` +
            `rows it held stay in the destination's ${name}; to remove them run cdc verify --config <file> ` +
            `--source ${source} --tables ${name} --repair`,
        );
      }
    }
    if (attached.length > 0 && !canBackfill) {
      for (const { root, partition } of attached)
        log.error(
          { table: `${root.schema}.${root.table}`, partition: `${partition.schema}.${partition.table}` },
          `partition ${partition.schema}.${partition.table} was attached to ${root.schema}.${root.table} with rows, ` +
            'which this PostgreSQL version cannot backfill while streaming (needs 14 or later); they reach the ' +
            `destination with a new snapshot: cdc resnapshot --config <file> --source ${source} --force`,
        );
    } else if (attached.length > 0) {
      await this.options.backfill(attached);
      for (const { root, partition } of attached)
        log.info(
          { table: `${root.schema}.${root.table}`, partition: `${partition.schema}.${partition.table}` },
          `partition ${partition.schema}.${partition.table} was attached to ${root.schema}.${root.table} with rows: ` +
            'backfilling them into it while streaming',
        );
    }
    if (JSON.stringify(next) !== JSON.stringify(this.known)) {
      await this.options.persist(next);
      this.known = next;
    }
  }
}

async function hasRows(client: Client, leaf: KnownPartition): Promise<boolean> {
  const result = await client.query(
    `SELECT 1 FROM ${escapeIdentifier(leaf.schema)}.${escapeIdentifier(leaf.table)} LIMIT 1`,
  );
  return result.rows.length > 0;
}
