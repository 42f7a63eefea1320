import type { PoolConnection } from 'mysql2/promise';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import {
  bindingKey,
  decodeStoredSchema,
  encodeStoredSchema,
  isDroppedSince,
  mapOpTarget,
  planEvolution,
  schemasPerTarget,
  type SinkBatch,
  type StoredSchema,
  type TargetTable,
} from '@cdc/apply';
import { createTable, evolutionSql, loadCatalog, qualifiedTarget, quote, type TargetCatalog } from './catalog';
import { errorText, mysqlOpFailure } from './errors';
import type { MysqlSinkOptions } from './sink';
import type { TableBinding } from './statements';

/** Per destination table: the source schema it was last evolved to (beside the checkpoint table). */
export const SCHEMA_TABLE = '_cdc_schema';
/** GET_LOCK name: DDL by the appliers of one destination server runs one at a time. */
const DDL_LOCK = 'cdc_ddl';
const DDL_LOCK_TIMEOUT_S = 60;

/**
 * What the sink knows of its destination tables, and how it gets them ready for a batch's ops:
 * where each source table lands, the tables created and evolved with the source schema
 * (create_tables, before the batch transaction: MySQL DDL commits implicitly), their catalogs
 * read, each source table bound to its destination table. All of it caches the destination's
 * catalog and schema table across batches, and is forgotten when a batch rolls back (forget).
 */
export class DestinationTables {
  /** Per destination table: its catalog, and the source schema it was last evolved to. */
  private readonly tables = new Map<string, { catalog: TargetCatalog; stored: StoredSchema | undefined }>();
  private readonly bindings = new Map<string, TableBinding>();
  private readonly targets = new WeakMap<TableSchema, { target: TargetTable; id: string }>();

  constructor(private readonly options: MysqlSinkOptions) {}

  /** After a rollback: what the transaction changed is unknown again. */
  forget(): void {
    this.tables.clear();
    this.bindings.clear();
  }

  /** Where an op's table lands, and its quoted name (mapped once per source table schema, not per op). */
  targetOf(batch: SinkBatch, op: ChangeOp): { target: TargetTable; id: string } {
    let known = this.targets.get(op.table);
    if (known !== undefined) return known;
    const target = mapOpTarget(this.options.mapTable, op, errorText, (what, cause) =>
      mysqlOpFailure(this.options, batch, op, what, cause, undefined),
    );
    known = { target, id: qualifiedTarget(target) };
    this.targets.set(op.table, known);
    return known;
  }

  /**
   * Creates and evolves the destination tables of the pending ops, under GET_LOCK so appliers
   * of one server run DDL one at a time. Returns the number of DDL statements run.
   */
  async evolve(connection: PoolConnection, batch: SinkBatch, pending: readonly ChangeOp[]): Promise<number> {
    const perTarget = schemasPerTarget(pending, (op) => this.targetOf(batch, op));
    let statements = 0;
    for (const [id, { target, schemas }] of perTarget) {
      const known = this.tables.get(id);
      // Nothing to do when every schema is the one stored (the common case: no round trip).
      if (known?.stored !== undefined && schemas.every((s) => sameShape(s.table, known.stored!.table))) continue;
      statements += await withDdlLock(connection, async () => {
        let count = 0;
        let catalog = await loadCatalog(connection, target);
        const stored = await this.readStored(connection, target);
        if (catalog === undefined) {
          await createTable(connection, target, schemas[0].table);
          count += 1;
          catalog = await loadCatalog(connection, target);
          if (catalog === undefined)
            throw new Error(`table ${target.schema}.${target.table} is still missing after CREATE TABLE`);
        }
        const plan = planEvolution(stored, schemas, new Set(catalog.columns.keys()));
        for (const step of plan.steps) {
          const sql = evolutionSql(target, step, catalog);
          if (sql === undefined) continue;
          await connection.query(sql);
          count += 1;
          catalog = (await loadCatalog(connection, target))!;
        }
        const now = plan.stored ?? stored;
        if (plan.stored !== undefined) await this.writeStored(connection, target, plan.stored);
        this.tables.set(id, { catalog, stored: now });
        return count;
      });
    }
    return statements;
  }

  private async readStored(connection: PoolConnection, target: TargetTable): Promise<StoredSchema | undefined> {
    const [rows] = await connection.query(
      `SELECT source_schema, positions FROM ${quote(SCHEMA_TABLE)} WHERE target_schema = ? AND target_table = ?`,
      [target.schema, target.table],
    );
    const row = (rows as { source_schema: string; positions: string }[])[0];
    return row === undefined ? undefined : decodeStoredSchema(target, row.source_schema, row.positions);
  }

