import type { DestinationConfig } from './types';

export interface QualifiedName {
  schema: string;
  table: string;
}

export const DEFAULT_SCHEMA = 'public';

/** Splits "schema.table" at the FIRST dot; undefined when there is no dot. */
export function splitQualified(name: string): QualifiedName | undefined {
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  return { schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** A table pattern's two halves; a pattern without a dot is in schema `public`. */
export function splitPattern(pattern: string): QualifiedName {
  return splitQualified(pattern) ?? { schema: DEFAULT_SCHEMA, table: pattern };
}

const globCache = new Map<string, RegExp>();

function globRegExp(glob: string): RegExp {
  let regexp = globCache.get(glob);
  if (!regexp) {
    const body = glob
      .split('*')
      .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
      .join('[\\s\\S]*');
    regexp = new RegExp(`^${body}$`);
    if (globCache.size > 1000) globCache.clear();
    globCache.set(glob, regexp);
  }
  return regexp;
}

/**
 * Whether a table is selected by any of the patterns ("schema.table", split at the first dot;
 * no dot means schema `public`). Matching is exact and case-sensitive; `*` matches any run of
 * characters (including none, dots and quotes); every other character, including `.` and `"`
 * inside a name, is literal.
 */
export function tableMatches(patterns: readonly string[], schema: string, table: string): boolean {
  return patterns.some((pattern) => {
    const parts = splitPattern(pattern);
    return globRegExp(parts.schema).test(schema) && globRegExp(parts.table).test(table);
  });
}

/**
 * Where a source table lands in a destination: its entry in `tables` (exact, case-sensitive,
 * compared as schema and table separately so dots inside names cannot alias), else the same table
 * name in `schema` when set, else the same schema and table.
 */
export function mapTable(destination: DestinationConfig, schema: string, table: string): QualifiedName {
  for (const [from, to] of Object.entries(destination.tables)) {
    const source = splitQualified(from);
    const target = splitQualified(to);
    if (source && target && source.schema === schema && source.table === table) return target;
  }
  return { schema: destination.schema ?? schema, table };
}

/**
 * The entry of a table-pattern map (`filters`, `transforms`) that applies to a table: an exact
 * "schema.table" entry first, else the first matching pattern in the order written.
 */
export function ruleForTable<T>(
  map: Readonly<Record<string, T>> | undefined,
  schema: string,
  table: string,
): T | undefined {
  if (map === undefined) return undefined;
  for (const [pattern, value] of Object.entries(map)) {
    const parts = splitQualified(pattern);
    if (!pattern.includes('*') && parts?.schema === schema && parts.table === table) return value;
  }
  for (const [pattern, value] of Object.entries(map)) {
    if (tableMatches([pattern], schema, table)) return value;
  }
  return undefined;
}
