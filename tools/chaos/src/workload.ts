// The mixed source workload: inserts, updates and deletes over the chaos tables in transactions
// of 1 to ~200 rows, going on through source restarts (it reconnects and finds out whether a
// transaction whose COMMIT got no answer was committed).
import { Client } from 'pg';
import { lsnToBigint } from './checks';
import { Random } from './random';

export interface CommittedTransaction {
  readonly k: number;
  /** pg_current_wal_lsn() read right after COMMIT returned: at or after the commit record's end. */
  readonly lsn?: bigint;
}

export interface WorkloadProgress {
  /** Row changes committed (items, nokey, docs; txlog rows not counted). */
  ops: number;
  transactions: number;
  /** Transactions that failed (server gone) and were rolled back, or whose commit was unknown until checked. */
  retried: number;
  ambiguousCommits: number;
  /** In commit order. */
  readonly committed: CommittedTransaction[];
}

export interface WorkloadOptions {
  readonly url: string;
  readonly ops: number;
  readonly seed: number;
  /** Called before each transaction; the workload waits while it returns a promise. */
  readonly gate?: (progress: WorkloadProgress) => Promise<void> | undefined;
  readonly signal?: AbortSignal;
}

/** Keys currently at the source, with O(1) random pick and removal. */
class LiveKeys {
  private readonly keys: number[] = [];
  private readonly index = new Map<number, number>();
  next = 1;

  get size(): number {
    return this.keys.length;
  }

  add(key: number): void {
    this.index.set(key, this.keys.length);
    this.keys.push(key);
  }

  remove(key: number): void {
    const at = this.index.get(key);
    if (at === undefined) return;
    const last = this.keys.pop() as number;
    if (last !== key) {
      this.keys[at] = last;
      this.index.set(last, at);
    }
    this.index.delete(key);
  }

  has(key: number): boolean {
    return this.index.has(key);
  }

  pick(random: Random, count: number): number[] {
    const out = new Set<number>();
    for (let i = 0; i < count * 2 && out.size < count && this.keys.length > 0; i += 1) {
      out.add(this.keys[Math.floor(random.next() * this.keys.length)]);
    }
    return [...out];
  }
}

type Undo = () => void;

interface Step {
  readonly text: string;
  readonly values: unknown[];
  /** Applied to the in-memory key sets when issued; undone if the transaction does not commit. */
  readonly track: () => Undo;
}

const SEED_ROWS = 300;

export async function seedRows(client: Client, seed: number): Promise<void> {
  await client.query(
    `INSERT INTO items (id, v, qty, note) SELECT g, 1, g % 50, 'seed ' || g FROM generate_series(1, $1::int) g`,
    [SEED_ROWS],
  );
  await client.query(
    `INSERT INTO nokey (rid, v, payload) SELECT g, 1, 'seed ' || g FROM generate_series(1, $1::int) g`,
    [SEED_ROWS],
  );
  await client.query(
    `INSERT INTO docs (id, v, title, body)
       SELECT g, 1, 'doc ' || g, (SELECT string_agg(md5($2 || '/' || g || '/' || i), '') FROM generate_series(1, 120) i)
         FROM generate_series(1, $1::int) g`,
    [SEED_ROWS / 10, String(seed)],
  );
}

/** Runs until `ops` row changes are committed; returns the progress (the caller also holds it live). */
export function startWorkload(options: WorkloadOptions): { progress: WorkloadProgress; done: Promise<void> } {
  const progress: WorkloadProgress = { ops: 0, transactions: 0, retried: 0, ambiguousCommits: 0, committed: [] };
  return { progress, done: run(options, progress) };
}

