import { createHash } from 'node:crypto';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/nats-core';
import { kvKeys, openBucket, type Replication } from '@cdc/change-stream';
import type { DifferenceKind, RowDifference } from './row-diff';

/**
 * Where a verify run stands, so an interrupted one can go on (`--resume`): a JetStream KV
 * bucket, `cdc_verify`, next to the pipeline's own state. Not a local file: verify runs where
 * nothing on disk survives (a Kubernetes Job, a CI runner) and may be run again from another
 * host, and it talks to NATS anyway. Keys (values are small JSON documents, `nats kv get`):
 *   <run>.run        the run: selection, when it started
 *   <run>.<table>    one table against one destination: done, with its report, or how far
 * `<run>` is a digest of the selection (--source, --destination, --tables), so `--resume` picks
 * up the run of the same command line; `<table>` a digest of source, destination and table.
 * Entries expire after 7 days; a run that ends removes its own.
 */
const BUCKET = 'cdc_verify';
const TTL_MS = 7 * 24 * 3_600_000;

export interface RunSelection {
  readonly source?: string;
  readonly destination?: string;
  readonly tables?: readonly string[];
}

/** A table compared in part: every chunk through `doneThrough` (canonical key texts). */
export interface TableProgress {
  readonly doneThrough: readonly string[];
  readonly rows: number;
  readonly chunks: number;
  readonly rechecked: number;
  /** Exact counts by kind; `differences` lists at most `maxListedKeys` of them. */
  readonly counts: Readonly<Record<DifferenceKind, number>>;
  readonly differences: readonly RowDifference[];
  /** Time spent on the table so far. */
  readonly seconds: number;
}

export type TableState<Report> =
  { readonly done: true; readonly report: Report } | { readonly done: false; readonly progress: TableProgress };

interface RunRecord {
  readonly selection: RunSelection;
  readonly startedAt: string;
}

export class VerifyRunStore<Report> {
  private constructor(
    private readonly kv: KV,
    private readonly run: string,
    private readonly selection: RunSelection,
  ) {}

  static async open<Report>(
    nc: NatsConnection,
    selection: RunSelection,
    replication?: Replication,
  ): Promise<VerifyRunStore<Report>> {
    const kv = await openBucket(nc, BUCKET, { history: 1, ttl: TTL_MS }, replication);
    return new VerifyRunStore<Report>(kv, digest(JSON.stringify(normalized(selection))), selection);
  }

  /**
   * Begins the run. `resume`: go on with the stored run of this selection, if there is one (its
   * start time is returned); otherwise (or without `resume`) whatever was stored is dropped.
   */
  async begin(resume: boolean): Promise<{ resumedFrom?: string }> {
    if (resume) {
      const entry = await this.kv.get(`${this.run}.run`);
      if (entry && entry.operation === 'PUT') return { resumedFrom: entry.json<RunRecord>().startedAt };
    }
    await this.clear();
    const record: RunRecord = { selection: normalized(this.selection), startedAt: new Date().toISOString() };
    await this.kv.put(`${this.run}.run`, JSON.stringify(record));
    return {};
  }

  async table(source: string, destination: string, table: string): Promise<TableState<Report> | undefined> {
    const entry = await this.kv.get(this.tableKey(source, destination, table));
    return entry && entry.operation === 'PUT' ? entry.json<TableState<Report>>() : undefined;
  }

  async saveProgress(source: string, destination: string, table: string, progress: TableProgress): Promise<void> {
    const state: TableState<Report> = { done: false, progress };
    await this.kv.put(this.tableKey(source, destination, table), JSON.stringify(state));
  }

  async saveDone(source: string, destination: string, table: string, report: Report): Promise<void> {
    const state: TableState<Report> = { done: true, report };
    await this.kv.put(this.tableKey(source, destination, table), JSON.stringify(state));
  }

  /** The run ended: nothing is left to resume. */
  async finish(): Promise<void> {
    await this.clear();
  }

  private async clear(): Promise<void> {
    for (const key of await kvKeys(this.kv, `${this.run}.>`)) await this.kv.purge(key);
  }

  private tableKey(source: string, destination: string, table: string): string {
    return `${this.run}.${digest(`${source}\u0000${destination}\u0000${table}`)}`;
  }
}

function normalized(selection: RunSelection): RunSelection {
  return {
    ...(selection.source ? { source: selection.source } : {}),
    ...(selection.destination ? { destination: selection.destination } : {}),
    ...(selection.tables ? { tables: [...selection.tables].sort() } : {}),
  };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}
