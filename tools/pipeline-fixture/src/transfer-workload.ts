// A steady transfer workload on the fixture's source and the checks that go with it: every
// transaction moves a unit between two accounts, writes events and one ledger row; an audit
// trigger at the destination records every write of a ledger row (so a count above one is an op
// applied twice), and a sampler checks that the slot never confirms a transaction the destination
// does not have.
import { Client } from 'pg';
import type { PipelineFixture } from './index';

export const TRANSFER_TABLES = ['public.accounts', 'public.events', 'public.ledger'];
export const TRANSFER_ACCOUNTS = 200;
export const TRANSFER_BALANCE = 1000;

/** The source tables with their first rows, and at the destination the ledger with its audit trigger. */
export async function createTransferTables(fixture: PipelineFixture): Promise<void> {
  await fixture.sourceQuery(`
    CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL, note text);
    CREATE TABLE events (id bigserial PRIMARY KEY, account int, payload text, at timestamptz DEFAULT now());
    CREATE TABLE ledger (k bigint PRIMARY KEY, at timestamptz DEFAULT now());
    INSERT INTO accounts SELECT g, ${TRANSFER_BALANCE}, 'start' FROM generate_series(1, ${TRANSFER_ACCOUNTS}) g;
  `);
  await fixture.destinationQuery(`
    CREATE TABLE ledger (k bigint PRIMARY KEY, at timestamptz);
    CREATE TABLE ledger_audit (k bigint, op text);
    CREATE FUNCTION audit_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ledger_audit VALUES (NEW.k, TG_OP); RETURN NEW; END $$;
    CREATE TRIGGER audit AFTER INSERT OR UPDATE ON ledger FOR EACH ROW EXECUTE FUNCTION audit_ledger();
  `);
}

export interface TransferOutcome {
  /** Transactions committed at the source (ledger rows 1..n). */
  readonly transactions: number;
  /** Each time the slot confirmed a position whose transactions were not all at the destination. */
  readonly violations: string[];
  readonly samples: number;
}

export interface TransferWorkload {
  /** Transactions committed so far. */
  readonly committed: number;
  stop(): Promise<TransferOutcome>;
}

export function lsnToBigint(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export function startTransferWorkload(fixture: PipelineFixture, options: { slot?: string } = {}): TransferWorkload {
  const slot = options.slot ?? 'cdc_shop';
  const stop = new AbortController();
  /** Transaction k -> a WAL position at or after its commit record's end. */
  const committedAt = new Map<number, bigint>();
  const violations: string[] = [];
  let samples = 0;
  let k = 0;

  const writer = (async () => {
    const client = new Client({ connectionString: fixture.sourceUrl });
    await client.connect();
    try {
      while (!stop.signal.aborted) {
        const next = k + 1;
        await client.query('BEGIN');
        const from = 1 + (next % TRANSFER_ACCOUNTS);
        const to = 1 + ((next * 7) % TRANSFER_ACCOUNTS);
        await client.query('UPDATE accounts SET balance = balance - 1, note = $2 WHERE id = $1', [from, `tx ${next}`]);
        await client.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [to]);
        await client.query(
          'INSERT INTO events (account, payload) SELECT $1, repeat($2, 3) FROM generate_series(1, 5)',
          [from, `event ${next} `],
        );
        if (next % 10 === 0)
          await client.query('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT 3)');
        await client.query('INSERT INTO ledger (k) VALUES ($1)', [next]);
        await client.query('COMMIT');
        k = next;
        const [row] = (await client.query('SELECT pg_current_wal_lsn()::text AS lsn')).rows;
        committedAt.set(k, lsnToBigint(String(row.lsn)));
      }
    } finally {
      await client.end();
    }
  })();

  // Once the slot confirms an LSN, every transaction that ended at or before it must be at the destination.
  const sampler = (async () => {
    while (!stop.signal.aborted) {
      try {
        const [row] = await fixture.sourceQuery(
          'SELECT confirmed_flush_lsn::text AS lsn FROM pg_replication_slots WHERE slot_name = $1',
          [slot],
        );
        if (row?.lsn) {
          const confirmed = lsnToBigint(String(row.lsn));
          const mustHave = [...committedAt].filter(([, at]) => at <= confirmed).map(([n]) => n);
          if (mustHave.length > 0) {
            const present = new Set(
              (
                await fixture.destinationQuery('SELECT k::int AS k FROM ledger WHERE k = ANY($1::int8[])', [mustHave])
              ).map((r) => Number(r.k)),
            );
            const missing = mustHave.filter((n) => !present.has(n));
            if (missing.length > 0)
              violations.push(
                `slot confirmed ${String(row.lsn)} but ledger rows ${missing.slice(0, 5).join(',')} are not at the destination`,
              );
          }
          samples += 1;
        }
      } catch {
        // the destination table may not exist yet, or a server is restarting
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  })();

  return {
    get committed() {
      return k;
    },
    async stop() {
      stop.abort();
      await Promise.all([writer, sampler]);
      return { transactions: k, violations, samples };
    },
  };
}

/** Rows written to the destination's ledger more than once (each source row is inserted once). */
export async function ledgerWrittenTwice(fixture: PipelineFixture): Promise<Record<string, unknown>[]> {
  return fixture.destinationQuery(
    'SELECT k, count(*)::int AS n FROM ledger_audit GROUP BY k HAVING count(*) > 1 LIMIT 5',
  );
}
