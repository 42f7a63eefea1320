import { keyColumnIndexes, type Column, type TableSchema } from '@cdc/change-envelope';
import type { query } from './generated/vitess';
import { columnDecoderFor, type ColumnDecoder } from './row-values';
import type { KeyspaceTable } from './schema';

const NOT_NULL_FLAG = 1;
const PRI_KEY_FLAG = 2;

/** A table as its rows are decoded: its schema, one decoder per column, its key columns. */
export interface TableState {
  readonly schema: TableSchema;
  readonly decoders: ColumnDecoder[];
  readonly keyIndexes: number[];
}

/**
 * A table's schema and column decoders from the fields vtgate describes its rows with: a
 * VStream FIELD event's, or a query's (ExecuteOptions ALL, so flags and charsets are there).
 * One place, so rows read by query (a repair) decode exactly as streamed rows do.
 */
export function tableOfFields(
  keyspace: string,
  name: string,
  fields: readonly query.IField[],
  known: KeyspaceTable | undefined,
  enumSetStringValues: boolean,
): TableState {
  const json = new Set((known?.columns ?? []).filter((column) => column.json).map((column) => column.name));
  // A query's fields carry no column type (VStream's do): BIT's width and ENUM's labels come from the schema.
  const described = fields.map((f) =>
    f.columnType ? f : { ...f, columnType: known?.columns.find((column) => column.name === f.name)?.columnType ?? '' },
  );
  const decoders = described.map((f) => columnDecoderFor(f, enumSetStringValues, { json: json.has(f.name ?? '') }));
  const columns: Column[] = described.map((f, i) => ({
    name: f.name ?? '',
    type: columnTypeOf(f, known),
    key: ((f.flags ?? 0) & PRI_KEY_FLAG) !== 0,
    nullable: ((f.flags ?? 0) & NOT_NULL_FLAG) === 0,
    typeOid: 0,
    elementTypeOid: 0,
    valueKind: decoders[i].kind,
  }));
  const keyIndexes = keyColumnIndexes(columns);
  return { schema: { schema: keyspace, table: name, columns, hasKey: keyIndexes.length > 0 }, decoders, keyIndexes };
}

function columnTypeOf(field: query.IField, known: KeyspaceTable | undefined): string {
  const fromSchema = known?.columns.find((column) => column.name === field.name);
  if (fromSchema?.json) return 'json';
  return field.columnType || fromSchema?.columnType || fallbackTypeName(field);
}

function fallbackTypeName(field: query.IField): string {
  return `type ${field.type ?? 0}`;
}
