import { Readable } from 'node:stream';
import type { PoolConnection } from 'mysql2/promise';
import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { foldOps, writeInSegments, type ApplyStep, type SinkBatch } from '@cdc/apply';
import { statementsOf, type Statement, type TableBinding } from './statements';
import type { DestinationTables } from './tables';
import type { UnrepresentablePolicy } from './values';

const MAX_STATEMENT_CHARS = 4 * 1024 * 1024;
/** Rows per segment a batch is written in (planned while the previous one executes). */
const SEGMENT_ROWS = 1000;
/** LOAD DATA LOCAL rows go to the server in pieces of this size (a protocol packet each). */
const INFILE_PIECE_BYTES = 1024 * 1024;

/** How the sink writes rows: what it decided at start and what it learns (DirectLoads) on the way. */
export interface WriteSettings {
  /** Values the destination cannot hold. */
  readonly policy: UnrepresentablePolicy;
  /** LOAD DATA LOCAL INFILE is used (the server allows it and loadDataMinRows is not 0). */
  readonly loadData: boolean;
  /** Fewest rows written with LOAD DATA. */
  readonly loadDataMinRows: number;
  readonly directLoads: DirectLoads;
}

/**
 * Writes the ops past the checkpoint inside the batch transaction: each op's destination table
 * read (ensureCatalog) and bound, runs of ops through the one planner (libs/apply, foldOps) and
 * this engine's statements (statements.ts), LOAD DATA rows streamed in protocol-sized pieces.
 * `running` is told each statement as it starts, so a rejection names its op.
 */
export async function writeOps(
  connection: PoolConnection,
  tables: DestinationTables,
  batch: SinkBatch,
  pending: ChangeOp[],
  fold: boolean,
  extra: { ddlOps: number },
  settings: WriteSettings,
  running: (statement: Statement) => void,
): Promise<void> {
  const bindings = new Map<TableSchema, Map<string, TableBinding>>();
  const bindOp = (op: ChangeOp): TableBinding => {
    let byStored = bindings.get(op.table);
    if (byStored === undefined) bindings.set(op.table, (byStored = new Map()));
    const { target, id: key } = tables.targetOf(batch, op);
    let binding = byStored.get(key);
    if (binding === undefined) byStored.set(key, (binding = tables.bind(batch, op, target)));
    return binding;
  };
  const complete = new Set<TableSchema>();
  for (const op of pending) {
    if (op.kind === 'ddl' || complete.has(op.table)) continue;
    if (await tables.ensureCatalog(connection, batch, op)) complete.add(op.table);
  }
  const options = {
    maxStatementChars: MAX_STATEMENT_CHARS,
    policy: settings.policy,
    escape: (text: string) => connection.escape(text),
    // The op-by-op retry writes with INSERTs: they name the rejected op and value.
    ...(settings.loadData && fold
      ? {
          loadData: {
            minRows: settings.loadDataMinRows,
            direct: (binding: TableBinding) => settings.directLoads.shouldTry(binding.id),
          },
        }
      : {}),
  };
  const run = async (statements: readonly Statement[]): Promise<void> => {
    for (const statement of statements) {
      running(statement);
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
      if (statement.direct !== undefined) settings.directLoads.record(statement.direct.id, warnings === 0);
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
export class DirectLoads {
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
