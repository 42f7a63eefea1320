import type pg from 'pg';
import {
  UNCHANGED_VALUE,
  qualifiedName,
  expandRows,
  plainOp,
  type ChangeOp,
  type TableSchema,
  type Value,
} from '@cdc/change-envelope';
import {
  bindingKey,
  decodeStoredSchema,
  encodeSourceSchema,
  encodeStoredSchema,
  isDroppedSince,
  isIdentityShaping,
  mapOpTarget,
  planEvolution,
  schemasPerTarget,
  SchemaChangeError,
  shapeOp,
  shapedTableOf,
  ShapingError,
  tableSignature,
  type SinkBatch,
  type StoredSchema,
  type TargetTable,
} from '@cdc/apply';
import type { TableBinding } from './binding';
import {
  createTable,
  DDL_LOCK_KEY,
  evolutionSql,
  loadCatalog,
  qualifiedTarget,
  quote,
  type TargetCatalog,
} from './catalog';
import { PLAIN_FIELD } from './encode';
import { errorText, postgresOpFailure } from './errors';
import type { PostgresSinkOptions } from './sink';

/**
 * What the sink knows of its destination tables, and how it gets them ready for a batch's ops:
 * the ops shaped (consolidation), the tables created and evolved with the source schema
 * (create_tables), each source table bound to its destination table. All of it caches the
 * destination's catalog and schema table across batches, and is forgotten when a batch rolls
 * back (forget).
 */
export class DestinationTables {
  private readonly catalogs = new Map<string, TargetCatalog>();
  /** Per destination table: the source schema it was last evolved to (create_tables only). */
  private readonly storedSchemas = new Map<string, StoredSchema | undefined>();
  private readonly bindings = new Map<string, TableBinding>();
  /** Per binding: destination columns missing and ignored (missing_columns: ignore). */
  readonly ignored = new Map<TableBinding, Set<string>>();
  private readonly loggedIgnored = new Set<string>();
  /** Tables this sink created and has written only snapshot chunks to since (see loadAsIs in write.ts). */
  readonly freshTables = new Set<string>();

  constructor(
    private readonly options: PostgresSinkOptions,
    /** The quoted schema table: the source schema each destination table was last evolved to. */
    private readonly schemaTable: string,
  ) {}

  /** After a rollback: what the transaction created or changed is unknown again. */
  forget(): void {
    this.catalogs.clear();
    // A table created in the rolled back transaction is gone; a COPY that failed on a key found
    // one of its rows there: either way the table is no longer known to be fresh.
    this.freshTables.clear();
    this.bindings.clear();
    this.ignored.clear();
    this.storedSchemas.clear();
  }

  /**
   * Schema evolution (create_tables), inside the batch transaction (Postgres DDL is
   * transactional: a crash undoes it with the batch). For each destination table, the schemas
   * the pending ops carry are compared with the one stored in the schema table; libs/apply's
   * planner turns the difference into added, widened, relaxed and dropped columns, or a
   * SchemaChangeError (rename, narrowing, key change) that stops the partition. Ops from before
   * a drop (redelivered) are written without the dropped columns.
   */
  async evolve(client: pg.PoolClient, batch: SinkBatch, pending: ChangeOp[]): Promise<ChangeOp[]> {
    const perTarget = schemasPerTarget(pending, (op) => {
      const target = this.options.mapTable(op.table);
      return { target, id: qualifiedTarget(target) };
    });
    let rewrite = false;
    for (const [id, { target, first, schemas }] of perTarget) {
      const storeKey = this.storedKey(id, first.table, batch.source);
      const fanIn = storeKey !== id;
      const known = this.storedSchemas.get(storeKey);
      if (known !== undefined) {
        const current = shapeOf(known.table);
        if (schemas.every((s) => shapeOf(s.table) === current)) continue;
      }
      await client.query('SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)', [DDL_LOCK_KEY]);
      let catalog = await loadCatalog(client, target);
      const stored = await this.readStoredSchema(client, target, fanIn ? batch.source : undefined);
      if (catalog === undefined) {
        await createTable(client, target, schemas[0].table);
        // Created here, in this batch's transaction: it holds nothing, so snapshot chunks may go in
        // with COPY as they are (see loadAsIs in write) until something else is written to it.
        this.freshTables.add(id);
        catalog = await loadCatalog(client, target);
        if (catalog === undefined)
          throw new Error(`table ${target.schema}.${target.table} is still missing after CREATE TABLE`);
      }
      let plan: ReturnType<typeof planEvolution>;
      try {
        plan = planEvolution(stored, schemas, new Set(catalog.columns.keys()));
      } catch (error) {
        if (error instanceof SchemaChangeError) {
          throw postgresOpFailure(
            this.options,
            batch,
            first,
            `cannot follow the source's schema change: ${error.message}`,
            error,
            '0A000',
          );
        }
        throw error;
      }
      let skippedAdd = false;
      for (let step of plan.steps) {
        // Fan-in: other sources may still write a column one source dropped; it is kept and made
        // nullable. A missing column is only added with missing_columns: create (else bind()
        // fails or ignores it, and the schema is not stored, so a later create still adds it).
        if (step.kind === 'drop' && fanIn) step = { kind: 'relax', column: step.column };
        if (step.kind === 'add' && this.missingColumns() !== 'create') {
          skippedAdd = true;
          continue;
        }
        const sql = await evolutionSql(client, target, step, catalog);
        if (sql !== undefined) await client.query(sql);
      }
      if (plan.stored !== undefined && !skippedAdd) {
        const { schema, positions } = encodeStoredSchema(plan.stored);
        await client.query(
          `INSERT INTO ${this.schemaTable} (target_schema, target_table, source_schema, positions) VALUES ($1, $2, $3, $4)
           ON CONFLICT (target_schema, target_table) DO UPDATE
           SET source_schema = EXCLUDED.source_schema, positions = EXCLUDED.positions, updated_at = pg_catalog.now()`,
          [target.schema, storedTableName(target, fanIn ? batch.source : undefined), schema, positions],
        );
      }
      const now = plan.stored ?? stored;
      this.storedSchemas.set(storeKey, now);
      if (plan.steps.length > 0) {
        this.catalogs.delete(id);
        for (const key of [...this.bindings.keys()]) if (key.startsWith(`${id}\u0000`)) this.bindings.delete(key);
      }
      if (now !== undefined && schemas.some((s) => droppedColumns(now, s.table).size > 0)) rewrite = true;
    }
    if (!rewrite) return pending;
    return pending.flatMap((op) => {
      if (op.kind === 'ddl') return op;
      const stored = this.storedSchemas.get(
        this.storedKey(qualifiedTarget(this.options.mapTable(op.table)), op.table, batch.source),
      );
      const gone = op.table.columns.flatMap((column, index) =>
        isDroppedSince(stored, op, column.name) ? [index] : [],
      );
      if (gone.length === 0) return [op];
      const blank = (row: readonly Value[] | undefined) =>
        row?.map((value, index) => (gone.includes(index) ? UNCHANGED_VALUE : value));
      return expandRows(op).map((row) => plainOp(row, { before: blank(row.before), after: blank(row.after) }));
    });
  }