async function run(options: WorkloadOptions, progress: WorkloadProgress): Promise<void> {
  const random = new Random(options.seed ^ 0x5eed);
  const items = new LiveKeys();
  const nokey = new LiveKeys();
  const docs = new LiveKeys();
  for (let i = 1; i <= SEED_ROWS; i += 1) {
    items.add(i);
    nokey.add(i);
  }
  for (let i = 1; i <= SEED_ROWS / 10; i += 1) docs.add(i);
  items.next = SEED_ROWS + 1;
  nokey.next = SEED_ROWS + 1;
  docs.next = SEED_ROWS / 10 + 1;

  /** Several kB of md5 text, reproducible from (seed, id, round): incompressible, so stored out of line. */
  const body = (id: string, seed: string, round: string) =>
    `(SELECT string_agg(md5(${seed}::text || '/' || ${id}::int8 || '/' || ${round}::int || '/' || i), '') FROM generate_series(1, 120) i)`;
  const seed = String(options.seed);

  const inserting = (keys: LiveKeys, count: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < count; i += 1) out.push(keys.next++);
    return out;
  };
  const track = (keys: LiveKeys, added: readonly number[], removed: readonly number[]) => (): Undo => {
    for (const key of added) keys.add(key);
    for (const key of removed) keys.remove(key);
    return () => {
      for (const key of added) keys.remove(key);
      for (const key of removed) keys.add(key);
    };
  };

  /** One statement of the mix; its rows count towards ops by rowCount. */
  const nextStep = (): Step => {
    const roll = random.next();
    const kind = random.next();
    const many = random.next() < 0.15 ? random.int(5, 40) : 1;
    if (roll < 0.55) {
      if (kind < 0.35 || items.size < 20) {
        const ids = inserting(items, many);
        return {
          text: `INSERT INTO items (id, v, qty, note) SELECT g, 1, g % 97, 'new ' || g FROM unnest($1::int8[]) g`,
          values: [ids],
          track: track(items, ids, []),
        };
      }
      const ids = items.pick(random, many);
      if (kind < 0.85) {
        return {
          text: `UPDATE items SET v = v + 1, qty = qty + $2, note = 'upd ' || v, updated_at = now() WHERE id = ANY($1::int8[])`,
          values: [ids, random.int(-5, 5)],
          track: track(items, [], []),
        };
      }
      return { text: `DELETE FROM items WHERE id = ANY($1::int8[])`, values: [ids], track: track(items, [], ids) };
    }
    if (roll < 0.8) {
      if (kind < 0.35 || nokey.size < 20) {
        const rids = inserting(nokey, Math.min(many, 10));
        return {
          text: `INSERT INTO nokey (rid, v, payload) SELECT g, 1, 'row ' || g FROM unnest($1::int8[]) g`,
          values: [rids],
          track: track(nokey, rids, []),
        };
      }
      const [rid] = nokey.pick(random, 1);
      if (kind < 0.85) {
        return {
          text: `UPDATE nokey SET v = v + 1, payload = 'upd ' || v || ' ' || $2::text WHERE rid = $1`,
          values: [rid, random.int(0, 1_000_000)],
          track: track(nokey, [], []),
        };
      }
      return { text: `DELETE FROM nokey WHERE rid = $1`, values: [rid], track: track(nokey, [], [rid]) };
    }
    if (kind < 0.3 || docs.size < 5) {
      const [id] = inserting(docs, 1);
      return {
        text: `INSERT INTO docs (id, v, title, body) VALUES ($1, 1, 'doc ' || $1::int8, ${body('$1', '$2', '0')})`,
        values: [id, seed],
        track: track(docs, [id], []),
      };
    }
    const [id] = docs.pick(random, 1);
    if (kind < 0.75) {
      // body untouched: replicated as an unchanged TOAST value
      return {
        text: `UPDATE docs SET v = v + 1, title = 'doc ' || $1::int8 || ' v' || (v + 1) WHERE id = $1`,
        values: [id],
        track: track(docs, [], []),
      };
    }
    if (kind < 0.92) {
      return {
        text: `UPDATE docs SET v = v + 1, body = ${body('$1', '$2', '$3')} WHERE id = $1`,
        values: [id, seed, random.int(1, 1_000_000)],
        track: track(docs, [], []),
      };
    }
    return { text: `DELETE FROM docs WHERE id = $1`, values: [id], track: track(docs, [], [id]) };
  };

  let client: Client | undefined;
  const connect = async (): Promise<Client> => {
    for (let attempt = 0; ; attempt += 1) {
      if (options.signal?.aborted) throw new Error('workload aborted');
      const c = new Client({ connectionString: options.url, connectionTimeoutMillis: 5_000 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return c;
      } catch {
        await c.end().catch(() => undefined);
        await new Promise((r) => setTimeout(r, Math.min(1_000, 100 * 2 ** attempt)));
      }
    }
  };

  let k = 0;
  try {
    while (progress.ops < options.ops) {
      if (options.signal?.aborted) throw new Error('workload aborted');
      await options.gate?.(progress);
      client ??= await connect();
      k += 1;
      const size = random.next() < 0.05 ? random.int(20, 60) : random.int(1, 8);
      const undo: Undo[] = [];
      let ops = 0;
      let phase: 'body' | 'commit' = 'body';
      try {
        await client.query('BEGIN');
        for (let i = 0; i < size && progress.ops + ops < options.ops; i += 1) {
          const step = nextStep();
          undo.push(step.track());
          const result = await client.query(step.text, step.values);
          ops += result.rowCount ?? 0;
        }
        await client.query('INSERT INTO txlog (k, ops) VALUES ($1, $2)', [k, ops]);
        phase = 'commit';
        await client.query('COMMIT');
      } catch (error) {
        progress.retried += 1;
        await client.end().catch(() => undefined);
        client = undefined;
        let committed = false;
        if (phase === 'commit') {
          // The COMMIT may have been durable before the connection died: ask the source.
          progress.ambiguousCommits += 1;
          client = await connect();
          committed = (await client.query('SELECT 1 FROM txlog WHERE k = $1', [k])).rows.length > 0;
        }
        if (!committed) {
          for (const u of undo.reverse()) u();
          if (!isConnectionError(error)) throw error;
          continue;
        }
        progress.committed.push({ k });
        progress.ops += ops;
        progress.transactions += 1;
        continue;
      }
      let lsn: bigint | undefined;
      try {
        lsn = lsnToBigint(String((await client.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn));
      } catch {
        await client.end().catch(() => undefined);
        client = undefined;
      }
      progress.committed.push({ k, lsn });
      progress.ops += ops;
      progress.transactions += 1;
    }
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/** Errors of a server going away (as opposed to a bug in a statement of the workload). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|57P|53)/.test(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /terminat|ECONNRE|EPIPE|not queryable|Connection|closed|shutting down/i.test(message);
}
