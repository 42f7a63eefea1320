import { Client, escapeIdentifier } from 'pg';

/**
 * The generated workload shared by the demo and the benchmarks: N tables shaped
 * (id bigint primary key, n int, payload ~100-byte text, updated_at timestamptz),
 * changed in fixed-size transactions.
 */
export interface WorkloadTables {
  readonly schema: string;
  readonly count: number;
}

export function workloadTableNames(tables: WorkloadTables): string[] {
  return Array.from({ length: tables.count }, (_, i) => `${tables.schema}.t${i + 1}`);
}

function target(tables: WorkloadTables, index: number): string {
  return `${escapeIdentifier(tables.schema)}.${escapeIdentifier(`t${index + 1}`)}`;
}

export async function createWorkloadTables(client: Client, tables: WorkloadTables): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(tables.schema)}`);
  for (let i = 0; i < tables.count; i += 1) {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${target(tables, i)} (id bigint PRIMARY KEY, n int NOT NULL, payload text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())`,
    );
  }
}

export interface PhaseOptions {
  readonly client: Client;
  readonly tables: WorkloadTables;
  /** Rows changed in total, spread round-robin over the tables. */
  readonly rows: number;
  readonly rowsPerTransaction: number;
  /** First id to use (default 1). */
  readonly firstId?: number;
  /** Keep ids within [firstId, firstId + idSpace) per table, wrapping around (default: no bound). */
  readonly idSpace?: number;
  readonly onProgress?: (done: number) => void;
  readonly signal?: AbortSignal;
}

/** Inserts ids firstId.. in transactions of rowsPerTransaction rows, each into one table. */
export async function insertRows(options: PhaseOptions): Promise<number> {
  return inTransactions(options, (table, from, count) => ({
    text: `INSERT INTO ${table} (id, n, payload) SELECT g, g % 1000, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) || 'x' FROM generate_series($1::int8, $2::int8) g`,
    values: [from, from + count - 1],
  }));
}

/** Updates existing rows (ids spread over [firstId, firstId + idSpace) per table). */
export async function updateRows(options: PhaseOptions): Promise<number> {
  return inTransactions(options, (table, from, count) => ({
    text: `UPDATE ${table} SET n = n + 1, payload = md5(payload) || substr(payload, 33), updated_at = now() WHERE id BETWEEN $1::int8 AND $2::int8`,
    values: [from, from + count - 1],
  }));
}

export async function deleteRows(options: PhaseOptions): Promise<number> {
  return inTransactions(options, (table, from, count) => ({
    text: `DELETE FROM ${table} WHERE id BETWEEN $1::int8 AND $2::int8`,
    values: [from, from + count - 1],
  }));
}

/**
 * Runs `rows / rowsPerTransaction` transactions; transaction k touches table k mod N, ids
 * consecutive per table so every row id is used once.
 */
async function inTransactions(
  options: PhaseOptions,
  statement: (table: string, fromId: number, count: number) => { text: string; values: unknown[] },
): Promise<number> {
  const { client, tables, rowsPerTransaction } = options;
  const first = options.firstId ?? 1;
  const transactions = Math.ceil(options.rows / rowsPerTransaction);
  const nextId = new Array<number>(tables.count).fill(first);
  let done = 0;
  for (let k = 0; k < transactions; k += 1) {
    if (options.signal?.aborted) break;
    const index = k % tables.count;
    let from = nextId[index];
    let count = Math.min(rowsPerTransaction, options.rows - done);
    if (options.idSpace !== undefined) {
      // Wrap within the id space; a transaction never straddles the wrap point.
      from = first + ((from - first) % options.idSpace);
      count = Math.min(count, first + options.idSpace - from);
    }
    const { text, values } = statement(target(tables, index), from, count);
    nextId[index] = from + count;
    // One statement per transaction: autocommit is one transaction.
    await client.query(text, values);
    done += count;
    if (k % 20 === 0) options.onProgress?.(done);
  }
  options.onProgress?.(done);
  return done;
}
