import type { TableShaping } from '@cdc/apply';
import type { TableSchema } from '@cdc/change-envelope';
import type { DestinationConfig } from '@cdc/config';

/**
 * The consolidation settings of a destination as a per-(source, table) lookup for the sink:
 * one TableShaping object per source and source table, reused for every op (sinks cache shaped
 * schemas by the identity of this object). Undefined when the destination writes tables as is.
 */
export function shapingLookup(
  destination: DestinationConfig,
): ((source: string, table: TableSchema) => TableShaping | undefined) | undefined {
  const policies = destination.tablePolicies ?? {};
  const sourceId = destination.sourceId;
  if (sourceId === undefined && Object.keys(policies).length === 0) return undefined;
  const cache = new Map<string, TableShaping>();
  return (source, table) => {
    const name = `${table.schema}.${table.table}`;
    const cacheKey = `${source}\u0000${name}`;
    let shaping = cache.get(cacheKey);
    if (shaping === undefined) {
      // An entry's key is the exact "schema.table" (split at the first dot): compared as written.
      const policy = policies[name];
      shaping = {
        mode: policy?.mode ?? 'clone',
        rename: policy?.rename ?? {},
        exclude: policy?.exclude ?? [],
        deletes: policy?.deletes ?? 'ignore',
        ...(sourceId !== undefined
          ? { sourceId: { column: sourceId.column, value: sourceId.values[source] ?? source } }
          : {}),
      };
      cache.set(cacheKey, shaping);
    }
    return shaping;
  };
}
