import { Readable } from 'node:stream';
import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import { traceStep } from '@cdc/telemetry';
import { keyColumnIndexes, type ChangeOp, type Position, type TableSchema, type Value } from '@cdc/change-envelope';
import {
  ApplyError,
  SchemaChangeError,
  decodeStoredSchema,
  encodeCheckpointLanes,
  encodeStoredSchema,
  filterAfterCheckpoint,
  foldOps,
  FoldError,
  applyBatchTransaction,
  RetryOpByOp,
  writeInSegments,
  type TransactionAttempt,
  isDroppedSince,
  planEvolution,
  type ApplyResult,
  type ApplyStep,
  type Checkpoint,
  type Sink,
  type SinkBatch,
  type StoredSchema,
  type TableMapper,
  type TargetTable,
  checkpointOfRow,
  describeDestination,
  opFailure,
  type CheckpointRow,
} from '@cdc/apply';
import { createTable, evolutionSql, loadCatalog, qualifiedTarget, quote, type TargetCatalog } from './catalog';
import { ValueError, statementsOf, type Statement, type TableBinding } from './statements';
import { mysqlPoolOptions } from './pool';
import { ipHostToCheck, ipIdentityCheck, type MysqlTlsOptions } from './tls';
import type { UnrepresentablePolicy } from './values';

export interface MysqlSinkOptions {
  /** mysql://user:password@host:port/database: the checkpoint and schema tables live in this database. */
  url: string;
  /** Name of the destination, for errors and logs. */
  destination: string;
  /** Where each source table lands: `schema` is the MySQL database. */
  mapTable: TableMapper;
  /** Create missing databases and tables, and evolve them with the source schema. */
  createTables: boolean;
  /** Values the destination cannot hold (default `fail`). */
  unrepresentable?: UnrepresentablePolicy;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** TLS on every connection (files read at start); absent: as the URL says (plain TCP unless `?ssl=`). */
  tls?: MysqlTlsOptions;
  /**
   * Fewest rows written with LOAD DATA LOCAL INFILE (a staging table, then INSERT ... SELECT, for
   * upserts); smaller groups go as INSERT statements. Default 200; 0 turns LOAD DATA off. Off too
   * when the server has local_infile off (said by `log`).
   */
  loadDataMinRows?: number;
  /** Informational lines (how the sink writes). */
  log?: (message: string) => void;
}

export interface MysqlApplyResult extends ApplyResult {
  /** DDL ops in the batch (counted in `applied`; tables evolve from the ops' schemas instead). */
  readonly ddlOps: number;
  /** Schema changes run at the destination for this batch (ADD/DROP/MODIFY COLUMN, CREATE TABLE). */
  readonly schemaChanges: number;
}

export interface MysqlSink extends Sink {
  applyBatch(batch: SinkBatch): Promise<MysqlApplyResult>;
  /** "mysql destination <name> (host:port/database)", without credentials. */
  describe(): string;
}

/** An ApplyError with the server's error number and SQLSTATE when the server raised it. */
export class MysqlApplyError extends ApplyError {
  constructor(
    message: string,
    context: ApplyError['context'],
    /** The server's SQLSTATE, or for errors found before any statement ran: 42S02 missing table, 42S22 missing column, 22003 a value out of range, 0A000 an unsupported schema change. */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, context, options);
    this.name = 'ApplyError';
  }
}

