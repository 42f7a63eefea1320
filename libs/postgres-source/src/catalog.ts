import type { Client } from 'pg';
import { formatColumnKind, keyColumnIndexes, type Column, type TableSchema } from '@cdc/change-envelope';
import type { RelationColumn } from './pgoutput';
import { columnKindOfType, type TypeInfo } from './values';

/** A relation as the stream describes it, with what decoding its rows needs. */
export interface RelationState {
  readonly relationId: number;
  readonly schema: TableSchema;
  readonly types: readonly TypeInfo[];
  /** Positions (in columns) of the key columns, in key order. */
  readonly keyIndexes: readonly number[];
}

interface TypeRow {
  oid: number;
  typtype: string;
  typelem: number;
  typbasetype: number;
  typdelim: string;
  typcategory: string;
}

/**
 * Catalog look-ups on a plain (non-replication) connection to the source. Only type names,
 * nullability and the primary key come from here; column names and type oids always come
 * from the stream's Relation message, which describes the rows that follow it.
 */
export class SourceCatalog {
  private readonly types = new Map<number, TypeInfo>();

  constructor(private readonly client: Client) {}

  async typeInfos(oids: readonly number[]): Promise<TypeInfo[]> {
    await this.loadTypes(oids);
    return oids.map((oid) => this.types.get(oid) ?? { oid, typtype: 'b', delimiter: ',' });
  }

  private async loadTypes(oids: readonly number[]): Promise<void> {
    let missing = [...new Set(oids.filter((oid) => !this.types.has(oid)))];
    const rows = new Map<number, TypeRow>();
    // Arrays and domains refer to other types: load until the closure is complete.
    while (missing.length > 0) {
      const result = await this.client.query<TypeRow>(
        'SELECT oid::int8::float8 AS oid, typtype, typelem::int8::float8 AS typelem, typbasetype::int8::float8 AS typbasetype, typdelim, typcategory FROM pg_type WHERE oid = ANY($1::oid[])',
        [missing],
      );
      for (const row of result.rows) rows.set(Number(row.oid), row);
      missing = [];
      for (const row of result.rows) {
        for (const ref of [Number(row.typelem), Number(row.typbasetype)]) {
          if (ref !== 0 && !rows.has(ref) && !this.types.has(ref)) missing.push(ref);
        }
      }
    }
    const build = (oid: number): TypeInfo => {
      const known = this.types.get(oid);
      if (known) return known;
      const row = rows.get(oid);
      if (!row) return { oid, typtype: 'b', delimiter: ',' };
      const element = isArrayType(row) ? build(Number(row.typelem)) : undefined;
      const base = row.typtype === 'd' ? build(Number(row.typbasetype)) : undefined;
      const info: TypeInfo = {
        oid,
        typtype: row.typtype,
        delimiter: row.typdelim,
        ...(element ? { element } : {}),
        ...(base ? { base } : {}),
      };
      this.types.set(oid, info);
      return info;
    };
    for (const oid of rows.keys()) build(oid);
  }

  async describeRelation(
    relationId: number,
    schema: string,
    table: string,
    replicaIdentity: string,
    columns: readonly RelationColumn[],
  ): Promise<RelationState> {
    const described = await this.client.query<{
      type_name: string;
      not_null: boolean | null;
      primary_key: boolean | null;
      element_oid: string;
    }>(
      `SELECT format_type(c.type_oid, c.type_mod) AS type_name,
              a.attnotnull AS not_null,
              (SELECT a.attnum = ANY(i.indkey) FROM pg_index i WHERE i.indrelid = $1::oid AND i.indisprimary) AS primary_key,
              COALESCE((SELECT t.typelem FROM pg_type t WHERE t.oid = c.type_oid AND t.typcategory = 'A'), 0)::int8::text AS element_oid
         FROM unnest($2::oid[], $3::int4[], $4::text[]) WITH ORDINALITY AS c(type_oid, type_mod, name, ord)
         LEFT JOIN pg_attribute a ON a.attrelid = $1::oid AND a.attname = c.name AND NOT a.attisdropped
        ORDER BY c.ord`,
      [relationId, columns.map((c) => c.typeOid), columns.map((c) => c.typeModifier), columns.map((c) => c.name)],
    );
    const hasPrimaryKey = described.rows.some((row) => row.primary_key === true);
    // Key: the primary key if there is one; else a replica identity index; else none (identity full).
    const isKey = (index: number): boolean =>
      hasPrimaryKey ? described.rows[index].primary_key === true : replicaIdentity === 'i' && columns[index].isKey;
    const types = await this.typeInfos(columns.map((c) => c.typeOid));
    const schemaColumns: Column[] = columns.map((column, index) => ({
      name: column.name,
      type: described.rows[index].type_name,
      key: isKey(index),
      nullable: described.rows[index].not_null !== true,
      typeOid: column.typeOid,
      elementTypeOid: Number(described.rows[index].element_oid),
      valueKind: formatColumnKind(columnKindOfType(types[index])),
    }));
    const keyIndexes = keyColumnIndexes(schemaColumns);
    return {
      relationId,
      schema: { schema, table, columns: schemaColumns, hasKey: keyIndexes.length > 0 },
      types,
      keyIndexes,
    };
  }
}

function isArrayType(row: TypeRow): boolean {
  // int2vector and oidvector are in the array category but print space-separated lists.
  return row.typcategory === 'A' && Number(row.typelem) !== 0 && !VECTOR_TYPES.has(Number(row.oid));
}

const VECTOR_TYPES = new Set([22, 30]);
