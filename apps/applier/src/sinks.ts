import { rowRulesSink, type Sink } from '@cdc/apply';
import { mapTable, ruleForTable, type DestinationConfig } from '@cdc/config';
import { createMysqlSink } from '@cdc/mysql-sink';
import { createPostgresSink } from '@cdc/postgres-sink';
import { createLogger } from '@cdc/service-runtime';
import { shapingLookup } from './shaping';

/**
 * The one place a destination type picks its engine. Each engine lib implements `Sink` on its
 * own; the apply loop never knows which one it talks to. A new engine = its lib, its config
 * type, and one entry here (the mapped type makes the compiler ask for it).
 */
const SINK_FACTORIES: {
  [K in DestinationConfig['type']]: (destination: Extract<DestinationConfig, { type: K }>) => Promise<Sink>;
} = {
  postgres: (destination) => {
    const shapeFor = shapingLookup(destination);
    return createPostgresSink({
      ...engineOptions(destination),
      ...(shapeFor !== undefined ? { shapeFor } : {}),
      ...(destination.missingColumns !== undefined ? { missingColumns: destination.missingColumns } : {}),
    });
  },
  mysql: (destination) =>
    createMysqlSink({
      ...engineOptions(destination),
      unrepresentable: destination.unrepresentable,
      ...(destination.loadData ? {} : { loadDataMinRows: 0 }),
      ...(destination.tls !== undefined ? { tls: destination.tls } : {}),
    }),
};

/** What every engine takes from its destination alike: where, what to create, pool size, table mapping, log. */
function engineOptions(destination: DestinationConfig) {
  const log = createLogger('applier', { destination: destination.name });
  return {
    url: destination.url,
    destination: destination.name,
    createTables: destination.createTables,
    poolSize: destination.concurrency,
    mapTable: (table: { schema: string; table: string }) => mapTable(destination, table.schema, table.table),
    log: (message: string) => log.info(message),
  };
}

export async function createSink(destination: DestinationConfig): Promise<Sink> {
  const factory = SINK_FACTORIES[destination.type] as (destination: DestinationConfig) => Promise<Sink>;
  return withRowRules(destination, await factory(destination));
}

/** The destination's own filters and transforms, in front of whichever engine (libs/apply, rowRulesSink). */
function withRowRules(destination: DestinationConfig, sink: Sink): Sink {
  const { filters, transforms, transformKey } = destination;
  const none = (map: object | undefined) => map === undefined || Object.keys(map).length === 0;
  if (none(filters) && none(transforms)) return sink;
  return rowRulesSink(sink, {
    destination: destination.name,
    filterOf: (schema, table) => ruleForTable(filters, schema, table),
    transformsOf: (schema, table) => ruleForTable(transforms, schema, table),
    ...(transformKey !== undefined ? { transformKey } : {}),
  });
}
