import { CDC_COLUMNS, FoldError, commitTimeText, shapedTableOf, type ShapedTable } from '@cdc/apply';
import type { ChangeOp, Value } from '@cdc/change-envelope';
import type { BoundColumn, TableBinding } from './binding';
import { encodeField, ValueEncodeError } from './encode';

/**
 * Statements for the ops the coalescing planner does not write: history and append-only
 * versions (one statement per op, in source order) and the truncate of one source's rows in a
 * fan-in table. Each carries its values as parameters (JSON records, as the planner's).
 */
export interface ModelStatement {
  readonly text: string;
  readonly values: unknown[];
  readonly op: ChangeOp;
}

/** Whether the op is written here rather than by planOps. */
export function isModelOp(op: ChangeOp): boolean {
  if (op.kind === 'ddl') return false;
  const shaped = shapedTableOf(op.table);
  if (shaped === undefined) return false;
  if (shaped.shaping.mode !== 'clone') return true;
  return op.kind === 'truncate' && shaped.shaping.sourceId !== undefined;
}

/** Shaped column indexes of a row's identity: the source id and the source key columns. */
function entityKey(shaped: ShapedTable): number[] {
  const indexes: number[] = [];
  shaped.origins.forEach((origin, index) => {
    if (origin.kind === 'source-id') indexes.push(index);
    else if (origin.kind === 'source' && shaped.source.hasKey && shaped.source.columns[origin.index].key)
      indexes.push(index);
  });
  return indexes;
}

function columnIndex(binding: TableBinding, name: string): number {
  const index = binding.columns.findIndex((column) => column.name === name);
  if (index < 0) throw new Error(`table ${binding.display} has no column ${name}`);
  return index;
}

function json(columns: readonly BoundColumn[], indexes: readonly number[], value: (i: number) => Value, op: ChangeOp) {
  const fields: string[] = [];
  indexes.forEach((columnIndex, i) => {
    const column = columns[columnIndex];
    try {
      fields.push(column.jsonKey + encodeField(value(i), column.mode));
    } catch (error) {
      if (error instanceof ValueEncodeError) throw new FoldError(`column ${column.name}: ${error.message}`, op);
      throw error;
    }
  });
  return '{' + fields.join(',') + '}';
}

function field(column: BoundColumn, alias: string): string {
  const ref = `${alias}.${column.sql}`;
  return column.mode.unwrapJson === undefined
    ? ref
    : `(${ref} OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.${column.mode.unwrapJson}`;
}

function cached(binding: TableBinding, shape: string, build: () => string): string {
  let text = binding.sqlCache.get(shape);
  if (text === undefined) binding.sqlCache.set(shape, (text = build()));
  return text;
}