  private missingColumns(): 'fail' | 'create' | 'ignore' {
    return this.options.missingColumns ?? (this.options.createTables ? 'create' : 'fail');
  }

  /** Key of the stored source schema: per source in fan-in tables (positions of different sources do not compare). */
  private storedKey(id: string, table: TableSchema, source: string): string {
    return shapedTableOf(table)?.shaping.sourceId !== undefined ? `${id}\u0000${source}` : id;
  }

  /** Source ops in the destination's shape (fan-in, model, column mapping); unchanged without shaping. */
  shape(batch: SinkBatch, ops: ChangeOp[]): ChangeOp[] {
    const shapeFor = this.options.shapeFor;
    if (shapeFor === undefined) return ops;
    const out: ChangeOp[] = [];
    for (const op of ops) {
      if (op.kind === 'ddl') {
        out.push(op);
        continue;
      }
      const shaping = shapeFor(batch.source, op.table);
      if (isIdentityShaping(shaping)) {
        out.push(op);
        continue;
      }
      try {
        // A shaped table's rows change on the way: a snapshot chunk is shaped row by row.
        for (const row of expandRows(op)) for (const shaped of shapeOp(row, shaping!)) out.push(shaped);
      } catch (error) {
        if (error instanceof ShapingError) {
          throw postgresOpFailure(this.options, batch, op, `cannot be mapped: ${error.message}`, error, '42P10');
        }
        throw error;
      }
    }
    return out;
  }

