import { parseTypeName } from '@cdc/apply';
import type { Column } from '@cdc/change-envelope';

/** Longest VARCHAR that can be (part of) an InnoDB key in utf8mb4: 3072 bytes / 4. */
const KEY_VARCHAR = 768;
/** Longest VARCHAR worth keeping as VARCHAR (utf8mb4 rows are limited to 65535 bytes). */
const MAX_VARCHAR = 16_383;

/**
 * The MariaDB/MySQL column type for a source column (README: "Type mapping"). Postgres
 * sources (typeOid != 0) are mapped by type name; MySQL-family sources (Vitess, typeOid 0)
 * keep their own type, re-rendered from a strict token set so nothing but a type reaches DDL.
 * Key columns get indexable types (VARCHAR(768) / VARBINARY(3072) instead of TEXT / BLOB).
 */
export function mysqlColumnType(column: Column): string {
  return column.typeOid === 0 ? fromMysql(column) : fromPostgres(column);
}

function fromPostgres(column: Column): string {
  const parsed = parseTypeName(column.type);
  if (parsed.array) return 'JSON';
  const n = (index: number) => (parsed.args[index] === undefined ? undefined : Number(parsed.args[index]));
  const text = () => (column.key ? `VARCHAR(${KEY_VARCHAR})` : 'LONGTEXT');
  switch (parsed.base) {
    case 'smallint':
    case 'int2':
      return 'SMALLINT';
    case 'integer':
    case 'int':
    case 'int4':
      return 'INT';
    case 'bigint':
    case 'int8':
      return 'BIGINT';
    case 'oid':
    case 'xid':
      return 'INT UNSIGNED';
    case 'numeric':
    case 'decimal': {
      const precision = n(0);
      const scale = n(1) ?? 0;
      if (precision === undefined) return 'DECIMAL(65,30)';
      if (precision <= 65 && scale >= 0 && scale <= 30 && scale <= precision) return `DECIMAL(${precision},${scale})`;
      return 'DECIMAL(65,30)';
    }
    case 'real':
    case 'float4':
      return 'FLOAT';
    case 'double precision':
    case 'float8':
      return 'DOUBLE';
    case 'boolean':
    case 'bool':
      return 'BOOLEAN';
    case 'text':
    case 'name':
    case 'citext':
      return text();
    case 'character varying':
    case 'varchar': {
      const length = n(0);
      if (length === undefined) return text();
      if (length <= (column.key ? KEY_VARCHAR : MAX_VARCHAR)) return `VARCHAR(${length})`;
      return text();
    }
    case 'character':
    case 'char':
    case 'bpchar': {
      const length = n(0) ?? 1;
      return length <= 255 ? `CHAR(${length})` : `VARCHAR(${Math.min(length, KEY_VARCHAR)})`;
    }
    case 'bytea':
      return column.key ? 'VARBINARY(3072)' : 'LONGBLOB';
    case 'uuid':
      return 'CHAR(36)';
    case 'json':
    case 'jsonb':
      return 'JSON';
    case 'date':
      return 'DATE';
    case 'time':
    case 'time without time zone':
      return `TIME(${n(0) ?? 6})`;
    case 'timestamp':
    case 'timestamp without time zone':
      return `DATETIME(${n(0) ?? 6})`;
    case 'timestamptz':
    case 'timestamp with time zone':
      // Stored in UTC: MySQL TIMESTAMP ends in 2038, DATETIME holds years 1000..9999.
      return `DATETIME(${n(0) ?? 6})`;
    case 'timetz':
    case 'time with time zone':
      return 'VARCHAR(32)';
    case 'interval':
      return 'VARCHAR(255)';
    case 'inet':
    case 'cidr':
    case 'macaddr':
    case 'macaddr8':
      return 'VARCHAR(64)';
    default:
      // user enums and domains, money, xml, geometric and range types, ...: their text form
      return text();
  }
}

const MYSQL_WORDS = /^[a-z][a-z0-9 ]*$/;

function fromMysql(column: Column): string {
  const parsed = parseTypeName(column.type);
  if (!MYSQL_WORDS.test(parsed.base) || parsed.array) return column.key ? `VARCHAR(${KEY_VARCHAR})` : 'LONGTEXT';
  const args = parsed.args.map((arg) => {
    if (/^\d+$/.test(arg)) return arg;
    const quoted = /^'((?:[^']|'')*)'$/.exec(arg);
    if (quoted) return `'${quoted[1].replace(/\\/g, '\\\\')}'`;
    return undefined;
  });
  if (args.some((arg) => arg === undefined)) return column.key ? `VARCHAR(${KEY_VARCHAR})` : 'LONGTEXT';
  const base = parsed.base.toUpperCase();
  // Integer display widths ("int(11)") are deprecated and mean nothing: leave them out.
  const integer = /^(TINYINT|SMALLINT|MEDIUMINT|INT|INTEGER|BIGINT)$/.test(base);
  let type = integer || args.length === 0 ? base : `${base}(${args.join(',')})`;
  if (base === 'TINYINT' && args[0] === '1') type = 'TINYINT(1)';
  if (parsed.suffix.startsWith('unsigned')) type += ' UNSIGNED';
  if (column.key && /^(TINYTEXT|TEXT|MEDIUMTEXT|LONGTEXT)$/.test(base)) return `VARCHAR(${KEY_VARCHAR})`;
  if (column.key && /^(TINYBLOB|BLOB|MEDIUMBLOB|LONGBLOB)$/.test(base)) return 'VARBINARY(3072)';
  return type;
}
