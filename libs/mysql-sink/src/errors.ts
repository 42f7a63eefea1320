import type { ChangeOp, Value } from '@cdc/change-envelope';
import { DestinationApplyError, opFailure, type SinkBatch, type TableMapper } from '@cdc/apply';

/**
 * An ApplyError with the server's SQLSTATE (`code`), or for errors found before any statement
 * ran: 42S02 missing table, 42S22 missing column, 22003 a value out of range, 0A000 an
 * unsupported schema change.
 */
export class MysqlApplyError extends DestinationApplyError {}

/** The failure of one op (sink-messages opFailure), naming its destination table when it maps. */
export function mysqlOpFailure(
  options: { readonly destination: string; readonly mapTable: TableMapper },
  batch: SinkBatch,
  op: ChangeOp,
  what: string,
  cause: unknown,
  code: string | undefined,
  fullMessage?: string,
): MysqlApplyError {
  let target = '';
  try {
    const mapped = options.mapTable(op.table);
    target = ` -> ${mapped.schema}.${mapped.table}`;
  } catch {
    // shown without a target
  }
  const { message, context } = opFailure(options.destination, batch, op, target, what, {
    valueText: messageText,
    ...(fullMessage !== undefined ? { fullMessage } : {}),
  });
  return new MysqlApplyError(message, context, code, cause === undefined ? undefined : { cause });
}

/** A value as MySQL messages show it (renderOpKey): bytes in hex, arrays as JSON. */
function messageText(value: Value): string | null {
  if (value.kind === 'null' || value.kind === 'unchanged') return null;
  if (value.kind === 'bytes') return '\\x' + Buffer.from(value.value).toString('hex');
  return value.kind === 'array' ? JSON.stringify(value.value) : String(value.value);
}

export function sqlStateOf(error: unknown): string | undefined {
  const state = (error as { sqlState?: unknown } | undefined)?.sqlState;
  return typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? state : undefined;
}

/** The connection is gone (server restart, network): no point retrying op by op on it. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { fatal?: unknown; code?: unknown } | undefined;
  return e?.fatal === true || (typeof e?.code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|PROTOCOL_)/.test(e.code));
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const sqlState = sqlStateOf(error);
    const errno = (error as { errno?: unknown }).errno;
    let text = error.message || error.name;
    if (typeof errno === 'number' && sqlState !== undefined) text += ` [errno ${errno}, SQLSTATE ${sqlState}]`;
    return text;
  }
  return String(error);
}
