import type { ChangeOp, TableSchema } from '@cdc/change-envelope';
import { DestinationApplyError, opFailure, type ApplyError, type SinkBatch, type TableMapper } from '@cdc/apply';

/**
 * An ApplyError with a SQLSTATE: the destination's, or for errors found before any statement
 * ran, the one Postgres uses for the same problem (42P01 missing table, 42703 missing column,
 * 42P10 no unique index for the key, 22000 an op that cannot be written). Also exposed as
 * `code`, like pg's own errors, so a retry policy reading `code` classifies it without
 * guessing from the message. Connection failures have no SQLSTATE; their `cause` tells.
 */
export class PostgresApplyError extends DestinationApplyError {
  constructor(
    message: string,
    context: ApplyError['context'],
    readonly sqlState: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, context, sqlState, options);
  }
}

/** A failure of the destination as a whole (connecting, the checkpoint, a batch). */
export function destinationFailure(
  destination: string,
  message: string,
  context: ApplyError['context'],
  cause: unknown,
  sqlState?: string,
): PostgresApplyError {
  return new PostgresApplyError(`destination ${destination}: ${message}`, context, sqlState ?? sqlStateOf(cause), {
    cause,
  });
}

/** The failure of one op (sink-messages opFailure), naming its destination table when it maps. */
export function postgresOpFailure(
  options: { readonly destination: string; readonly mapTable: TableMapper },
  batch: SinkBatch,
  op: ChangeOp,
  what: string,
  cause: unknown,
  sqlState: string | undefined,
  fullMessage?: string,
): PostgresApplyError {
  const target = op.kind === 'ddl' ? '' : ` -> ${displayTarget(options.mapTable, op.table)}`;
  const { message, context } = opFailure(
    options.destination,
    batch,
    op,
    target,
    what,
    fullMessage !== undefined ? { fullMessage } : {},
  );
  return new PostgresApplyError(message, context, sqlState, cause === undefined ? undefined : { cause });
}

function displayTarget(mapTable: TableMapper, table: TableSchema): string {
  try {
    const target = mapTable(table);
    return `${target.schema}.${target.table}`;
  } catch {
    return '?';
  }
}

export function sqlStateOf(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Connection trouble (class 08, shutdown/crash 57P0x): another attempt op by op cannot help now. */
export function isConnectionState(sqlState: string): boolean {
  return sqlState.startsWith('08') || sqlState.startsWith('57P');
}

export function errorText(error: unknown): string {
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
