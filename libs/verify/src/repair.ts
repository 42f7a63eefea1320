import type { NatsConnection } from '@nats-io/nats-core';
import type { RowDifference } from './row-diff';
import { repairSubject, type RepairReply, type RepairRequest } from './repair-protocol';
import type { SourceReader } from './source-position';
import type { TablePlan } from './table-plan';

/** Keys per repair request (one live-backfill chunk each at the reader). */
const KEYS_PER_REQUEST = 1_000;

/**
 * Key kinds whose canonical text is also MySQL's own text of the value, so a Vitess reader can
 * bind it and recognise the key in the rows it reads (a decimal's canonical text drops trailing
 * zeros, a timestamp's has a T: such keys would not match).
 */
const VITESS_REPAIR_KEY_KINDS: ReadonlySet<string> = new Set(['integer', 'text', 'date']);

/** Why the differences of this table cannot be repaired, or undefined when they can. */
export function repairRefusal(plan: TablePlan): string | undefined {
  const { keyIndexes, kinds } = plan.sourceSide;
  if (keyIndexes.length === 0) return 'the table has no primary key: rows cannot be sent again by key';
  if (plan.source.type === 'postgres') return undefined;
  const other = keyIndexes.map((i) => kinds[i]).filter((kind) => !VITESS_REPAIR_KEY_KINDS.has(kind));
  return other.length === 0
    ? undefined
    : `a Vitess table is repaired by integer, text or date keys; this key has ${[...new Set(other)].join(', ')} columns: nothing was sent`;
}

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
  const refusal = repairRefusal(plan);
  if (refusal !== undefined) throw new Error(`${where}: ${refusal}`);
  const total = { resent: 0, deleted: 0, changedMeanwhile: 0 };
  const unique = [...new Map(differences.map((d) => [JSON.stringify(d.key), d.key])).values()];
  for (let start = 0; start < unique.length; start += KEYS_PER_REQUEST) {
    const slice = unique.slice(start, start + KEYS_PER_REQUEST);
    // A Vitess reader binds the canonical texts as MySQL literals (vitessRepairRefusal says which key kinds).
    const keys =
      plan.source.type === 'postgres' ? await sourceKeyTexts(reader, plan, slice) : slice.map((key) => [...key]);
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
