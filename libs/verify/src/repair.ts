import type { NatsConnection } from '@nats-io/nats-core';
import type { RowDifference } from './row-diff';
import { repairSubject, type RepairReply, type RepairRequest } from './repair-protocol';
import type { SourceReader } from './source-position';
import type { TablePlan } from './table-plan';

/** Keys per repair request (one live-backfill chunk each at the reader). */
const KEYS_PER_REQUEST = 1_000;

export interface RepairSummary {
  readonly resent: number;
  readonly deleted: number;
  readonly changedMeanwhile: number;
}

/**
 * Asks the source's running reader to send the differing rows again through the pipeline
 * (repair-protocol.ts): every destination receiving the source then applies them under its own
 * rules and checkpoints. Keys go as the source prints them: the canonical texts are cast back
 * to the key columns' types by the source itself.
 */
export async function requestRepair(
  nc: NatsConnection,
  reader: SourceReader,
  plan: TablePlan,
  differences: readonly RowDifference[],
  timeoutMs: number,
): Promise<RepairSummary> {
  const table = `${plan.sourceTable.schema}.${plan.sourceTable.table}`;
  const where = `source ${plan.source.name}, table ${table}`;
  if (plan.sourceSide.keyIndexes.length === 0)
    throw new Error(`${where}: no primary key: rows cannot be repaired by key`);
  const total = { resent: 0, deleted: 0, changedMeanwhile: 0 };
  const unique = [...new Map(differences.map((d) => [JSON.stringify(d.key), d.key])).values()];
  for (let start = 0; start < unique.length; start += KEYS_PER_REQUEST) {
    const keys = await sourceKeyTexts(reader, plan, unique.slice(start, start + KEYS_PER_REQUEST));
    const request: RepairRequest = { schema: plan.sourceTable.schema, table: plan.sourceTable.table, keys };
    let reply: RepairReply;
    try {
      const message = await nc.request(repairSubject(plan.source.name), JSON.stringify(request), {
        timeout: timeoutMs,
      });
      reply = message.json<RepairReply>();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${where}: no answer to the repair request (${text}): is the reader of ${plan.source.name} running?`,
        { cause: error },
      );
    }
    if (!reply.ok) throw new Error(`${where}: the reader refused the repair: ${reply.detail}`);
    total.resent += reply.resent;
    total.deleted += reply.deleted;
    total.changedMeanwhile += reply.changedMeanwhile;
  }
  return total;
}

/**
 * Canonical key texts -> the source's own text of those values (what its change stream
 * carries), by casting them on the source. The type names come from the source's catalog
 * (format_type, which quotes what needs quoting); the values are parameters.
 */
async function sourceKeyTexts(
  reader: SourceReader,
  plan: TablePlan,
  keys: ReadonlyArray<readonly string[]>,
): Promise<Array<Array<string | null>>> {
  const { dialect } = reader.database;
  const keyIndexes = plan.sourceSide.keyIndexes;
  const width = keyIndexes.length;
  const values: string[] = [];
  const rows = keys.map((key) => {
    const casts = key.map((text, i) => {
      values.push(text);
      const column = keyIndexes[i];
      return `CAST(${dialect.keyParam(plan.sourceSide.kinds[column], values.length)} AS ${plan.sourceTypes[column]})`;
    });
    return `SELECT ${casts.join(', ')}`;
  });
  const result = await reader.database.query({ text: rows.join(' UNION ALL '), values });
  return result.map((row) => row.slice(0, width));
}