/** Connects, creates the checkpoint and schema tables if absent, and returns the sink. */
export async function createMysqlSink(options: MysqlSinkOptions): Promise<MysqlSink> {
  let sink: MysqlDestination;
  try {
    sink = new MysqlDestination(options);
  } catch (error) {
    throw new Error(`destination ${options.destination}: ${errorText(error)}`, { cause: error });
  }
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

const CHECKPOINT_TABLE = '_cdc_checkpoint';
const SCHEMA_TABLE = '_cdc_schema';
/** GET_LOCK name: DDL by the appliers of one destination server runs one at a time. */
const DDL_LOCK = 'cdc_ddl';
const DDL_LOCK_TIMEOUT_S = 60;
const MAX_STATEMENT_CHARS = 4 * 1024 * 1024;
const LOAD_DATA_MIN_ROWS = 200;
/** Rows per segment a batch is written in (planned while the previous one executes). */
const SEGMENT_ROWS = 1000;
/** LOAD DATA LOCAL rows go to the server in pieces of this size (a protocol packet each). */
const INFILE_PIECE_BYTES = 1024 * 1024;
const SESSION_SETUP =
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', " +
  "time_zone = '+00:00'";
const SESSION_ISOLATION = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

class MysqlDestination implements MysqlSink {
  private readonly pool: Pool;
  private readonly policy: UnrepresentablePolicy;
  private database = '';
  /** Per destination table: its catalog, and the source schema it was last evolved to. */
  private readonly tables = new Map<string, { catalog: TargetCatalog; stored: StoredSchema | undefined }>();
  private readonly bindings = new Map<string, TableBinding>();
  private readonly targets = new WeakMap<TableSchema, { target: TargetTable; id: string }>();
  private readonly directLoads = new DirectLoads();
  private closed = false;
  /** LOAD DATA LOCAL INFILE is used (the server allows it and loadDataMinRows is not 0). */
  private loadData = false;
  /** The server's certificate did not name the URL's IP address: the connection was closed. */
  private identityError: Error | undefined;

  constructor(private readonly options: MysqlSinkOptions) {
    this.policy = options.unrepresentable ?? 'fail';
    this.pool = mysql.createPool({
      ...mysqlPoolOptions(options.url, options.poolSize ?? 4, options.tls),
      // Statements without parameters (a batch's, with its values as literals) go as they are:
      // the default formatter scanned every megabyte of them for placeholders.
      queryFormat: (sql: string, values: unknown) =>
        Array.isArray(values) && values.length > 0 ? mysql.format(sql, values) : sql,
    });
    const ipHost = options.tls !== undefined ? ipHostToCheck(options.url, options.tls) : undefined;
    const checkIdentity = ipHost !== undefined ? ipIdentityCheck(ipHost) : undefined;
    // Every session gets the same settings: strict values, UTC, backslash escapes on (escape() relies on it).
    this.pool.on('connection', (connection) => {
      if (checkIdentity !== undefined) {
        const problem = checkIdentity(connection);
        if (problem !== undefined) {
          // Fail closed: the caller's first statement on it fails, and failure() says why.
          this.identityError = problem;
          connection.destroy();
          return;
        }
      }
      connection.query(SESSION_SETUP);
      connection.query(SESSION_ISOLATION);
    });
  }

  describe(): string {
    return describeDestination('mysql', this.options.destination, this.options.url, 3306);
  }

  async init(): Promise<void> {
    const connection = await this.pool.getConnection();
    try {
      const [rows] = await connection.query('SELECT DATABASE() AS db');
      this.database = (rows as { db: string | null }[])[0]?.db ?? '';
      if (this.database === '') throw new Error('the url names no database (mysql://user@host:port/<database>)');
      const minRows = this.options.loadDataMinRows ?? LOAD_DATA_MIN_ROWS;
      if (minRows > 0) {
        const [infile] = await connection.query('SELECT @@local_infile AS enabled');
        this.loadData = Number((infile as { enabled: number | string }[])[0]?.enabled) === 1;
        if (!this.loadData)
          this.options.log?.(
            `${this.describe()}: the server has local_infile off, so rows are written with INSERT statements (slower for bulk writes: SET GLOBAL local_infile = 1 to allow LOAD DATA LOCAL INFILE)`,
          );
      }
      await this.withDdlLock(connection, async () => {
        await connection.query(
          `CREATE TABLE IF NOT EXISTS ${quote(CHECKPOINT_TABLE)} (
             source VARCHAR(255) NOT NULL, \`partition\` INT NOT NULL, stream_seq BIGINT NULL, positions TEXT NULL,
             updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
             PRIMARY KEY (source, \`partition\`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
        );
        await connection.query(
          `CREATE TABLE IF NOT EXISTS ${quote(SCHEMA_TABLE)} (
             target_schema VARCHAR(64) NOT NULL, target_table VARCHAR(64) NOT NULL,
             source_schema LONGTEXT NOT NULL, positions TEXT NOT NULL,
             updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
             PRIMARY KEY (target_schema, target_table)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
        );
      });
      connection.release();
    } catch (error) {
      connection.destroy();
      throw this.identityError ?? error;
    }
  }

  async readCheckpoint(source: string, partition: number): Promise<Checkpoint | undefined> {
    this.assertOpen();
    try {
      const [rows] = await this.pool.query(
        `SELECT CAST(stream_seq AS CHAR) AS stream_seq, positions FROM ${quote(CHECKPOINT_TABLE)} WHERE source = ? AND \`partition\` = ?`,
        [source, partition],
      );
      return checkpointOfRow((rows as CheckpointRow[])[0]);
    } catch (error) {
      throw this.failure(`cannot read the checkpoint: ${errorText(error)}`, { source, partition }, error);
    }
  }

  async applyBatch(batch: SinkBatch): Promise<MysqlApplyResult> {
    this.assertOpen();
    const { extra, ...result } = await applyBatchTransaction(batch, () => this.attempt(batch));
    return { ...result, ...extra };
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
  private async attempt(batch: SinkBatch): Promise<TransactionAttempt<{ ddlOps: number; schemaChanges: number }>> {
    const { source, partition } = batch;
    let connection: PoolConnection;
    try {
      connection = await this.pool.getConnection();
    } catch (error) {
      throw this.failure(`cannot connect: ${errorText(error)}`, { source, partition }, error);
    }
    let broken = false;
    let statement: Statement | undefined;
    let inTransaction = false;
    let folding = true;
    const extra = { ddlOps: 0, schemaChanges: 0 };
    return {
      extra,
      begin: async (ops) => {
        // MySQL DDL commits implicitly, so tables are created and evolved in their own step,
        // before the batch transaction, for the ops past a (non-locking) read of the checkpoint.
        // Every step is idempotent: a crash between DDL and the batch commit is harmless.
        if (this.options.createTables) {
          const early = filterAfterCheckpoint(ops, await this.readCheckpointOn(connection, source, partition));
          extra.schemaChanges = await this.evolve(connection, batch, early.pending);
        }
        await connection.query('START TRANSACTION');
        inTransaction = true;
      },
      lockCheckpoint: () => this.lockCheckpoint(connection, source, partition),
      write: async (pending, fold) => {
        folding = fold;
        const bindings = new Map<TableSchema, Map<string, TableBinding>>();
        const bindOp = (op: ChangeOp): TableBinding => {
          let byStored = bindings.get(op.table);
          if (byStored === undefined) bindings.set(op.table, (byStored = new Map()));
          const { target, id: key } = this.targetOf(batch, op);
          let binding = byStored.get(key);
          if (binding === undefined) byStored.set(key, (binding = this.bind(batch, op, target)));
          return binding;
        };
        const complete = new Set<TableSchema>();
        for (const op of pending) {
          if (op.kind === 'ddl' || complete.has(op.table)) continue;
          if (await this.ensureCatalog(connection, batch, op)) complete.add(op.table);
        }
        const options = {
          maxStatementChars: MAX_STATEMENT_CHARS,
          policy: this.policy,
          escape: (text: string) => connection.escape(text),
          // The op-by-op retry writes with INSERTs: they name the rejected op and value.
          ...(this.loadData && fold
            ? {
                loadData: {
                  minRows: this.options.loadDataMinRows ?? LOAD_DATA_MIN_ROWS,
                  direct: (binding: TableBinding) => this.directLoads.shouldTry(binding.id),
                },
              }
            : {}),
        };
        const run = async (statements: readonly Statement[]): Promise<void> => {
          for (statement of statements) {
            if (statement.infile === undefined) {
              await connection.query(statement.sql);
              continue;
            }
            const rows = statement.infile;
            const [result] = await connection.query({
              sql: statement.sql,
              infileStreamFactory: () => Readable.from(pieces(rows)),
            });
            // LOAD DATA LOCAL stores what it cannot read as a warning (a clipped value, a skipped
            // duplicate) where INSERT fails: a warning is a rejection (load-data.ts), unless the
            // statement says what to do instead.
            const warnings = (result as { warningStatus?: number }).warningStatus ?? 0;
            if (statement.direct !== undefined) this.directLoads.record(statement.direct.id, warnings === 0);
            if (warnings === 0) continue;
            if (statement.onWarnings !== undefined) {
              await run(statement.onWarnings);
              continue;
            }
            const [shown] = await connection.query('SHOW WARNINGS LIMIT 1');
            const first = (shown as { Message?: string }[])[0]?.Message ?? 'no text';
            throw new Error(`LOAD DATA stored ${warnings} warning(s), the first: ${first}`);
          }
        };
        extra.ddlOps = 0;
        const plan = (ops: readonly ChangeOp[]): Statement[] => {
          const { steps, ddl } = foldOps(ops, { targetOf: (op) => bindOp(op).id, fold });
          extra.ddlOps += ddl;
          return steps.flatMap((step) =>
            statementsOf(step, bindOp(step.kind === 'op' || step.kind === 'load' ? step.op : firstOpOf(step)), options),
          );
        };
        // Folded: planned a segment ahead of the server (writeInSegments); op by op: as one run.
        await writeInSegments(pending, fold ? SEGMENT_ROWS : Number.POSITIVE_INFINITY, plan, run);
        statement = undefined;
      },
      writeCheckpoint: async (streamSeq, lanes) => {
        await connection.query(
          `UPDATE ${quote(CHECKPOINT_TABLE)} SET stream_seq = ?, positions = ? WHERE source = ? AND \`partition\` = ?`,
          [streamSeq, encodeCheckpointLanes(lanes), source, partition],
        );
      },
      // A child of the applier's apply span when tracing is on; a plain query otherwise.
      commit: async () => {
        await traceStep('cdc.commit', () => connection.query('COMMIT'));
        inTransaction = false;
      },
      abort: async (error) => {
        this.tables.clear();
        this.bindings.clear();
        if (inTransaction) {
          try {
            await connection.query('ROLLBACK');
          } catch {
            broken = true;
          }
        }
        if (error instanceof ApplyError) return error;
        if (error instanceof SchemaChangeError) {
          return new MysqlApplyError(
            `destination ${this.options.destination}: ${error.message}`,
            { source, partition, table: error.table },
            '0A000',
            { cause: error },
          );
        }
        if (error instanceof FoldError) {
          const code = error instanceof ValueError ? '22003' : '22000';
          return this.opFailure(batch, error.op, `cannot be written: ${error.message}`, error, code);
        }
        const sqlState = sqlStateOf(error);
        if (isConnectionError(error)) broken = true;
        if (statement !== undefined) {
          if (folding && !broken) return new RetryOpByOp(error);
          return this.opFailure(
            batch,
            statement.op,
            `rejected by the destination: ${errorText(error)}`,
            error,
            sqlState,
          );
        }
        return this.failure(`batch failed: ${errorText(error)}`, { source, partition }, error);
      },
      release: () => {
        if (broken) connection.destroy();
        else connection.release();
      },
    };
  }

  private async readCheckpointOn(
    connection: PoolConnection,
    source: string,
    partition: number,
  ): Promise<Checkpoint | undefined> {
    const [rows] = await connection.query(
      `SELECT CAST(stream_seq AS CHAR) AS stream_seq, positions FROM ${quote(CHECKPOINT_TABLE)} WHERE source = ? AND \`partition\` = ?`,
      [source, partition],
    );
    return checkpointOfRow((rows as CheckpointRow[])[0]);
  }

  private async lockCheckpoint(
    connection: PoolConnection,
    source: string,
    partition: number,
  ): Promise<Checkpoint | undefined> {
    const lock = `SELECT CAST(stream_seq AS CHAR) AS stream_seq, positions FROM ${quote(CHECKPOINT_TABLE)} WHERE source = ? AND \`partition\` = ? FOR UPDATE`;
    let [rows] = await connection.query(lock, [source, partition]);
    if ((rows as CheckpointRow[]).length === 0) {
      // First batch of this partition: create the row (waits for a concurrent creator), then lock it.
      await connection.query(`INSERT IGNORE INTO ${quote(CHECKPOINT_TABLE)} (source, \`partition\`) VALUES (?, ?)`, [
        source,
        partition,
      ]);
      [rows] = await connection.query(lock, [source, partition]);
    }
    return checkpointOfRow((rows as CheckpointRow[])[0]);
  }

  private target(batch: SinkBatch, op: ChangeOp): TargetTable {
    return this.targetOf(batch, op).target;
  }

  /** Where an op's table lands, and its quoted name (mapped once per source table schema, not per op). */
  private targetOf(batch: SinkBatch, op: ChangeOp): { target: TargetTable; id: string } {
    let known = this.targets.get(op.table);
    if (known !== undefined) return known;
    let target: TargetTable;
    try {
      target = this.options.mapTable(op.table);
    } catch (error) {
      throw this.opFailure(batch, op, `cannot be mapped to a destination table: ${errorText(error)}`, error, undefined);
    }
    known = { target, id: qualifiedTarget(target) };
    this.targets.set(op.table, known);
    return known;
  }

  /**
   * Creates and evolves the destination tables of the pending ops, under GET_LOCK so appliers
   * of one server run DDL one at a time. Returns the number of DDL statements run.
   */
  private async evolve(connection: PoolConnection, batch: SinkBatch, pending: readonly ChangeOp[]): Promise<number> {
    const perTarget = new Map<string, { target: TargetTable; schemas: { table: TableSchema; position: Position }[] }>();
    for (const op of pending) {
      if (op.kind === 'ddl') continue;
      const { target, id } = this.targetOf(batch, op);
      let entry = perTarget.get(id);
      if (entry === undefined) perTarget.set(id, (entry = { target, schemas: [] }));
      if (entry.schemas[entry.schemas.length - 1]?.table !== op.table)
        entry.schemas.push({ table: op.table, position: op.position });
    }
    let statements = 0;
    for (const [id, { target, schemas }] of perTarget) {
      const known = this.tables.get(id);
      // Nothing to do when every schema is the one stored (the common case: no round trip).
      if (known?.stored !== undefined && schemas.every((s) => sameShape(s.table, known.stored!.table))) continue;
      statements += await this.withDdlLock(connection, async () => {
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

  private async withDdlLock<T>(connection: PoolConnection, work: () => Promise<T>): Promise<T> {
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

  /** Reads the catalog of an op's table (once per batch and table); without create_tables it must exist. */
  /**
   * Loads the catalog of an op's destination table if it is not known or lacks a column. True
   * when every column of the op's table is in the catalog (then so are the next ops' of the same
   * table schema, and the caller need not ask again for them).
   */
  private async ensureCatalog(connection: PoolConnection, batch: SinkBatch, op: ChangeOp): Promise<boolean> {
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
      throw this.opFailure(
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

  private bind(batch: SinkBatch, op: ChangeOp, target: TargetTable): TableBinding {
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
      throw this.opFailure(
        batch,
        op,
        `cannot be written: table ${display} has no column ${missing.map((name) => JSON.stringify(name)).join(', ')}` +
          (this.options.createTables ? '' : ' (set create_tables: true to evolve destination tables with the source)'),
        undefined,
        '42S22',
      );
    }
    const keyIndexes = keyColumnIndexes(table.columns);
    const keyed = table.hasKey && keyIndexes.length > 0;
    if (keyed) {
      const names = keyIndexes.map((index) => table.columns[index].name).sort();
      const usable = known.catalog.uniqueKeys.some(
        (unique) => unique.length === names.length && [...unique].sort().every((name, i) => name === names[i]),
      );
      if (!usable) {
        throw this.opFailure(
          batch,
          op,
          `cannot be written: table ${display} has no primary key or unique index on (${names.join(', ')})`,
          undefined,
          '42000',
        );
      }
    }
    const binding: TableBinding = { id, display, signature, columns, keyIndexes, keyed };
    this.bindings.set(cacheKey, binding);
    return binding;
  }

  private failure(message: string, context: ApplyError['context'], cause: unknown): MysqlApplyError {
    if (this.identityError !== undefined) message = `cannot connect: ${this.identityError.message}`;
    return new MysqlApplyError(`destination ${this.options.destination}: ${message}`, context, sqlStateOf(cause), {
      cause,
    });
  }

  private opFailure(
    batch: SinkBatch,
    op: ChangeOp,
    what: string,
    cause: unknown,
    code: string | undefined,
    fullMessage?: string,
  ): MysqlApplyError {
    let target = '';
    try {
      const mapped = this.options.mapTable(op.table);
      target = ` -> ${mapped.schema}.${mapped.table}`;
    } catch {
      // shown without a target
    }
    const { message, context } = opFailure(this.options.destination, batch, op, target, what, {
      valueText: messageText,
      ...(fullMessage !== undefined ? { fullMessage } : {}),
    });
    return new MysqlApplyError(message, context, code, cause === undefined ? undefined : { cause });
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

/** A value as MySQL messages show it (renderOpKey): bytes in hex, arrays as JSON. */
function messageText(value: Value): string | null {
  if (value.kind === 'null' || value.kind === 'unchanged') return null;
  if (value.kind === 'bytes') return '\\x' + Buffer.from(value.value).toString('hex');
  return value.kind === 'array' ? JSON.stringify(value.value) : String(value.value);
}

function sqlStateOf(error: unknown): string | undefined {
  const state = (error as { sqlState?: unknown } | undefined)?.sqlState;
  return typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
}

/** The connection is gone (server restart, network): no point retrying op by op on it. */
function isConnectionError(error: unknown): boolean {
  const e = error as { fatal?: unknown; code?: unknown } | undefined;
  return e?.fatal === true || (typeof e?.code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|PROTOCOL_)/.test(e.code));
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const sqlState = sqlStateOf(error);
    const errno = (error as { errno?: unknown }).errno;
    let text = error.message || error.name;
    if (typeof errno === 'number' && sqlState !== undefined) text += ` [errno ${errno}, SQLSTATE ${sqlState}]`;
    return text;
  }
  return String(error);
}

/** The op a folded step starts with (its rows share one table binding). */
function firstOpOf(step: Exclude<ApplyStep, { kind: 'op' | 'load' }>): ChangeOp {
  if (step.kind === 'inserts') return step.rows[0].op;
  return (step.deletes[0] ?? step.upserts[0]?.rows[0] ?? step.updates[0].rows[0]).op;
}

/** A LOAD DATA statement's rows in protocol-sized pieces. */
function* pieces(rows: Buffer): Generator<Buffer> {
  for (let at = 0; at < rows.length; at += INFILE_PIECE_BYTES) yield rows.subarray(at, at + INFILE_PIECE_BYTES);
}

/**
 * Which tables get their upsert groups loaded straight in (see statements.ts): all of them at
 * first; a table whose direct load met an existing row (so went through the staging table
 * after all) is staged for its next DIRECT_RETRY_GROUPS groups, then tried again. A table
 * taking new rows pays nothing for staging, one taking updates one wasted load in that many.
 */
class DirectLoads {
  private readonly staged = new Map<string, number>();

  shouldTry(table: string): boolean {
    const left = this.staged.get(table);
    if (left === undefined) return true;
    if (left <= 1) this.staged.delete(table);
    else this.staged.set(table, left - 1);
    return false;
  }

  record(table: string, allNew: boolean): void {
    if (allNew) this.staged.delete(table);
    else this.staged.set(table, DIRECT_RETRY_GROUPS);
  }
}

const DIRECT_RETRY_GROUPS = 50;
