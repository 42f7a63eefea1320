import { jetstreamManager } from '@nats-io/jetstream';
import {
  connectToNats,
  listDeadLetters,
  removeDeadLetter,
  type DeadLetterRecord,
  type StoredDeadLetter,
} from '@cdc/change-stream';
import { findDestination, type PipelineConfig } from '@cdc/config';
import { describeError } from '@cdc/service-runtime';
import { createSink } from './sinks';

export type DeadLetterEntry = DeadLetterRecord & { readonly id: number };

/** The dead letters of a destination, oldest first, without the encoded ops. */
export async function listDestinationDeadLetters(
  config: PipelineConfig,
  destination: string,
): Promise<DeadLetterEntry[]> {
  findDestination(config, destination);
  const nc = await connectToNats({ ...config.nats, name: 'cdc-dlq' });
  try {
    const entries = await listDeadLetters(await jetstreamManager(nc), destination);
    return entries.map(({ op: _op, ...entry }) => entry);
  } finally {
    await nc.close();
  }
}

export interface ReplayOutcome {
  readonly entry: DeadLetterEntry;
  /** Undefined when the op was applied (and the dead letter removed). */
  readonly error?: string;
}

/**
 * Applies dead-lettered ops again (after the cause was fixed at the destination) and removes
 * each one that the destination accepted. Each op is applied in its own transaction under a
 * checkpoint of its own, (`<source>#dlq`, dead-letter id): the partition's checkpoint is past
 * the op already, and this one makes a replay interrupted between commit and removal skip the
 * op the second time instead of applying it twice.
 */
export async function replayDeadLetters(
  config: PipelineConfig,
  destination: string,
  ids: readonly number[] | 'all',
): Promise<ReplayOutcome[]> {
  const target = findDestination(config, destination);
  const nc = await connectToNats({ ...config.nats, name: 'cdc-dlq' });
  const sink = await createSink(target).catch(async (error: unknown) => {
    await nc.close();
    throw error;
  });
  try {
    const jsm = await jetstreamManager(nc);
    const entries = await listDeadLetters(jsm, destination);
    const chosen = ids === 'all' ? entries : entries.filter((entry) => ids.includes(entry.id));
    if (ids !== 'all') {
      const missing = ids.filter((id) => !entries.some((entry) => entry.id === id));
      if (missing.length > 0) {
        throw new Error(`destination ${destination}: no dead letter with id ${missing.join(', ')} (see cdc dlq list)`);
      }
    }
    const outcomes: ReplayOutcome[] = [];
    for (const stored of chosen) {
      const entry = withoutOp(stored);
      try {
        await sink.applyBatch({
          source: `${stored.source}#dlq`,
          partition: stored.id,
          ops: [stored.op],
          lastStreamSeq: stored.streamSeq,
        });
      } catch (error) {
        outcomes.push({ entry, error: describeError(error) });
        continue;
      }
      await removeDeadLetter(jsm, stored.id);
      outcomes.push({ entry });
    }
    return outcomes;
  } finally {
    await sink.close().catch(() => undefined);
    await nc.close();
  }
}

function withoutOp({ op: _op, ...entry }: StoredDeadLetter): DeadLetterEntry {
  return entry;
}