  private async readStoredSchema(
    client: pg.PoolClient,
    target: TargetTable,
    fanInSource: string | undefined,
  ): Promise<StoredSchema | undefined> {
    const result = await client.query<{ source_schema: string; positions: string }>(
      `SELECT source_schema, positions FROM ${this.schemaTable} WHERE target_schema = $1 AND target_table = $2`,
      [target.schema, storedTableName(target, fanInSource)],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : decodeStoredSchema(target, row.source_schema, row.positions);
  }

  /** Binds a source table to its destination table, reading (and if allowed creating) it. */
  async bind(client: pg.PoolClient, batch: SinkBatch, op: ChangeOp): Promise<TableBinding> {
    const table = op.table;
    const target = mapOpTarget(this.options.mapTable, op, errorText, (what, cause) =>
      postgresOpFailure(this.options, batch, op, what, cause, undefined),
    );
    const id = qualifiedTarget(target);
    const signature = tableSignature(table);
    const cacheKey = `${id}\u0000${signature}`;
    const cached = this.bindings.get(cacheKey);
    if (cached !== undefined) return cached;

    const display = `${target.schema}.${target.table}`;
    let catalog = this.catalogs.get(id);
    if (catalog === undefined || missingColumns(catalog, table).length > 0) catalog = await loadCatalog(client, target);
    if (catalog === undefined) {
      if (!this.options.createTables) {
        throw postgresOpFailure(
          this.options,
          batch,
          op,
          `table ${display} does not exist (set create_tables: true to create it from the source schema)`,
          undefined,
          '42P01',
          `destination ${this.options.destination}: table ${display} does not exist (set create_tables: true to create it from the source schema)`,
        );
      }
      await createTable(client, target, table);
      this.freshTables.add(id);
      catalog = await loadCatalog(client, target);
      if (catalog === undefined) throw new Error(`table ${display} is still missing after CREATE TABLE`);
    }
    this.catalogs.set(id, catalog);

    // Columns the source dropped since (a newer schema is stored) are written as unchanged: see evolve().
    const gone = droppedColumns(this.storedSchemas.get(this.storedKey(id, table, batch.source)), table);
    const missing = missingColumns(catalog, table).filter((name) => !gone.has(name));
    let ignored: Set<string> | undefined;
    if (missing.length > 0) {
      const names = missing.map((name) => JSON.stringify(name)).join(', ');
      const policy = this.missingColumns();
      const synthetic = missing.filter((name) => !isSourceColumn(table, name));
      if (policy !== 'ignore' || synthetic.length > 0) {
        const hint =
          synthetic.length > 0
            ? 'the table was not created for this mode or source id; add the column or let the applier create the table'
            : policy === 'create'
              ? 'it could not be added'
              : 'set missing_columns: create (with create_tables: true) to add it, or missing_columns: ignore to drop its values';
        throw postgresOpFailure(
          this.options,
          batch,
          op,
          `table ${display} has no column ${names} (source ${qualifiedName(table)}; ${hint})`,
          undefined,
          '42703',
          `destination ${this.options.destination}: table ${display} has no column ${names} ` +
            `(source ${batch.source} table ${qualifiedName(table)}; ${hint})`,
        );
      }
      ignored = new Set(missing);
      for (const name of missing) {
        const logKey = `${id}\u0000${name}`;
        if (this.loggedIgnored.has(logKey)) continue;
        this.loggedIgnored.add(logKey);
        this.options.log?.(
          `destination ${this.options.destination}: table ${display} has no column ${JSON.stringify(name)}; ` +
            `its values are dropped (missing_columns: ignore)`,
        );
      }
    }
    const { keyIndexes, keyed, unusable } = bindingKey(table, catalog.uniqueKeys);
    if (unusable !== undefined) {
      throw postgresOpFailure(
        this.options,
        batch,
        op,
        `table ${display} has no primary key or unique index on (${unusable.join(', ')}) to apply changes by key`,
        undefined,
        '42P10',
      );
    }
    const columns = table.columns.map((column) => {
      const targetColumn = catalog.columns.get(column.name);
      return {
        name: column.name,
        sql: quote(column.name),
        jsonKey: JSON.stringify(column.name) + ':',
        mode: targetColumn?.mode ?? PLAIN_FIELD,
        comparable: targetColumn?.comparable ?? false,
        typeSql: targetColumn?.typeSql ?? 'pg_catalog.text',
      };
    });
    const binding: TableBinding = { id, signature, display, columns, keyIndexes, keyed, sqlCache: new Map() };
    this.bindings.set(cacheKey, binding);
    if (ignored !== undefined) this.ignored.set(binding, ignored);
    return binding;
  }
}

/** Fan-in tables keep one stored schema per source: `table`, a unit separator, the source name. */
function storedTableName(target: TargetTable, fanInSource: string | undefined): string {
  return fanInSource === undefined ? target.table : `${target.table}\u001f${fanInSource}`;
}

/** Whether the column comes from the source table (not a source id or _cdc_ column of the shaping). */
function isSourceColumn(table: TableSchema, name: string): boolean {
  const shaped = shapedTableOf(table);
  if (shaped === undefined) return true;
  const index = table.columns.findIndex((column) => column.name === name);
  return index < 0 || shaped.origins[index].kind === 'source';
}

const shapes = new WeakMap<TableSchema, string>();

/** A schema's stored form, computed once per schema object (readers reuse one per table version): evolve() runs per batch. */
function shapeOf(table: TableSchema): string {
  let shape = shapes.get(table);
  if (shape === undefined) {
    shape = encodeSourceSchema(table);
    shapes.set(table, shape);
  }
  return shape;
}

/** Columns of `table` that the stored (newer) source schema no longer has. */
function droppedColumns(stored: StoredSchema | undefined, table: TableSchema): Set<string> {
  if (stored === undefined) return new Set();
  const now = new Set(stored.table.columns.map((column) => column.name));
  return new Set(table.columns.filter((column) => !now.has(column.name)).map((column) => column.name));
}

function missingColumns(catalog: TargetCatalog, table: TableSchema): string[] {
  return table.columns.filter((column) => !catalog.columns.has(column.name)).map((column) => column.name);
}