/** `absent`: destination columns missing and ignored (missing_columns: ignore); never written nor carried over. */
export function modelStatement(
  op: ChangeOp,
  binding: TableBinding,
  absent: ReadonlySet<string> = new Set(),
): ModelStatement | undefined {
  const shaped = shapedTableOf(op.table)!;
  const { shaping } = shaped;
  const table = binding.id;
  if (op.kind === 'truncate') {
    const sid = shaping.sourceId;
    if (shaping.mode === 'history') {
      const validTo = binding.columns[columnIndex(binding, CDC_COLUMNS.validTo)].sql;
      const text = cached(
        binding,
        'model:truncate',
        () =>
          `UPDATE ${table} SET ${validTo} = $1::timestamptz WHERE ${validTo} IS NULL` +
          (sid === undefined ? '' : ` AND ${binding.columns[0].sql} = $2`),
      );
      const values: unknown[] = [commitTimeText(op.commitTimeUs)];
      if (sid !== undefined) values.push(sid.value);
      return { text, values, op };
    }
    const text = cached(binding, 'model:truncate', () => `DELETE FROM ${table} WHERE ${binding.columns[0].sql} = $1`);
    return { text, values: [sid!.value], op };
  }
  const keyIndexes = entityKey(shaped);
  const oldKeyJson = () => {
    if (op.key.length !== keyIndexes.length)
      throw new FoldError(`${op.kind} has ${op.key.length} key values for ${keyIndexes.length} key columns`, op);
    return json(binding.columns, keyIndexes, (i) => op.key[i], op);
  };
  const match = (alias: string) =>
    keyIndexes.map((index) => `t.${binding.columns[index].sql} = ${alias}.${binding.columns[index].sql}`);
  const validTo = binding.columns[shaping.mode === 'history' ? columnIndex(binding, CDC_COLUMNS.validTo) : 0].sql;
  const record = (param: string) => `pg_catalog.json_populate_record(NULL::${table}, ${param}::json)`;

  if (op.kind === 'delete' && shaping.mode === 'history') {
    const text = cached(
      binding,
      'model:close',
      () =>
        `UPDATE ${table} AS t SET ${validTo} = $2::timestamptz FROM ${record('$1')} AS o ` +
        `WHERE ${match('o').join(' AND ')} AND t.${validTo} IS NULL`,
    );
    return { text, values: [oldKeyJson(), commitTimeText(op.commitTimeUs)], op };
  }
  const after = op.after;
  if (after === undefined || after.length !== binding.columns.length) {
    throw new FoldError(`${op.kind} without a full new row`, op);
  }
  const present: number[] = [];
  const unchanged: number[] = [];
  after.forEach((value, index) => {
    if (absent.has(binding.columns[index].name)) return;
    (value.kind === 'unchanged' ? unchanged : present).push(index);
  });
  const newJson = json(binding.columns, present, (i) => after[present[i]], op);
  const names = [...present, ...unchanged].map((index) => binding.columns[index].sql).join(', ');
  const select = [
    ...present.map((index) => field(binding.columns[index], 'd')),
    ...unchanged.map((index) => `p.${binding.columns[index].sql}`),
  ].join(', ');
  const shape = `model:${shaping.mode}:${unchanged.join(',')}`;
  if (shaping.mode === 'history') {
    // Close the open version of the old key; unchanged (TOAST) values come from it.
    const text = cached(
      binding,
      shape,
      () =>
        `WITH d AS (SELECT * FROM ${record('$1')}), o AS (SELECT * FROM ${record('$2')}), ` +
        `p AS (UPDATE ${table} AS t SET ${validTo} = d.${quoteCdc(binding, CDC_COLUMNS.validFrom)} FROM d, o ` +
        `WHERE ${match('o').join(' AND ')} AND t.${validTo} IS NULL RETURNING t.*) ` +
        `INSERT INTO ${table} (${names}) SELECT ${select} FROM d LEFT JOIN p ON true`,
    );
    return { text, values: [newJson, oldKeyJson()], op };
  }
  if (unchanged.length === 0) {
    const text = cached(
      binding,
      shape,
      () => `INSERT INTO ${table} (${names}) SELECT ${select} FROM ${record('$1')} AS d`,
    );
    return { text, values: [newJson], op };
  }
  // append-only: unchanged (TOAST) values come from the latest row appended for the old key.
  const commit = quoteCdc(binding, CDC_COLUMNS.commit);
  const index = quoteCdc(binding, CDC_COLUMNS.index);
  const text = cached(
    binding,
    shape,
    () =>
      `WITH d AS (SELECT * FROM ${record('$1')}), o AS (SELECT * FROM ${record('$2')}), ` +
      `p AS (SELECT t.* FROM ${table} AS t, o WHERE ${match('o').join(' AND ')} ` +
      `ORDER BY t.${commit} DESC, t.${index} DESC LIMIT 1) ` +
      `INSERT INTO ${table} (${names}) SELECT ${select} FROM d LEFT JOIN p ON true`,
  );
  return { text, values: [newJson, oldKeyJson()], op };
}

function quoteCdc(binding: TableBinding, name: string): string {
  return binding.columns[columnIndex(binding, name)].sql;
}
