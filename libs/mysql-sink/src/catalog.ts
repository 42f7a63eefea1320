import type { PoolConnection } from 'mysql2/promise';
import type { TableSchema } from '@cdc/change-envelope';
import type { EvolutionStep, TargetTable } from '@cdc/apply';
import { mysqlColumnType } from './type-mapping';
import { categoryOf, type TargetColumnType } from './values';

export interface TargetColumn extends TargetColumnType {
  readonly name: string;
  /** COLUMN_TYPE, e.g. "varchar(20)", "int(10) unsigned". */
  readonly columnType: string;
  readonly nullable: boolean;
}

export interface TargetCatalog {
  readonly columns: ReadonlyMap<string, TargetColumn>;
  /** Column lists of the primary key and unique indexes. */
  readonly uniqueKeys: readonly (readonly string[])[];
}

export const quote = (name: string): string => '`' + name.replace(/`/g, '``') + '`';
export const qualifiedTarget = (target: TargetTable): string => `${quote(target.schema)}.${quote(target.table)}`;

interface ColumnRow {
  name: string;
  data_type: string;
  column_type: string;
  nullable: string;
  numeric_precision: string | null;
  numeric_scale: string | null;
}

/** Reads a destination table's columns and unique keys; undefined when there is no such table. */
export async function loadCatalog(connection: PoolConnection, target: TargetTable): Promise<TargetCatalog | undefined> {
  const [columns] = await connection.query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
            NUMERIC_PRECISION AS numeric_precision, NUMERIC_SCALE AS numeric_scale
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [target.schema, target.table],
  );
  const rows = columns as ColumnRow[];
  if (rows.length === 0) return undefined;
  const [checks] = await connection.query(
    `SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS
      WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? AND CHECK_CLAUSE LIKE 'json_valid(%'`,
    [target.schema, target.table],
  );
  const jsonColumns = new Set(
    (checks as { clause: string }[]).map((row) =>
      /^json_valid\(`((?:[^`]|``)*)`\)$/.exec(row.clause)?.[1]?.replace(/``/g, '`'),
    ),
  );
  const map = new Map<string, TargetColumn>();
  for (const row of rows) {
    const category = jsonColumns.has(row.name) ? 'json' : categoryOf(row.data_type, row.column_type);
    map.set(row.name, {
      name: row.name,
      columnType: row.column_type,
      nullable: row.nullable === 'YES',
      category,
      ...(category === 'decimal'
        ? { precision: Number(row.numeric_precision), scale: Number(row.numeric_scale ?? 0) }
        : {}),
    });
  }
  const [indexes] = await connection.query(
    `SELECT INDEX_NAME AS name, COLUMN_NAME AS column_name FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND SUB_PART IS NULL
      ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    [target.schema, target.table],
  );
  const byIndex = new Map<string, string[]>();
  for (const row of indexes as { name: string; column_name: string }[]) {
    const list = byIndex.get(row.name) ?? [];
    list.push(row.column_name);
    byIndex.set(row.name, list);
  }
  return { columns: map, uniqueKeys: [...byIndex.values()] };
}

function columnDefinition(column: TableSchema['columns'][number], nullable = column.nullable): string {
  return `${quote(column.name)} ${mysqlColumnType(column)}${nullable ? ' NULL' : ' NOT NULL'}`;
}

/** CREATE DATABASE / TABLE IF NOT EXISTS from the source schema (InnoDB, utf8mb4, binary collation). */
export async function createTable(connection: PoolConnection, target: TargetTable, source: TableSchema): Promise<void> {
  await connection.query(
    `CREATE DATABASE IF NOT EXISTS ${quote(target.schema)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
  const definitions = source.columns.map((column) => columnDefinition(column));
  const keys = source.columns.filter((column) => column.key).map((column) => quote(column.name));
  if (source.hasKey && keys.length > 0) definitions.push(`PRIMARY KEY (${keys.join(', ')})`);
  await connection.query(
    `CREATE TABLE IF NOT EXISTS ${qualifiedTarget(target)} (${definitions.join(', ')}) ` +
      `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  );
}

/**
 * The DDL for one evolution step, or undefined when the destination already has its effect
 * (the step ran before a crash; every step must be safe to run twice). Added columns are
 * nullable: rows that exist already have no value for them.
 */
export function evolutionSql(target: TargetTable, step: EvolutionStep, catalog: TargetCatalog): string | undefined {
  const table = qualifiedTarget(target);
  const existing = catalog.columns.get(step.column.name);
  switch (step.kind) {
    case 'add':
      if (existing !== undefined) return undefined;
      return `ALTER TABLE ${table} ADD COLUMN ${columnDefinition(step.column, true)}`;
    case 'drop':
      if (existing === undefined) return undefined;
      return `ALTER TABLE ${table} DROP COLUMN ${quote(step.column.name)}`;
    case 'relax':
      if (existing === undefined || existing.nullable) return undefined;
      return `ALTER TABLE ${table} MODIFY COLUMN ${quote(step.column.name)} ${existing.columnType} NULL`;
    case 'widen': {
      if (existing === undefined) return undefined;
      const type = mysqlColumnType(step.column);
      const have = existing.columnType.toLowerCase().replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1');
      if (type.toLowerCase() === have) return undefined;
      return `ALTER TABLE ${table} MODIFY COLUMN ${quote(step.column.name)} ${type} ${existing.nullable ? 'NULL' : 'NOT NULL'}`;
    }
  }
}
