import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Client } from 'pg';
import { consumerName, connectToNats, listDeadLetters } from '@cdc/change-stream';
import { streamName } from '@cdc/change-envelope';
import {
  destinationsOfSource,
  mapTable,
  redactUrl,
  tableMatches,
  type DestinationConfig,
  type PipelineConfig,
  type SourceConfig,
} from '@cdc/config';
import { describeError } from '@cdc/service-runtime';
import { collectStatus, type SourceStatus } from '../status';
import { SampleHistory, type RatePoint } from './history';
import { findProblems, type DestinationDeadLetters, type Problem } from './problems';

/** A table's initial copy (snapshot or live backfill) as seen from both databases. */
export interface TableCopy {
  readonly source: string;
  readonly destination: string;
  readonly table: string;
  /** Rows at the source and at the destination: Postgres's live-row statistics, an estimate. */
  readonly sourceRows: number;
  readonly destinationRows: number;
  readonly rowsPerSecond: number | null;
  /** Seconds until the destination holds as many rows as the source, at the current rate. */
  readonly etaSeconds: number | null;
}

export interface ConsoleSource extends SourceStatus {
  readonly destinations: string[];
  readonly stream: { readonly messages: number; readonly lastSeq: number; readonly bytes: number } | null;
  readonly rates: RatePoint[];
  readonly copies: TableCopy[];
}

export interface ConsoleSnapshot {
  readonly at: string;
  /** Set when NATS could not be read at all: nothing else is current. */
  readonly error: string | null;
  readonly sources: ConsoleSource[];
  readonly destinations: Array<{ name: string; type: string; sources: string[] } & DestinationDeadLetters>;
  readonly problems: Problem[];
  /** Problems seen since the console started, newest first, each with when it was first and last seen. */
  readonly recentProblems: Array<Problem & { firstSeen: string; lastSeen: string; current: boolean }>;
}

/**
 * Reads the pipeline's state for the console, every `sample()` call: `cdc status`'s view (KV
 * progress and membership, consumers' backlogs, the slot), the streams' counters for throughput,
 * the dead letters, and Postgres's row statistics for table copies. Read-only everywhere.
 */
export class ConsoleCollector {
  private readonly history = new SampleHistory();
  private readonly seen = new Map<string, { problem: Problem; firstSeen: number; lastSeen: number }>();
  private deadLetters: DestinationDeadLetters[] = [];
  private deadLettersReadAt = 0;

  constructor(private readonly config: PipelineConfig) {}

  async sample(now = Date.now()): Promise<ConsoleSnapshot> {
    let statuses: SourceStatus[];
    try {
      statuses = await collectStatus(this.config);
    } catch (error) {
      const problem: Problem = { severity: 'error', where: 'nats', text: describeError(error) };
      return this.snapshot(now, describeError(error), [], [problem]);
    }
    const nc = await connectToNats({ ...this.config.nats, name: 'cdc-console' });
    const sources: ConsoleSource[] = [];
    const extraProblems: Problem[] = [];
    try {
      const jsm = await jetstreamManager(nc);
      // Dead letters are a stream read per destination: every 10 s is enough.
      if (now - this.deadLettersReadAt > 10_000) {
        this.deadLetters = await Promise.all(this.config.destinations.map((d) => this.readDeadLetters(jsm, d)));
        this.deadLettersReadAt = now;
      }
      for (const status of statuses) {
        const source = this.config.sources.find((s) => s.name === status.source);
        if (!source) continue;
        const destinations = destinationsOfSource(this.config, source.name);
        const stream = await streamCounters(jsm, source.name);
        const applied: Record<string, number | null> = {};
        for (const destination of destinations)
          applied[destination.name] = await ackedMessages(jsm, source.name, destination.name, source.partitions);
        let tableRows: TableRows[] = [];
        try {
          tableRows = await copyRows(source, destinations);
        } catch (error) {
          extraProblems.push({ severity: 'error', where: `source ${source.name}`, text: describeError(error) });
        }
        const copiedRows: Record<string, number> = {};
        for (const row of tableRows) copiedRows[`${row.destination}\u0000${row.table}`] = row.destinationRows;
        this.history.add(source.name, {
          at: now,
          published: stream?.lastSeq ?? null,
          applied,
          lagBytes: status.slot?.lagBytes ? Number(status.slot.lagBytes) : null,
          copiedRows,
        });
        const copies = tableRows.map((row) => {
          const rowsPerSecond = this.history.copyRate(source.name, `${row.destination}\u0000${row.table}`, now);
          const missing = row.sourceRows - row.destinationRows;
          return {
            ...row,
            rowsPerSecond,
            etaSeconds: missing > 0 && rowsPerSecond ? missing / rowsPerSecond : missing > 0 ? null : 0,
          };
        });
        sources.push({
          ...status,
          destinations: destinations.map((d) => d.name),
          stream,
          rates: this.history.rates(source.name),
          copies,
        });
      }
    } finally {
      await nc.close();
    }
    return this.snapshot(now, null, sources, [...findProblems(statuses, this.deadLetters), ...extraProblems]);
  }