  private async writeStored(connection: PoolConnection, target: TargetTable, stored: StoredSchema): Promise<void> {
    const { schema, positions } = encodeStoredSchema(stored);
    await connection.query(
      `INSERT INTO ${quote(SCHEMA_TABLE)} (target_schema, target_table, source_schema, positions) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE source_schema = VALUES(source_schema), positions = VALUES(positions)`,
      [target.schema, target.table, schema, positions],
    );
  }

  /**
   * Loads the catalog of an op's destination table if it is not known or lacks a column. True
   * when every column of the op's table is in the catalog (then so are the next ops' of the same
   * table schema, and the caller need not ask again for them).
   */
  async ensureCatalog(connection: PoolConnection, batch: SinkBatch, op: ChangeOp): Promise<boolean> {
    const { target, id } = this.targetOf(batch, op);
    const known = this.tables.get(id);
    if (known !== undefined) {
      let complete = true;
      let written = true;
      for (const c of op.table.columns) {
        if (known.catalog.columns.has(c.name)) continue;
        complete = false;
        if (!isDroppedSince(known.stored, op, c.name)) written = false;
      }
      if (written) return complete;
    }
    const catalog = await loadCatalog(connection, target);
    if (catalog === undefined) {
      throw mysqlOpFailure(
        this.options,
        batch,
        op,
        '',
        undefined,
        '42S02',
        `destination ${this.options.destination}: table ${target.schema}.${target.table} does not exist (set create_tables: true to create it from the source schema)`,
      );
    }
    const stored = this.options.createTables ? await this.readStored(connection, target) : undefined;
    this.tables.set(id, { catalog, stored });
    return op.table.columns.every((c) => catalog.columns.has(c.name));
  }

  bind(batch: SinkBatch, op: ChangeOp, target: TargetTable): TableBinding {
    const id = qualifiedTarget(target);
    const table = op.table;
    const signature = signatureOf(table);
    const known = this.tables.get(id)!;
    const cacheKey = `${id}\u0000${signature}\u0000${known.stored === undefined ? '' : encodeStoredSchema(known.stored).positions}`;
    const cached = this.bindings.get(cacheKey);
    if (
      cached !== undefined &&
      cached.columns.every((c) => c.target !== undefined || isDroppedSince(known.stored, op, c.name))
    )
      return cached;
    const display = `${target.schema}.${target.table}`;
    const missing: string[] = [];
    const columns = table.columns.map((column) => {
      const targetColumn = known.catalog.columns.get(column.name);
      if (targetColumn === undefined && !isDroppedSince(known.stored, op, column.name)) missing.push(column.name);
      return { name: column.name, sql: quote(column.name), target: targetColumn };
    });
    if (missing.length > 0) {
      throw mysqlOpFailure(
        this.options,
        batch,
        op,
        `cannot be written: table ${display} has no column ${missing.map((name) => JSON.stringify(name)).join(', ')}` +
          (this.options.createTables ? '' : ' (set create_tables: true to evolve destination tables with the source)'),
        undefined,
        '42S22',
      );
    }
    const { keyIndexes, keyed, unusable } = bindingKey(table, known.catalog.uniqueKeys);
    if (unusable !== undefined) {
      throw mysqlOpFailure(
        this.options,
        batch,
        op,
        `cannot be written: table ${display} has no primary key or unique index on (${unusable.join(', ')})`,
        undefined,
        '42000',
      );
    }
    const binding: TableBinding = { id, display, signature, columns, keyIndexes, keyed };
    this.bindings.set(cacheKey, binding);
    return binding;
  }
}

/** Runs `work` under GET_LOCK: DDL by the appliers of one destination server runs one at a time. */
export async function withDdlLock<T>(connection: PoolConnection, work: () => Promise<T>): Promise<T> {
  const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS locked', [DDL_LOCK, DDL_LOCK_TIMEOUT_S]);
  if (Number((rows as { locked: unknown }[])[0]?.locked) !== 1) {
    throw new Error(`could not take the DDL lock "${DDL_LOCK}" within ${DDL_LOCK_TIMEOUT_S} s`);
  }
  try {
    return await work();
  } finally {
    await connection.query('SELECT RELEASE_LOCK(?)', [DDL_LOCK]).catch(() => undefined);
  }
}

function sameShape(a: TableSchema, b: TableSchema): boolean {
  return signatureOf(a) === signatureOf(b);
}

const signatures = new WeakMap<TableSchema, string>();

function signatureOf(table: TableSchema): string {
  let signature = signatures.get(table);
  if (signature === undefined) {
    signature = JSON.stringify([
      table.hasKey,
      table.columns.map((c) => [c.name, c.type, c.key, c.nullable, c.typeOid === 0]),
    ]);
    signatures.set(table, signature);
  }
  return signature;
}
