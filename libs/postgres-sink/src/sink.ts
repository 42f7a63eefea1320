import pg from 'pg';
import { traceStep } from '@cdc/telemetry';
import type { TableSchema } from '@cdc/change-envelope';
import {
  encodeCheckpointLanes,
  applyBatchTransaction,
  attemptFailure,
  prepareSink,
  type TransactionAttempt,
  type TableShaping,
  type ApplyResult,
  type Checkpoint,
  type Sink,
  type SinkBatch,
  type TableMapper,
  checkpointOfRow,
  describeDestination,
  type CheckpointRow,
} from '@cdc/apply';
import { statementName } from './binding';
import { DDL_LOCK_KEY, quote } from './catalog';
import {
  destinationFailure,
  errorText,
  isConnectionState,
  postgresOpFailure,
  sqlStateOf,
  type PostgresApplyError,
} from './errors';
import type { Statement } from './statements';
import { DestinationTables } from './tables';
import { writeOps } from './write';

export { PostgresApplyError } from './errors';

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

/** Connects, creates the checkpoint schema and table if absent, and returns the sink. */
export async function createPostgresSink(options: PostgresSinkOptions): Promise<PostgresSink> {
  return prepareSink(new PostgresDestination(options), options.destination, errorText);
}

const DEFAULT_POOL_SIZE = 4;
const DEFAULT_CHECKPOINT_SCHEMA = '_cdc';

class PostgresDestination implements PostgresSink {
  private readonly pool: pg.Pool;
  private readonly checkpointTable: string;
  private readonly sql: {
    readonly lock: string;
    readonly ensure: string;
    readonly update: string;
    readonly read: string;
  };
  private readonly schemaTable: string;
  private readonly tables: DestinationTables;
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
    this.tables = new DestinationTables(options, this.schemaTable);
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
        const createTables = this.options.createTables;
        await writeOps(client, this.tables, createTables, batch, ops, fold, extra, (running) => (statement = running));
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
        this.tables.forget();
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          releaseError = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        const sqlState = sqlStateOf(error);
        return attemptFailure(error, {
          statementOp: statement?.op,
          sqlState,
          retryOpByOp: folding && sqlState !== undefined && !isConnectionState(sqlState),
          foldErrorCode: () => '22000',
          errorText,
          opFailure: (op, what, cause, code) => postgresOpFailure(this.options, batch, op, what, cause, code),
          batchFailure: (message, cause) => this.failure(message, { source, partition }, cause, sqlState),
        });
      },
      release: () => client.release(releaseError),
    };
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

  private failure(
    message: string,
    context: PostgresApplyError['context'],
    cause: unknown,
    sqlState?: string,
  ): PostgresApplyError {
    return destinationFailure(this.options.destination, message, context, cause, sqlState);
  }
}
