import pg from 'pg';
import type { Column, TableSchema } from '@cdc/change-envelope';
import type { EvolutionStep, TargetTable } from '@cdc/apply';
import type { FieldMode } from './encode';
import { arrayDimensions, normalizeTypeName } from './type-name';
import { postgresTypeForMysql } from './mysql-types';

/** A destination column as the catalog describes it. */
export interface TargetColumn {
  readonly name: string;
  /** format_type() of the column. */
  readonly type: string;
  readonly notNull: boolean;
  readonly mode: FieldMode;
  readonly comparable: boolean;
  /**
   * The column's type as a schema-qualified, quoted pg_type name without typmod (`pg_catalog."int4"`):
   * a value cast to it keeps its length (a cast to varchar(3) would cut it, to `character` it
   * would mean char(1)); the column's own typmod applies when the value is assigned.
   */
  readonly typeSql: string;
}

/** A destination table: its columns, and the column lists of its usable unique indexes. */
export interface TargetCatalog {
  readonly schema: string;
  readonly table: string;
  readonly columns: ReadonlyMap<string, TargetColumn>;
  readonly uniqueKeys: readonly (readonly string[])[];
}

export const quote = (name: string): string => pg.escapeIdentifier(name);

export const qualifiedTarget = (target: TargetTable): string => `${quote(target.schema)}.${quote(target.table)}`;

// Per column: follow domains to their base and arrays to their element, to learn whether the
// column is an array, whether the leaf type is json/jsonb, and whether it has a btree equality.
const COLUMNS_SQL = `
WITH RECURSIVE rel AS (
  SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
), chain AS (
  SELECT a.attnum, a.atttypid AS typ, 0 AS depth, false AS is_array
  FROM pg_catalog.pg_attribute a JOIN rel ON a.attrelid = rel.oid
  WHERE a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT ch.attnum, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END, ch.depth + 1, ch.is_array OR t.typtype <> 'd'
  FROM chain ch JOIN pg_catalog.pg_type t ON t.oid = ch.typ
  WHERE ch.depth < 16 AND (t.typtype = 'd' OR (t.typcategory = 'A' AND t.typelem <> 0 AND t.typlen = -1))
), leaf AS (
  SELECT DISTINCT ON (attnum) attnum, typ, is_array FROM chain ORDER BY attnum, depth DESC
)
SELECT a.attname AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null,
       l.is_array,
       CASE l.typ WHEN 'json'::pg_catalog.regtype THEN 'json' WHEN 'jsonb'::pg_catalog.regtype THEN 'jsonb' END AS json_type,
       (lt.typtype IN ('e', 'r', 'm') OR EXISTS (
          SELECT 1 FROM pg_catalog.pg_opclass oc JOIN pg_catalog.pg_am am ON am.oid = oc.opcmethod
          WHERE am.amname = 'btree' AND oc.opcdefault AND oc.opcintype = l.typ)) AS comparable,
       pg_catalog.quote_ident(tn.nspname) || '.' || pg_catalog.quote_ident(t.typname) AS type_sql
FROM pg_catalog.pg_attribute a
JOIN rel ON a.attrelid = rel.oid
JOIN leaf l ON l.attnum = a.attnum
JOIN pg_catalog.pg_type lt ON lt.oid = l.typ
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
ORDER BY a.attnum`;

const UNIQUE_SQL = `
SELECT (SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord)
          FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
         WHERE k.ord <= i.indnkeyatts)::text AS columns
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique AND i.indisvalid AND i.indimmediate
  AND i.indpred IS NULL AND i.indexprs IS NULL`;

interface ColumnRow {
  name: string;
  type: string;
  not_null: boolean;
  is_array: boolean;
  json_type: 'json' | 'jsonb' | null;
  comparable: boolean;
  type_sql: string;
}

