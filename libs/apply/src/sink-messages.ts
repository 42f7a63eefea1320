import { keyColumns, positionText, qualifiedName, valueText, type ChangeOp, type Value } from '@cdc/change-envelope';
import type { ApplyError } from './sink';

// How a sink names itself, an op and its row in its messages (apply errors, dead letters): one
// rule for every destination; only how a value reads differs (a destination passes its own text).

/** Longest value a message shows whole; a longer one is cut and its length given. */
const MAX_RENDERED = 120;

/** A value as a message shows it; null for SQL NULL. */
export type ValueTextOf = (value: Value) => string | null;

/** A key for messages: `(id, region)=(42, eu)`, long values shortened. */
export function renderKey(names: readonly string[], values: readonly Value[], text: ValueTextOf = valueText): string {
  const shown = values.map((value) => {
    if (value.kind === 'unchanged') return '<unchanged>';
    const rendered = text(value);
    if (rendered === null) return 'NULL';
    return rendered.length > MAX_RENDERED ? `${rendered.slice(0, MAX_RENDERED)}…(${rendered.length} chars)` : rendered;
  });
  return `(${names.join(', ')})=(${shown.join(', ')})`;
}

/**
 * The op's key for messages: its key columns, or the whole old/new row for a table without a
 * key; undefined for a truncate or DDL, or a row that does not match its table.
 */
export function renderOpKey(op: ChangeOp, text: ValueTextOf = valueText): string | undefined {
  if (op.kind === 'truncate' || op.kind === 'ddl') return undefined;
  const keys = keyColumns(op.table);
  if (op.table.hasKey && op.key.length > 0 && op.key.length === keys.length) {
    return renderKey(
      keys.map((column) => column.name),
      op.key,
      text,
    );
  }
  const row = op.before ?? op.after;
  if (row === undefined || row.length !== op.table.columns.length) return undefined;
  return renderKey(
    op.table.columns.map((column) => column.name),
    row,
    text,
  );
}

/** A destination for messages: `postgres destination replica (db.example:5432/shop)`; the name only for a URL that does not parse. */
export function describeDestination(engine: string, destination: string, url: string, defaultPort: number): string {
  let where = '';
  try {
    const parsed = new URL(url);
    where = ` (${parsed.hostname || 'localhost'}:${parsed.port || defaultPort}${parsed.pathname || '/'})`;
  } catch {
    // not a URL (e.g. a keyword/value connection string): the name only
  }
  return `${engine} destination ${destination}${where}`;
}

/** An op the destination rejected: its ApplyError's message and context. */
export interface OpFailure {
  readonly message: string;
  readonly context: ApplyError['context'];
}

/**
 * The failure of one op, as every sink reports it: `destination <name>: <kind> on <table> ->
 * <target> key <key> at <position> <what>` (`target` is ` -> schema.table`, or empty when it
 * cannot be named), unless the sink has a message of its own (`fullMessage`).
 */
export function opFailure(
  destination: string,
  batch: { readonly source: string; readonly partition: number },
  op: ChangeOp,
  target: string,
  what: string,
  options: { readonly valueText?: ValueTextOf; readonly fullMessage?: string } = {},
): OpFailure {
  const key = renderOpKey(op, options.valueText);
  const table = qualifiedName(op.table);
  const message =
    options.fullMessage ??
    `destination ${destination}: ${op.kind} on ${table}${target}` +
      `${key === undefined ? '' : ` key ${key}`} at ${positionText(op.position)} ${what}`;
  return { message, context: { source: batch.source, partition: batch.partition, table, position: op.position, key } };
}
