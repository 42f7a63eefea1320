/**
 * The Postgres type for a MySQL/MariaDB column type (as MySQL spells it in COLUMN_TYPE, which
 * is what the Vitess reader sends, marked by typeOid 0). Undefined: not a MySQL type we know;
 * the caller falls back to checking the name as a Postgres type, then to text.
 * The table is documented in this lib's README ("MySQL / Vitess sources").
 */
export function postgresTypeForMysql(columnType: string): string | undefined {
  const type = columnType.trim().toLowerCase();
  const match = /^([a-z]+)\s*(?:\(([^)]*)\))?\s*(.*)$/.exec(type);
  if (match === null) return undefined;
  const [, base, args = '', rest] = match;
  const unsigned = /\bunsigned\b/.test(rest);
  const digits = (index: number): number | undefined => {
    const value = Number(args.split(',')[index]?.trim());
    return Number.isInteger(value) ? value : undefined;
  };
  switch (base) {
    case 'tinyint':
      return 'smallint';
    case 'smallint':
      return unsigned ? 'integer' : 'smallint';
    case 'mediumint':
      return 'integer';
    case 'int':
    case 'integer':
      return unsigned ? 'bigint' : 'integer';
    case 'bigint':
      return unsigned ? 'numeric(20,0)' : 'bigint';
    case 'year':
      return 'smallint';
    case 'decimal':
    case 'numeric': {
      const precision = digits(0);
      const scale = digits(1) ?? 0;
      // MySQL allows precision up to 65, Postgres up to 1000: every MySQL decimal fits.
      return precision !== undefined ? `numeric(${precision},${scale})` : 'numeric';
    }
    case 'float':
      return 'real';
    case 'double':
    case 'real':
      return 'double precision';
    case 'char': {
      const length = digits(0);
      return length !== undefined && length > 0 ? `character(${length})` : 'text';
    }
    case 'varchar': {
      const length = digits(0);
      return length !== undefined && length > 0 ? `character varying(${length})` : 'text';
    }
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
      return 'text';
    case 'json':
      return 'jsonb';
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
    case 'geometry':
    case 'point':
    case 'linestring':
    case 'polygon':
    case 'vector':
      return 'bytea';
    case 'bit': {
      const width = digits(0) ?? 1;
      return `bit(${width})`;
    }
    case 'date':
      return 'date';
    case 'datetime': {
      const fsp = digits(0);
      return fsp !== undefined ? `timestamp(${fsp}) without time zone` : 'timestamp(0) without time zone';
    }
    case 'timestamp': {
      const fsp = digits(0);
      return fsp !== undefined ? `timestamp(${fsp}) with time zone` : 'timestamp(0) with time zone';
    }
    case 'time':
      // MySQL TIME is a duration (-838:59:59 to 838:59:59), not a time of day.
      return 'interval';
    default:
      return undefined;
  }
}
