import { Client } from 'pg';
import { compileTransforms } from '@cdc/apply';
import { ruleForTable, type DestinationConfig, type PostgresSourceConfig } from '@cdc/config';
import { SourceCatalog, describeSourceTable, type SourceTable } from '@cdc/postgres-source';
import { compileFilter, parseFilter } from '@cdc/row-filter';
import { describeError, type Logger } from '@cdc/service-runtime';

/**
 * The filters and transforms of this source's destinations, checked against the source's tables
 * at the reader's start (the one place that reads their columns before any change flows): an
 * unknown column, a literal its column cannot hold, a transform its type cannot take or one on a
 * key column without on_key. Each problem is one error line naming destination, source, table and
 * column; the reader goes on (the other destinations are not held back), and that destination's
 * applier stops the table's partition with the same line when its first change arrives.
 * Returns the problems found.
 */
export async function checkDestinationRules(
  source: PostgresSourceConfig,
  tables: readonly SourceTable[],
  destinations: readonly DestinationConfig[],
  log: Logger,
): Promise<string[]> {
  const ruled = destinations.filter(
    (d) => Object.keys(d.filters ?? {}).length > 0 || Object.keys(d.transforms ?? {}).length > 0,
  );
  if (ruled.length === 0) return [];
  const client = new Client({ connectionString: source.url, application_name: `cdc-rules-${source.name}` });
  await client.connect();
  const problems: string[] = [];
  try {
    const catalog = new SourceCatalog(client);
    for (const table of tables) {
      const rules = ruled.flatMap((destination) => {
        const filter = ruleForTable(destination.filters, table.schema, table.table);
        const transforms = ruleForTable(destination.transforms, table.schema, table.table);
        return filter === undefined && transforms === undefined ? [] : [{ destination, filter, transforms }];
      });
      if (rules.length === 0) continue;
      const { schema } = await describeSourceTable(client, catalog, table);
      for (const { destination, filter, transforms } of rules) {
        const where = `destination ${destination.name}, source ${source.name}`;
        const report = (message: string) => {
          problems.push(message);
          log.error({ destination: destination.name, table: `${table.schema}.${table.table}` }, message);
        };
        if (filter !== undefined) {
          try {
            compileFilter(parseFilter(filter), schema.columns);
          } catch (error) {
            report(
              `${where}, table ${table.schema}.${table.table}: filter ${JSON.stringify(filter)}: ${describeError(error)}`,
            );
          }
        }
        try {
          if (transforms !== undefined) compileTransforms(schema, transforms, destination.transformKey, where);
        } catch (error) {
          report(describeError(error));
        }
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return problems;
}
