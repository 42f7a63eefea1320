import type { ValueKind } from './value-kind';

/**
 * What differs between engines in the statements verify runs: quoting, parameters, and the
 * canonical text of each kind of value. Identifiers are always quoted here; values are always
 * parameters.
 */
export interface Dialect {
  readonly engine: 'postgres' | 'mysql';
  quote(identifier: string): string;
  /** Placeholder of the n-th parameter (1-based). */
  param(n: number): string;
  /** A key parameter compared with a column of this kind (bytes travel as hex). */
  keyParam(kind: ValueKind, n: number): string;
  /** The canonical text of a column's value (NULL stays NULL); see README "Comparison rules". */
  canonical(column: string, kind: ValueKind): string;
  /** A key column as it is compared and ordered (byte order when the other side is another engine). */
  keyOrder(column: string, kind: ValueKind, byteOrder: boolean): string;
  /** One text per row, unambiguous: each value length-prefixed, NULL as a bare `N`. */
  rowText(canonicals: readonly string[]): string;
  /** A row's md5, in hex. */
  rowHash(rowText: string): string;
  /** Over rows of `h` (rowHash): the count and two sums of 60-bit slices of h, order-free. */
  readonly checksumAggregates: string;
}

export const postgresDialect: Dialect = {
  engine: 'postgres',
  quote: (identifier) => `"${identifier.replace(/"/g, '""')}"`,
  param: (n) => `$${n}`,
  keyParam: (kind, n) => (kind === 'bytes' ? `decode($${n}, 'hex')` : `$${n}`),
  canonical(column, kind) {
    switch (kind) {
      case 'decimal':
        // numeric(10,2) 1.50 and numeric 1.5 are one value; NaN stays NaN.
        return `trim_scale(${column}::numeric)::text`;
      case 'boolean':
        return `(${column})::int::text`;
      case 'bytes':
        return `encode(${column}, 'hex')`;
      case 'json':
        // jsonb's text sorts keys and drops duplicate keys and whitespace.
        return `(${column})::jsonb::text`;
      case 'timestamptz':
        return `CASE WHEN isfinite(${column}) THEN to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') ELSE (${column})::text END`;
      case 'timestamp':
        return `CASE WHEN isfinite(${column}) THEN to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.US') ELSE (${column})::text END`;
      case 'time':
        // A time of day, or an interval holding a MySQL TIME (-838:59:59 to 838:59:59): hours
        // past 24 as they are, a negative one as '-' and its magnitude (to_char would sign each field).
        return `CASE WHEN ${column}::interval < interval '0' THEN '-' || to_char(-(${column}::interval), 'HH24:MI:SS.US') ELSE to_char(${column}::interval, 'HH24:MI:SS.US') END`;
      case 'bits':
        // bit(n) prints every digit; MySQL's BIN() drops leading zeros.
        return `regexp_replace((${column})::text, '^0+(?=.)', '')`;
      case 'date':
        return `CASE WHEN isfinite(${column}) THEN to_char(${column}, 'YYYY-MM-DD') ELSE (${column})::text END`;
      default:
        return `(${column})::text`;
    }
  },
  keyOrder: (column, kind, byteOrder) => (byteOrder && kind === 'text' ? `${column} COLLATE "C"` : column),
  rowText: (canonicals) =>
    canonicals.length === 0
      ? `''`
      : canonicals.map((c) => `COALESCE(length(${c})::text || ':' || ${c}, 'N')`).join(` || ',' || `),
  rowHash: (rowText) => `md5(${rowText})`,
  checksumAggregates:
    `count(*)::text, ` +
    `COALESCE(sum(('x' || substr(h, 1, 15))::bit(60)::int8), 0)::text, ` +
    `COALESCE(sum(('x' || substr(h, 16, 15))::bit(60)::int8), 0)::text`,
};

export const mysqlDialect: Dialect = {
  engine: 'mysql',
  quote: (identifier) => `\`${identifier.replace(/`/g, '``')}\``,
  param: () => '?',
  keyParam: (kind) => (kind === 'bytes' ? 'UNHEX(?)' : '?'),
  canonical(column, kind) {
    switch (kind) {
      case 'decimal':
        // DECIMAL(65,30) prints every scale digit: trailing zeros (and a bare point) go.
        return `IF(LOCATE('.', CAST(${column} AS CHAR)) > 0, TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(${column} AS CHAR))), CAST(${column} AS CHAR))`;
      case 'boolean':
        return `CAST((${column}) + 0 AS CHAR)`;
      case 'bytes':
        return `LOWER(HEX(${column}))`;
      case 'json':
        return `CAST(${column} AS CHAR)`;
      case 'timestamptz':
      case 'timestamp':
        // The session runs in UTC (time_zone '+00:00'): TIMESTAMP columns print in UTC.
        return `DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.%f')`;
      case 'time':
        return `TIME_FORMAT(${column}, '%H:%i:%s.%f')`;
      case 'date':
        return `DATE_FORMAT(${column}, '%Y-%m-%d')`;
      case 'uuid':
        return `LOWER(CAST(${column} AS CHAR))`;
      case 'bits':
        return `BIN(${column})`;
      default:
        return `CAST(${column} AS CHAR)`;
    }
  },
  keyOrder: (column, kind, byteOrder) => (byteOrder && kind === 'text' ? `BINARY ${column}` : column),
  rowText: (canonicals) =>
    canonicals.length === 0
      ? `''`
      : `CONCAT(${canonicals.map((c) => `COALESCE(CONCAT(CHAR_LENGTH(${c}), ':', ${c}), 'N')`).join(`, ',', `)})`,
  rowHash: (rowText) => `MD5(${rowText})`,
  checksumAggregates:
    `CAST(COUNT(*) AS CHAR), ` +
    `CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(h, 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR), ` +
    `CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(h, 16, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)`,
};