/** Reads a destination table's columns; undefined when there is no such table. */
export async function loadCatalog(client: pg.ClientBase, target: TargetTable): Promise<TargetCatalog | undefined> {
  const columns = await client.query<ColumnRow>({ text: COLUMNS_SQL, values: [target.schema, target.table] });
  if (columns.rows.length === 0) {
    const exists = await client.query(
      `SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [target.schema, target.table],
    );
    if (exists.rows.length === 0) return undefined;
  }
  const unique = await client.query<{ columns: string | null }>({
    text: UNIQUE_SQL,
    values: [target.schema, target.table],
  });
  const map = new Map<string, TargetColumn>();
  for (const row of columns.rows) {
    map.set(row.name, {
      name: row.name,
      type: row.type,
      notNull: row.not_null,
      // Arrays of json/jsonb travel as array literals: a JSON null element must stay a JSON null.
      mode: {
        arrayAsJson: row.is_array && row.json_type === null,
        unwrapJson: row.is_array ? undefined : (row.json_type ?? undefined),
      },
      comparable: row.comparable,
      typeSql: row.type_sql,
    });
  }
  const uniqueKeys = unique.rows
    .filter((row) => row.columns !== null)
    .map((row) => JSON.parse(row.columns as string) as string[]);
  return { schema: target.schema, table: target.table, columns: map, uniqueKeys };
}

/**
 * Advisory lock key: DDL by the appliers of one destination (table creation, evolution, the
 * checkpoint tables) runs one at a time (held until the transaction ends).
 */
export const DDL_LOCK_KEY = '7161412838512558081';

/**
 * Creates a missing destination table from the source schema, inside the caller's transaction:
 * source type names are checked by the destination (`to_regtype`) before they appear in DDL;
 * a type the destination does not know becomes text (text[] for arrays).
 */
export async function createTable(client: pg.ClientBase, target: TargetTable, source: TableSchema): Promise<void> {
  await client.query('SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)', [DDL_LOCK_KEY]);
  const schema = await client.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [target.schema]);
  if (schema.rows.length === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(target.schema)}`);
  const definitions: string[] = [];
  for (const column of source.columns) {
    const type = await columnType(client, column);
    definitions.push(`${quote(column.name)} ${type}${column.nullable ? '' : ' NOT NULL'}`);
  }
  const keys = source.columns.filter((column) => column.key).map((column) => quote(column.name));
  if (source.hasKey && keys.length > 0) definitions.push(`PRIMARY KEY (${keys.join(', ')})`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${qualifiedTarget(target)} (${definitions.join(', ')})`);
}

/** The destination type for a source column: MySQL-family types by table, Postgres types as checked names. */
export async function columnType(client: pg.ClientBase, column: Column): Promise<string> {
  const mysqlType = column.typeOid === 0 ? postgresTypeForMysql(column.type) : undefined;
  return mysqlType ?? (await destinationType(client, column.type));
}

/**
 * The statement for one schema-evolution step (libs/apply's planner decides the steps), or
 * undefined when the destination already has it (steps run again after a crash are no-ops).
 * Added columns are nullable: the rows already there have no value for them.
 */
export async function evolutionSql(
  client: pg.ClientBase,
  target: TargetTable,
  step: EvolutionStep,
  catalog: TargetCatalog,
): Promise<string | undefined> {
  const table = qualifiedTarget(target);
  const existing = catalog.columns.get(step.column.name);
  const name = quote(step.column.name);
  switch (step.kind) {
    case 'add':
      return existing
        ? undefined
        : `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${name} ${await columnType(client, step.column)}`;
    case 'drop':
      return existing ? `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${name}` : undefined;
    case 'relax':
      return existing?.notNull ? `ALTER TABLE ${table} ALTER COLUMN ${name} DROP NOT NULL` : undefined;
    case 'widen': {
      if (!existing) return undefined;
      const type = await columnType(client, step.column);
      return `ALTER TABLE ${table} ALTER COLUMN ${name} TYPE ${type}`;
    }
  }
}

/** The DDL spelling of a source type at the destination. */
export async function destinationType(client: pg.ClientBase, sourceType: string): Promise<string> {
  const known = await regtype(client, sourceType);
  if (known === undefined) return arrayDimensions(sourceType) > 0 ? 'text[]' : 'text';
  // Keep typmods ("numeric(10,2)", "varchar(20)") when the source spelling is plain type-name tokens;
  // otherwise the destination's canonical name (typmod-less; "character" alone would mean char(1)).
  return normalizeTypeName(sourceType) ?? (known === 'character' ? 'bpchar' : known);
}

async function regtype(client: pg.ClientBase, name: string): Promise<string | undefined> {
  // to_regtype raises on a syntax error (PG < 16): keep that from aborting the transaction.
  await client.query('SAVEPOINT cdc_regtype');
  try {
    const result = await client.query<{ type: string | null }>('SELECT pg_catalog.to_regtype($1)::text AS type', [
      name,
    ]);
    await client.query('RELEASE SAVEPOINT cdc_regtype');
    return result.rows[0]?.type ?? undefined;
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT cdc_regtype');
    await client.query('RELEASE SAVEPOINT cdc_regtype');
    return undefined;
  }
}
