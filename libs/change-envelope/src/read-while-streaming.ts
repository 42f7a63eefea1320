import type { ChangeOp } from './change';
import type { Value } from './value';

/*
 * Rows read from a source by query while its change stream keeps flowing: a Postgres live
 * backfill chunk, a `cdc verify --repair` of either reader. The rule (Netflix's DBLog) is the
 * same for both readers and lives here: from a point where every change the stream has
 * delivered is visible to the read (each reader establishes that point its own way: Postgres
 * with a LOW marker and a snapshot check, Vitess with the shards' executed GTIDs), the keys of
 * the table the stream changes are collected until the rows are published; a row whose key the
 * stream changed in that window is left out, because the stream itself carries a state of that
 * row at least as new as the read's, and publishes it in its own order.
 */

/** A stable text for a row key, to match keys from the stream with keys read by a query. */
export function keyText(values: readonly Value[]): string {
  return JSON.stringify(values, (_name, value: unknown) =>
    value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value,
  );
}

/** The key of an op's new row; key columns the source did not send (unchanged TOAST) keep the old key's value. */
export function newKeyOf(keyIndexes: readonly number[], op: ChangeOp): Value[] {
  return keyIndexes.map((column, i) => (op.after![column].kind === 'unchanged' ? op.key[i] : op.after![column]));
}

/** The keys (keyText) an op changes: its key and, for an update, its new row's key (it may move the row). */
export function changedKeyTexts(keyIndexes: readonly number[], op: ChangeOp): string[] {
  const old = keyText(op.key);
  if (!op.after) return [old];
  const moved = keyText(newKeyOf(keyIndexes, op));
  return moved === old ? [old] : [old, moved];
}

export interface SettledRead {
  /** Rows to publish: those whose key the stream did not change meanwhile. */
  readonly rows: Value[][];
  /** Requested keys the read did not find and the stream did not change: the source no longer has them. */
  readonly absent: Value[][];
  /** Keys left to the stream (rows read and requested keys not found), with their text. */
  readonly changedMeanwhile: ReadonlyArray<{ readonly key: Value[]; readonly text: string }>;
}

/**
 * Applies the rule to a read: `rows` are full rows aligned with the table's columns, `changed`
 * the keys the stream changed since the read's start point, `requested` (a repair) the keys the
 * read was asked for, so a key it did not find is a delete unless the stream changed it.
 */
export function settleRead(
  rows: readonly Value[][],
  keyIndexes: readonly number[],
  changed: ReadonlySet<string>,
  requested?: ReadonlyArray<readonly Value[]>,
): SettledRead {
  const kept: Value[][] = [];
  const changedMeanwhile: Array<{ key: Value[]; text: string }> = [];
  const found = new Set<string>();
  // Cheapest path first: a backfill chunk that met no change needs no key texts.
  const needTexts = changed.size > 0 || requested !== undefined;
  for (const row of rows) {
    if (!needTexts) {
      kept.push(row);
      continue;
    }
    const key = keyIndexes.map((i) => row[i]);
    const text = keyText(key);
    found.add(text);
    if (changed.has(text)) changedMeanwhile.push({ key, text });
    else kept.push(row);
  }
  const absent: Value[][] = [];
  for (const requestedKey of requested ?? []) {
    const text = keyText(requestedKey);
    if (found.has(text)) continue;
    found.add(text); // a key asked for twice is settled once
    if (changed.has(text)) changedMeanwhile.push({ key: [...requestedKey], text });
    else absent.push([...requestedKey]);
  }
  return { rows: kept, absent, changedMeanwhile };
}
