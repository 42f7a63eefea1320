import { redactUrl, tableMatches, type QualifiedName, type VitessSourceConfig } from '@cdc/config';
import { mysqlSslOptions } from '@cdc/mysql-sink';
import { readKeyspaceSchema } from '@cdc/vitess-source';
import type { Database } from './database';
import type { SourceColumn, SourceTableDescription } from './table-plan';
import { kindOfMysqlType, kindOfPostgresType } from './value-kind';

/**
 * The source's tables selected by the source's `tables` patterns (and, when given, the
 * `--tables` patterns), each with its columns and primary key. Partitions of a partitioned
 * table are left out: the table is read through its root, as the reader does.
 */
export async function describePostgresSourceTables(
  database: Database,
  patterns: readonly string[],
  only: readonly string[] | undefined,
): Promise<SourceTableDescription[]> {
  const tables = await database.query({
    text: `SELECT n.nspname, c.relname
             FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
            ORDER BY 1, 2`,
    values: [],
  });
  const selected = tables
    .map(([schema, table]) => ({ schema: schema!, table: table! }))
    .filter((t) => tableMatches(patterns, t.schema, t.table) && (!only || tableMatches(only, t.schema, t.table)));
  const described: SourceTableDescription[] = [];
  for (const name of selected) described.push({ name, columns: await postgresSourceColumns(database, name) });
  return described;
}

async function postgresSourceColumns(database: Database, name: QualifiedName): Promise<SourceColumn[]> {
  // A domain compares as its base type; the key position is the column's place in the primary key.
  const rows = await database.query({
    text: `SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), b.typname, b.typcategory,
                  (SELECT k.ord - 1 FROM pg_catalog.pg_index i,
                          unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attnum = a.attnum)::text
             FROM pg_catalog.pg_attribute a
             JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
             JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', $1::text, $2::text))
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum`,
    values: [name.schema, name.table],
  });
  return rows.map(([column, type, baseType, category, keyPosition]) => ({
    name: column!,
    type: type!,
    kind: kindOfPostgresType(baseType!, category!),
    keyPosition: keyPosition === null ? undefined : Number(keyPosition),
  }));
}

/** The column names of a destination table, or undefined when it does not exist. */
export async function destinationColumnNames(
  database: Database,
  name: QualifiedName,
): Promise<Set<string> | undefined> {
  const rows =
    database.dialect.engine === 'postgres'
      ? await database.query({
          text: `SELECT a.attname FROM pg_catalog.pg_attribute a
                  WHERE a.attrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', $1::text, $2::text))
                    AND a.attnum > 0 AND NOT a.attisdropped`,
          values: [name.schema, name.table],
        })
      : await database.query({
          text: 'SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
          values: [name.schema, name.table],
        });
  return rows.length === 0 ? undefined : new Set(rows.map(([column]) => column!));
}

/**
 * A Vitess keyspace's tables selected by the source's patterns (and `--tables`, where a pattern
 * without a dot is in the keyspace, as in the config), read through
 * vtgate's MySQL port by the Vitess reader's own schema read (readKeyspaceSchema: primary key
 * order, MariaDB's JSON columns), so both see the same columns.
 */
export async function describeVitessSourceTables(
  source: VitessSourceConfig,
  only: readonly string[] | undefined,
): Promise<SourceTableDescription[]> {
  // As in the config: a pattern without a dot is in the keyspace.
  const selected = only?.map((pattern) => (pattern.includes('.') ? pattern : `${source.keyspace}.${pattern}`));
  const tables = await readKeyspaceSchema({
    url: source.mysql,
    displayUrl: redactUrl(source.mysql),
    ...(source.mysqlTls !== undefined ? { ssl: mysqlSslOptions(source.mysqlTls) } : {}),
    keyspace: source.keyspace,
    tableMatches: (table) =>
      tableMatches(source.tables, source.keyspace, table) &&
      (!selected || tableMatches(selected, source.keyspace, table)),
  });
  return tables
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((table) => ({
      name: { schema: source.keyspace, table: table.name },
      columns: table.columns.map((column) => {
        const keyPosition = table.primaryKey.indexOf(column.name);
        return {
          name: column.name,
          type: column.columnType,
          kind: kindOfMysqlType(/^[a-z]+/i.exec(column.columnType)?.[0] ?? '', column.columnType, column.json),
          keyPosition: keyPosition < 0 ? undefined : keyPosition,
        };
      }),
      estimatedRowsPerShard: table.estimatedRowsPerShard,
    }));
}
