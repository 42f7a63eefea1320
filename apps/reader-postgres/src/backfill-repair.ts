import {
  SESSION_OPTIONS,
  SourceCatalog,
  decodeTextValue,
  describeSourceTable,
  listCandidateTables,
  readKeysConsistent,
} from '@cdc/postgres-source';
import type { Logger } from '@cdc/service-runtime';
import type { RepairOutcome } from '@cdc/verify';
import { Client } from 'pg';
import { readChunk, type ChunkContext, type Session } from './backfill-chunk';
import { newEntry } from './pending-backfill';

/** A cdc verify --repair request, waiting for a streaming session (see LiveBackfill.repair). */
export interface RepairJob {
  readonly schema: string;
  readonly table: string;
  readonly keys: ReadonlyArray<ReadonlyArray<string | null>>;
  resolve(outcome: RepairOutcome): void;
  reject(error: unknown): void;
}

/** The backfill's options a repair reads (LiveBackfillOptions). */
export interface RepairOptions {
  readonly source: string;
  readonly url: string;
  readonly log: Logger;
  readonly rowFilterOf?: (schema: string, table: string) => string | undefined;
}

/**
 * Reads a repair's keys in one chunk between LOW and HIGH markers, like a backfill chunk: the
 * rows found are published at HIGH, keys not found as deletes (LiveBackfill.repair).
 */
export async function repairKeys(
  options: RepairOptions,
  context: ChunkContext,
  job: RepairJob,
  session: Session,
): Promise<RepairOutcome> {
  const name = `${job.schema}.${job.table}`;
  const client = new Client({
    connectionString: options.url,
    options: SESSION_OPTIONS,
    application_name: `cdc-repair-${options.source}`,
  });
  await client.connect();
  try {
    const table = (await listCandidateTables(client)).find((t) => t.schema === job.schema && t.table === job.table);
    if (!table) throw new Error(`source ${options.source}: repair of ${name}: no such table`);
    const relation = await describeSourceTable(client, new SourceCatalog(client), table);
    if (relation.keyIndexes.length === 0)
      throw new Error(`source ${options.source}: repair of ${name}: the table has no primary key`);
    const keys = job.keys.map((key) => {
      if (key.length !== relation.keyIndexes.length)
        throw new Error(
          `source ${options.source}: repair of ${name}: a key of ${key.length} values, the table's has ${relation.keyIndexes.length}`,
        );
      return key.map((text, i) => decodeTextValue(text, relation.types[relation.keyIndexes[i]]));
    });
    const entry = newEntry({ schema: job.schema, table: job.table }, true);
    const { chunk } = await readChunk(
      context,
      client,
      session,
      entry,
      relation,
      false,
      (invisible) =>
        readKeysConsistent(client, relation, keys, invisible, {
          table: name,
          filter: options.rowFilterOf?.(job.schema, job.table),
        }),
      keys,
    );
    await session.publisher.stored();
    options.log.info({ table: name, ...chunk.outcome }, `repair of ${name}: rows sent again through the pipeline`);
    return chunk.outcome;
  } finally {
    await client.end().catch(() => undefined);
  }
}
