import mysql, { type Pool, type PoolConnection } from 'mysql2/promise';
import { traceStep } from '@cdc/telemetry';
import {
  SchemaChangeError,
  encodeCheckpointLanes,
  filterAfterCheckpoint,
  applyBatchTransaction,
  attemptFailure,
  prepareSink,
  type TransactionAttempt,
  type ApplyResult,
  type Checkpoint,
  type Sink,
  type SinkBatch,
  type TableMapper,
  checkpointOfRow,
  describeDestination,
  type CheckpointRow,
} from '@cdc/apply';
import { quote } from './catalog';
import { MysqlApplyError, errorText, isConnectionError, mysqlOpFailure, sqlStateOf } from './errors';
import { mysqlPoolOptions } from './pool';
import { ValueError, type Statement } from './statements';
import { DestinationTables, SCHEMA_TABLE, withDdlLock } from './tables';
import { ipHostToCheck, ipIdentityCheck, type MysqlTlsOptions } from './tls';
import type { UnrepresentablePolicy } from './values';
import { DirectLoads, writeOps, type WriteSettings } from './write';

export { MysqlApplyError } from './errors';

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

/** Connects, creates the checkpoint and schema tables if absent, and returns the sink. */
export async function createMysqlSink(options: MysqlSinkOptions): Promise<MysqlSink> {
  let sink: MysqlDestination;
  try {
    sink = new MysqlDestination(options);
  } catch (error) {
    throw new Error(`destination ${options.destination}: ${errorText(error)}`, { cause: error });
  }
  return prepareSink(sink, options.destination, errorText);
}

const CHECKPOINT_TABLE = '_cdc_checkpoint';
const LOAD_DATA_MIN_ROWS = 200;
const SESSION_SETUP =
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', " +
  "time_zone = '+00:00'";
const SESSION_ISOLATION = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

class MysqlDestination implements MysqlSink {
  private readonly pool: Pool;
  private readonly policy: UnrepresentablePolicy;
  private database = '';
  private readonly tables: DestinationTables;
  private readonly directLoads = new DirectLoads();
  private closed = false;
  /** LOAD DATA LOCAL INFILE is used (the server allows it and loadDataMinRows is not 0). */
  private loadData = false;
  /** The server's certificate did not name the URL's IP address: the connection was closed. */
  private identityError: Error | undefined;

  constructor(private readonly options: MysqlSinkOptions) {
    this.policy = options.unrepresentable ?? 'fail';
    this.tables = new DestinationTables(options);
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
      await withDdlLock(connection, async () => {
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
          extra.schemaChanges = await this.tables.evolve(connection, batch, early.pending);
        }
        await connection.query('START TRANSACTION');
        inTransaction = true;
      },
      lockCheckpoint: () => this.lockCheckpoint(connection, source, partition),
      write: async (pending, fold) => {
        folding = fold;
        const settings: WriteSettings = {
          policy: this.policy,
          loadData: this.loadData,
          loadDataMinRows: this.options.loadDataMinRows ?? LOAD_DATA_MIN_ROWS,
          directLoads: this.directLoads,
        };
        await writeOps(
          connection,
          this.tables,
          batch,
          pending,
          fold,
          extra,
          settings,
          (running) => (statement = running),
        );
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
        this.tables.forget();
        if (inTransaction) {
          try {
            await connection.query('ROLLBACK');
          } catch {
            broken = true;
          }
        }
        if (error instanceof SchemaChangeError) {
          return new MysqlApplyError(
            `destination ${this.options.destination}: ${error.message}`,
            { source, partition, table: error.table },
            '0A000',
            { cause: error },
          );
        }
        if (isConnectionError(error)) broken = true;
        return attemptFailure(error, {
          statementOp: statement?.op,
          sqlState: sqlStateOf(error),
          retryOpByOp: folding && !broken,
          foldErrorCode: (foldError) => (foldError instanceof ValueError ? '22003' : '22000'),
          errorText,
          opFailure: (op, what, cause, code) => mysqlOpFailure(this.options, batch, op, what, cause, code),
          batchFailure: (message, cause) => this.failure(message, { source, partition }, cause),
        });
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

  private failure(message: string, context: MysqlApplyError['context'], cause: unknown): MysqlApplyError {
    if (this.identityError !== undefined) message = `cannot connect: ${this.identityError.message}`;
    return new MysqlApplyError(`destination ${this.options.destination}: ${message}`, context, sqlStateOf(cause), {
      cause,
    });
  }
}
