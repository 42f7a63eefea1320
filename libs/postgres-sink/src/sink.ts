import pg from 'pg';
import { traceStep } from '@cdc/telemetry';
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
  ApplyError,
  encodeCheckpointLanes,
  decodeStoredSchema,
  encodeSourceSchema,
  encodeStoredSchema,
  isDroppedSince,
  planEvolution,
  SchemaChangeError,
  shapeOp,
  shapedTableOf,
  blankColumns,
  foldOps,
  FoldError,
  tableSignature,
  applyBatchTransaction,
  RetryOpByOp,
  type TransactionAttempt,
  isIdentityShaping,
  ShapingError,
  type TableShaping,
  type StoredSchema,
  type ApplyResult,
  type Checkpoint,
  type Sink,
  type SinkBatch,
  type TableMapper,
  type TargetTable,
  checkpointOfRow,
  describeDestination,
  opFailure,
  type CheckpointRow,
} from '@cdc/apply';
import { keyIndexesOf, statementName, type TableBinding } from './binding';
import { createTable, evolutionSql, loadCatalog, qualifiedTarget, quote, type TargetCatalog } from './catalog';
import { PLAIN_FIELD } from './encode';
import { copyRows, statementsOf, type Statement } from './statements';
import { isModelOp, modelStatement } from './models';

export interface PostgresSinkOptions {
  /** Connection URL of the destination database. */
  url: string;
  /** Name of the destination, for errors and logs. */
  destination: string;
  /** Where each source table lands. */
  mapTable: TableMapper;
  /** Create missing destination tables from the source schema. */
  createTables: boolean;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** Schema of the checkpoint table (default "_cdc"). */
  checkpointSchema?: string;
  /**
   * Consolidation per source and source table: fan-in source id, propagation model, column
   * mapping. Must return the same object for the same table each time (shaped schemas are
   * cached by identity); undefined: the table is written as it comes.
   */
  shapeFor?: (source: string, table: TableSchema) => TableShaping | undefined;
  /** A source column the destination table lacks: fail, create (needs createTables) or ignore. Default: create with createTables, else fail. */
  missingColumns?: 'fail' | 'create' | 'ignore';
  /** Info messages (a column dropped by missing_columns: ignore, once per table and column). */
  log?: (message: string) => void;
}

export interface PostgresApplyResult extends ApplyResult {
  /** DDL ops passed over (counted in `applied`; schema changes are not applied yet). */
  readonly ddlIgnored: number;
}

export interface PostgresSink extends Sink {
  applyBatch(batch: SinkBatch): Promise<PostgresApplyResult>;
  /** "postgres destination <name> (host:port/database)", without credentials. */
  describe(): string;
}

/**
 * An ApplyError with a SQLSTATE: the destination's, or for errors found before any statement
 * ran, the one Postgres uses for the same problem (42P01 missing table, 42703 missing column,
 * 42P10 no unique index for the key, 22000 an op that cannot be written). Also exposed as
 * `code`, like pg's own errors, so a retry policy reading `code` classifies it without
 * guessing from the message. Connection failures have no SQLSTATE; their `cause` tells.
 */
export class PostgresApplyError extends ApplyError {
  readonly code: string | undefined;

  constructor(
    message: string,
    context: ApplyError['context'],
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.name = 'ApplyError';
    this.code = sqlState;
  }
}

/** Connects, creates the checkpoint schema and table if absent, and returns the sink. */
export async function createPostgresSink(options: PostgresSinkOptions): Promise<PostgresSink> {
  const sink = new PostgresDestination(options);
  try {
    await sink.init();
  } catch (error) {
    await sink.close().catch(() => undefined);
    throw new Error(`destination ${options.destination}: cannot prepare ${sink.describe()}: ${errorText(error)}`, {
      cause: error,
    });
  }
  return sink;
}

const DEFAULT_POOL_SIZE = 4;
const DEFAULT_CHECKPOINT_SCHEMA = '_cdc';
/** Same key as table creation: DDL by appliers on one destination runs one at a time. */
const DDL_LOCK_KEY = '7161412838512558081';

class PostgresDestination implements PostgresSink {
  private readonly pool: pg.Pool;
  private readonly checkpointTable: string;
  private readonly sql: {
    readonly lock: string;
    readonly ensure: string;
    readonly update: string;
    readonly read: string;
  };
  private readonly catalogs = new Map<string, TargetCatalog>();
  /** Per destination table: the source schema it was last evolved to (create_tables only). */
  private readonly storedSchemas = new Map<string, StoredSchema | undefined>();
  private readonly schemaTable: string;
  private readonly bindings = new Map<string, TableBinding>();
  /** Per binding: destination columns missing and ignored (missing_columns: ignore). */
  private readonly ignored = new Map<TableBinding, Set<string>>();
  private readonly loggedIgnored = new Set<string>();
  /** Tables this sink created and has written only snapshot chunks to since (see loadAsIs). */
  private readonly freshTables = new Set<string>();
  private closed = false;