  private async readDeadLetters(
    jsm: JetStreamManager,
    destination: DestinationConfig,
  ): Promise<DestinationDeadLetters> {
    try {
      const entries = await listDeadLetters(jsm, destination.name);
      return { destination: destination.name, count: entries.length, lastError: entries.at(-1)?.error ?? null };
    } catch {
      // No CDC_DLQ stream yet: nothing was ever set aside.
      return { destination: destination.name, count: 0, lastError: null };
    }
  }

  private snapshot(now: number, error: string | null, sources: ConsoleSource[], problems: Problem[]): ConsoleSnapshot {
    for (const problem of problems) {
      const key = `${problem.where}\u0000${problem.text.replace(/\d+/g, '#')}`;
      const entry = this.seen.get(key);
      if (entry) {
        entry.problem = problem;
        entry.lastSeen = now;
      } else this.seen.set(key, { problem, firstSeen: now, lastSeen: now });
    }
    const recentProblems = [...this.seen.values()]
      .sort((a, b) => b.lastSeen - a.lastSeen)
      .slice(0, 20)
      .map(({ problem, firstSeen, lastSeen }) => ({
        ...problem,
        firstSeen: new Date(firstSeen).toISOString(),
        lastSeen: new Date(lastSeen).toISOString(),
        current: lastSeen === now,
      }));
    return {
      at: new Date(now).toISOString(),
      error,
      sources,
      destinations: this.config.destinations.map((d) => ({
        name: d.name,
        type: d.type,
        sources: d.sources,
        ...(this.deadLetters.find((x) => x.destination === d.name) ?? {
          destination: d.name,
          count: null,
          lastError: null,
        }),
      })),
      problems,
      recentProblems,
    };
  }
}

async function streamCounters(jsm: JetStreamManager, source: string): Promise<ConsoleSource['stream']> {
  try {
    const info = await jsm.streams.info(streamName(source));
    return { messages: info.state.messages, lastSeq: info.state.last_seq, bytes: info.state.bytes };
  } catch {
    return null; // the reader has not created it yet
  }
}

/** Messages the destination's appliers acked, over every partition (null until every consumer exists). */
async function ackedMessages(
  jsm: JetStreamManager,
  source: string,
  destination: string,
  partitions: number,
): Promise<number | null> {
  let total = 0;
  for (let partition = 0; partition < partitions; partition += 1) {
    try {
      const info = await jsm.consumers.info(streamName(source), consumerName(destination, partition));
      total += info.ack_floor.consumer_seq;
    } catch {
      return null;
    }
  }
  return total;
}

interface TableRows {
  readonly source: string;
  readonly destination: string;
  readonly table: string;
  readonly sourceRows: number;
  readonly destinationRows: number;
}

/**
 * Live rows per replicated table at a Postgres source and at each Postgres destination
 * (pg_stat_user_tables: the statistics the server keeps, no table scan). Other engines: none.
 */
async function copyRows(source: SourceConfig, destinations: DestinationConfig[]): Promise<TableRows[]> {
  if (source.type !== 'postgres') return [];
  const sourceRows = await liveRows(source.url);
  const tables = [...sourceRows.entries()].filter(([name]) => {
    const [schema, table] = splitName(name);
    return tableMatches(source.tables, schema, table);
  });
  const rows: TableRows[] = [];
  for (const destination of destinations) {
    if (destination.type !== 'postgres') continue;
    const atDestination = await liveRows(destination.url);
    for (const [name, count] of tables.slice(0, 50)) {
      const [schema, table] = splitName(name);
      const target = mapTable(destination, schema, table);
      rows.push({
        source: source.name,
        destination: destination.name,
        table: name,
        sourceRows: count,
        destinationRows: atDestination.get(`${target.schema}.${target.table}`) ?? 0,
      });
    }
  }
  return rows;
}

async function liveRows(url: string): Promise<Map<string, number>> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  const rows = new Map<string, number>();
  try {
    await client.connect();
    const result = await client.query<{ name: string; n: string }>(
      `SELECT schemaname || '.' || relname AS name, n_live_tup::text AS n FROM pg_stat_user_tables`,
    );
    for (const row of result.rows) rows.set(row.name, Number(row.n));
  } catch (error) {
    throw new Error(`cannot read table statistics at ${redactUrl(url)}: ${describeError(error)}`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
  return rows;
}

function splitName(name: string): [string, string] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)];
}