  constructor(private readonly options: PostgresSinkOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      application_name: `cdc-sink-${options.destination}`.slice(0, 63),
    });
    // An idle connection that dies (server restart) must not crash the process; the next checkout reconnects.
    this.pool.on('error', () => undefined);
    // pg-pool listens for errors only on idle clients, and a client whose server goes away
    // emits 'error' even when its running query is already rejected with it: without this a
    // checked-out client killed the applier (fault matrix, destination kill -9). The failed
    // query still reaches run(), which releases the client as broken.
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    const schema = options.checkpointSchema ?? DEFAULT_CHECKPOINT_SCHEMA;
    this.checkpointTable = `${quote(schema)}.${quote('checkpoint')}`;
    this.schemaTable = `${quote(schema)}.${quote('schema')}`;
    const columns = 'stream_seq::text AS stream_seq, positions';
    this.sql = {
      lock: `SELECT ${columns} FROM ${this.checkpointTable} WHERE source = $1 AND partition = $2 FOR UPDATE`,
      ensure: `INSERT INTO ${this.checkpointTable} (source, partition) VALUES ($1, $2) ON CONFLICT (source, partition) DO NOTHING`,
      update:
        `UPDATE ${this.checkpointTable} SET stream_seq = $3, positions = $4, ` +
        `updated_at = pg_catalog.now() WHERE source = $1 AND partition = $2`,
      read: `SELECT ${columns} FROM ${this.checkpointTable} WHERE source = $1 AND partition = $2`,
    };
  }

  describe(): string {
    return describeDestination('postgres', this.options.destination, this.options.url, 5432);
  }

  async init(): Promise<void> {
    const schema = this.options.checkpointSchema ?? DEFAULT_CHECKPOINT_SCHEMA;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)', [DDL_LOCK_KEY]);
      const exists = await client.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [schema]);
      if (exists.rows.length === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.checkpointTable} (
           source text NOT NULL,
           partition integer NOT NULL,
           stream_seq bigint,
           positions text,
           updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
           PRIMARY KEY (source, partition))`,
      );
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.schemaTable} (
           target_schema text NOT NULL,
           target_table text NOT NULL,
           source_schema text NOT NULL,
           positions text NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
           PRIMARY KEY (target_schema, target_table))`,
      );
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      throw error;
    }
  }

  async readCheckpoint(source: string, partition: number): Promise<Checkpoint | undefined> {
    this.assertOpen();
    try {
      const result = await this.pool.query<CheckpointRow>({
        name: statementName(this.sql.read),
        text: this.sql.read,
        values: [source, partition],
      });
      return checkpointOfRow(result.rows[0]);
    } catch (error) {
      throw this.failure(`cannot read the checkpoint: ${errorText(error)}`, { source, partition }, error);
    }
  }

  async applyBatch(batch: SinkBatch): Promise<PostgresApplyResult> {
    this.assertOpen();
    const { extra, ...result } = await applyBatchTransaction(batch, () => this.attempt(batch));
    return { ...result, ddlIgnored: extra.ddlIgnored };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.describe()} is closed`);
  }

  /** One attempt at the batch on a pool connection (see applyBatchTransaction). */
  private async attempt(batch: SinkBatch): Promise<TransactionAttempt<{ ddlIgnored: number }>> {
    const { source, partition } = batch;
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failure(`cannot connect: ${errorText(error)}`, { source, partition }, error);
    }
    let releaseError: Error | undefined;
    /** The statement running, named when the destination rejects it. */
    let statement: Statement | undefined;
    let folding = true;
    const extra = { ddlIgnored: 0 };
    return {
      extra,
      begin: async () => {
        await client.query('BEGIN');
      },
      lockCheckpoint: () => this.lockCheckpoint(client, source, partition),
      write: async (ops, fold) => {
        folding = fold;
        await this.write(client, batch, ops, fold, extra, (running) => (statement = running));
        statement = undefined;
      },
      writeCheckpoint: async (streamSeq, lanes) => {
        await client.query({
          name: statementName(this.sql.update),
          text: this.sql.update,
          values: [source, partition, streamSeq, encodeCheckpointLanes(lanes)],
        });
      },
      // A child of the applier's apply span when tracing is on; a plain query otherwise.
      commit: () => traceStep('cdc.commit', () => client.query('COMMIT')).then(() => undefined),
      abort: async (error) => {
        this.catalogs.clear();
        // A table created in the rolled back transaction is gone; a COPY that failed on a key found
        // one of its rows there: either way the table is no longer known to be fresh.
        this.freshTables.clear();
        this.bindings.clear();
        this.ignored.clear();
        this.storedSchemas.clear();
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          releaseError = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        if (error instanceof ApplyError) return error;
        if (error instanceof FoldError)
          return this.opFailure(batch, error.op, `cannot be written: ${error.message}`, error, '22000');
        const sqlState = sqlStateOf(error);
        if (statement !== undefined) {
          if (folding && sqlState !== undefined && !isConnectionState(sqlState)) return new RetryOpByOp(error);
          return this.opFailure(
            batch,
            statement.op,
            `rejected by the destination: ${errorText(error)}`,
            error,
            sqlState,
          );
        }
        return this.failure(`batch failed: ${errorText(error)}`, { source, partition }, error, sqlState);
      },
      release: () => client.release(releaseError),
    };
  }

  /**
   * Writes the ops past the checkpoint: shaped (consolidation), the tables created and evolved
   * (create_tables), bound to their destination tables; runs of clone ops through the one
   * planner (libs/apply, foldOps) and this engine's statements, history/append-only ops and a
   * fan-in truncate one statement each, in source order between the runs.
   */
  private async write(
    client: pg.PoolClient,
    batch: SinkBatch,
    ops: ChangeOp[],
    fold: boolean,
    extra: { ddlIgnored: number },
    running: (statement: Statement | undefined) => void,
  ): Promise<void> {
    let pending = this.shape(batch, ops);
    if (this.options.createTables) pending = await this.evolve(client, batch, pending);
    const bindings = new Map<TableSchema, TableBinding>();
    for (const op of pending) {
      if (op.kind !== 'ddl' && !bindings.has(op.table)) bindings.set(op.table, await this.bind(client, batch, op));
    }
    if (this.ignored.size > 0) {
      pending = pending.flatMap((op) => {
        const binding = op.kind === 'ddl' ? undefined : bindings.get(op.table);
        const names = binding === undefined ? undefined : this.ignored.get(binding);
        return names === undefined ? [op] : expandRows(op).map((row) => blankColumns(row, names));
      });
    }
    let run: ChangeOp[] = [];
    const flush = async () => {
      if (run.length === 0) return;
      const { steps, ddl } = foldOps(run, {
        targetOf: (op) => bindings.get(op.table)!.id,
        // A snapshot chunk goes in with COPY as it is when the table is known to hold none of its
        // rows: the source truncated it for this snapshot, or this sink created it and has written
        // only chunks (of disjoint rows) since; and when nothing changes its rows on the way.
        loadAsIs: (op) => {
          const binding = bindings.get(op.table)!;
          return (op.intoEmpty === true || this.freshTables.has(binding.id)) && !this.ignored.has(binding);
        },
        fold,
      });
      run = [];
      extra.ddlIgnored += ddl;
      for (let i = 0; i < steps.length; i += 1) {
        const step = steps[i];
        if (step.kind === 'load') {
          const binding = bindings.get(step.op.table)!;
          const chunks = [step.op.text?.after ?? new Uint8Array()];
          for (
            let next = steps[i + 1];
            next?.kind === 'load' && bindings.get(next.op.table) === binding;
            next = steps[i + 1]
          ) {
            chunks.push(next.op.text?.after ?? new Uint8Array());
            i += 1;
          }
          running({ text: `COPY ${binding.id}`, values: [], op: step.op });
          await copyRows(client, binding, chunks);
          continue;
        }
        const binding = bindings.get(step.kind === 'op' ? step.op.table : step.table)!;
        this.freshTables.delete(binding.id);
        for (const statement of statementsOf(step, binding)) {
          running(statement);
          await client.query({ name: statementName(statement.text), text: statement.text, values: statement.values });
        }
      }
      running(undefined);
    };
    for (const op of pending) {
      if (!isModelOp(op)) {
        run.push(op);
        continue;
      }
      await flush();
      const binding = bindings.get(op.table)!;
      const model = modelStatement(op, binding, this.ignored.get(binding));
      if (model === undefined) continue;
      running({ text: model.text, values: [], op });
      await client.query({ name: statementName(model.text), text: model.text, values: model.values });
      running(undefined);
    }
    await flush();
  }

  /**
   * Schema evolution (create_tables), inside the batch transaction (Postgres DDL is
   * transactional: a crash undoes it with the batch). For each destination table, the schemas
   * the pending ops carry are compared with the one stored in the schema table; libs/apply's
   * planner turns the difference into added, widened, relaxed and dropped columns, or a
   * SchemaChangeError (rename, narrowing, key change) that stops the partition. Ops from before
   * a drop (redelivered) are written without the dropped columns.
   */
  private async evolve(client: pg.PoolClient, batch: SinkBatch, pending: ChangeOp[]): Promise<ChangeOp[]> {
    const perTarget = new Map<
      string,
      { target: TargetTable; first: ChangeOp; schemas: { table: TableSchema; position: ChangeOp['position'] }[] }
    >();
    let previous: TableSchema | undefined;
    for (const op of pending) {
      // Runs of ops of one table schema are the common case: mapped once per run.
      if (op.kind === 'ddl' || op.table === previous) continue;
      previous = op.table;
      const target = this.options.mapTable(op.table);
      const id = qualifiedTarget(target);
      let entry = perTarget.get(id);
      if (entry === undefined) perTarget.set(id, (entry = { target, first: op, schemas: [] }));
      if (entry.schemas[entry.schemas.length - 1]?.table !== op.table)
        entry.schemas.push({ table: op.table, position: op.position });
    }
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
          throw this.opFailure(
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
  private shape(batch: SinkBatch, ops: ChangeOp[]): ChangeOp[] {
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
          throw this.opFailure(batch, op, `cannot be mapped: ${error.message}`, error, '42P10');
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

  private async lockCheckpoint(
    client: pg.PoolClient,
    source: string,
    partition: number,
  ): Promise<Checkpoint | undefined> {
    const lock = { name: statementName(this.sql.lock), text: this.sql.lock, values: [source, partition] };
    let result = await client.query<CheckpointRow>(lock);
    if (result.rows.length === 0) {
      // First batch of this partition: create the row (waits for a concurrent creator), then lock it.
      await client.query({ name: statementName(this.sql.ensure), text: this.sql.ensure, values: [source, partition] });
      result = await client.query<CheckpointRow>(lock);
    }
    return checkpointOfRow(result.rows[0]);
  }

  /** Binds a source table to its destination table, reading (and if allowed creating) it. */
  private async bind(client: pg.PoolClient, batch: SinkBatch, op: ChangeOp): Promise<TableBinding> {
    const table = op.table;
    let target: TargetTable;
    try {
      target = this.options.mapTable(table);
    } catch (error) {
      throw this.opFailure(batch, op, `cannot be mapped to a destination table: ${errorText(error)}`, error, undefined);
    }
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
        throw this.opFailure(
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
        throw this.opFailure(
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
    const keyIndexes = keyIndexesOf(table);
    const keyed = table.hasKey && keyIndexes.length > 0;
    if (keyed) {
      const keyNames = keyIndexes.map((index) => table.columns[index].name).sort();
      const usable = catalog.uniqueKeys.some(
        (unique) => unique.length === keyNames.length && [...unique].sort().every((name, i) => name === keyNames[i]),
      );
      if (!usable) {
        throw this.opFailure(
          batch,
          op,
          `table ${display} has no primary key or unique index on (${keyNames.join(', ')}) to apply changes by key`,
          undefined,
          '42P10',
        );
      }
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

  private failure(
    message: string,
    context: ApplyError['context'],
    cause: unknown,
    sqlState?: string,
  ): PostgresApplyError {
    return new PostgresApplyError(
      `destination ${this.options.destination}: ${message}`,
      context,
      sqlState ?? sqlStateOf(cause),
      { cause },
    );
  }

  private opFailure(
    batch: SinkBatch,
    op: ChangeOp,
    what: string,
    cause: unknown,
    sqlState: string | undefined,
    fullMessage?: string,
  ): PostgresApplyError {
    const target = op.kind === 'ddl' ? '' : ` -> ${displayTarget(this.options.mapTable, op.table)}`;
    const { message, context } = opFailure(
      this.options.destination,
      batch,
      op,
      target,
      what,
      fullMessage !== undefined ? { fullMessage } : {},
    );
    return new PostgresApplyError(message, context, sqlState, cause === undefined ? undefined : { cause });
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

function displayTarget(mapTable: TableMapper, table: TableSchema): string {
  try {
    const target = mapTable(table);
    return `${target.schema}.${target.table}`;
  } catch {
    return '?';
  }
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

function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Connection trouble (class 08, shutdown/crash 57P0x): another attempt op by op cannot help now. */
function isConnectionState(sqlState: string): boolean {
  return sqlState.startsWith('08') || sqlState.startsWith('57P');
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const sqlState = sqlStateOf(error);
    const detail = (error as { detail?: unknown }).detail;
    let text = error.message || error.name;
    if (typeof detail === 'string' && detail.length > 0) text += ` (${detail})`;
    if (sqlState !== undefined) text += ` [SQLSTATE ${sqlState}]`;
    return text;
  }
  return String(error);
}
