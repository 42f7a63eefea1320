// Comparing a Vitess (MySQL) table, read through vtgate, with its Postgres or MariaDB copy: both
// sides' values in one canonical spelling, chosen per MySQL column type.
import mysql from 'mysql2/promise';
import pg from 'pg';
import { until } from '@cdc/testenv';
import type { VitessPipeline } from './vitess-pipeline';

/** Creates a table in a keyspace through vtgate; in a sharded keyspace its vindex (hash on `id`) first. */
export async function createTable(
  pipeline: VitessPipeline,
  sharded: boolean,
  table: string,
  columns: string,
): Promise<void> {
  const name = mysql.escapeId(table);
  if (sharded) await pipeline.vtgate.query(`ALTER VSCHEMA ON ${name} ADD VINDEX hash(id) USING hash`);
  await pipeline.vtgate.query(`CREATE TABLE ${name} (${columns})`);
}

interface SourceColumn {
  readonly name: string;
  readonly type: string;
}

/** Both sides' values in one spelling, chosen per MySQL column type. */
function canonical(type: string, value: unknown, side: 'source' | 'destination'): string | null {
  if (value === null || value === undefined) return null;
  const t = type.toLowerCase();
  if (Buffer.isBuffer(value)) {
    if (t.startsWith('bit')) return bits(value, Number(/\((\d+)\)/.exec(t)?.[1] ?? 0));
    return value.toString('hex');
  }
  const text = String(value);
  if (/^(tiny|small|medium|big)?blob|^(var)?binary/.test(t))
    return side === 'destination' ? text.replace(/^\\x/, '') : text;
  if (t.startsWith('bit')) return text;
  if (t.startsWith('float') || t.startsWith('double')) return String(Number(text));
  if (t.startsWith('decimal')) return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  if (/^(datetime|timestamp|time)/.test(t)) {
    return text
      .replace(/\+00(:00)?$/, '')
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
  }
  if (t.startsWith('char')) return text.replace(/ +$/, '');
  if (t === 'json' || t === 'longtext json')
    // mysql2 hands over JSON already parsed when the server labels the column JSON.
    return canonicalJson(typeof value === 'object' ? value : JSON.parse(text));
  return text;
}

function bits(buffer: Buffer, width: number): string {
  let number = 0n;
  for (const byte of buffer) number = (number << 8n) | BigInt(byte);
  return number.toString(2).padStart(width, '0');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function sourceColumns(pipeline: VitessPipeline, table: string): Promise<SourceColumn[]> {
  const [rows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, DATA_TYPE AS data_type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [pipeline.keyspace, table],
  );
  const [checks] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_TYPE = 'CHECK'`,
    [pipeline.keyspace, table],
  );
  const jsonChecks = new Set(checks.map((row) => String(row.name)));
  return rows.map((row) => ({
    name: String(row.name),
    type: row.data_type === 'longtext' && jsonChecks.has(String(row.name)) ? 'json' : String(row.type),
  }));
}

/**
 * Every row of the table on both sides, canonical, ordered by id, read in chunks (vtgate caps a
 * result at 10,000 rows); a difference names the first row that differs. `sourceWhere`: only
 * the source rows MySQL finds with this condition (a row filter's expected result, a test's
 * own constant SQL).
 */
export async function compareTable(
  pipeline: VitessPipeline,
  table: string,
  sourceWhere?: string,
): Promise<string | undefined> {
  const columns = await sourceColumns(pipeline, table);
  const list = columns.map((column) => mysql.escapeId(column.name)).join(', ');
  const quoted = columns.map((column) => pg.escapeIdentifier(column.name)).join(', ');
  const target = `${pg.escapeIdentifier(pipeline.destinationSchema)}.${pg.escapeIdentifier(table)}`;
  const chunk = 5000;
  let after = '-9223372036854775808';
  let total = 0;
  for (;;) {
    const [sourceRows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
      `SELECT ${list} FROM ${mysql.escapeId(table)} WHERE id > ?${sourceWhere ? ` AND (${sourceWhere})` : ''} ORDER BY id LIMIT ${chunk}`,
      [after],
    );
    let destinationRows: Record<string, unknown>[];
    try {
      destinationRows = (
        await pipeline.destination.query(`SELECT ${quoted} FROM ${target} WHERE id > $1 ORDER BY id LIMIT ${chunk}`, [
          after,
        ])
      ).rows;
    } catch (error) {
      return `destination ${table}: ${(error as Error).message}`;
    }
    for (let i = 0; i < Math.max(sourceRows.length, destinationRows.length); i += 1) {
      const left = sourceRows[i];
      const right = destinationRows[i];
      if (!left || !right || String(left.id) !== String(right.id)) {
        return `${table}: after ${total + i} equal rows, source has id ${left ? String(left.id) : '(none)'}, destination ${right ? String(right.id) : '(none)'}`;
      }
      for (const column of columns) {
        const a = canonical(column.type, left[column.name], 'source');
        const b = canonical(column.type, right[column.name], 'destination');
        if (a !== b) {
          return `${table} id=${String(left.id)} column ${column.name} (${column.type}): source ${JSON.stringify(a)}, destination ${JSON.stringify(b)}`;
        }
      }
    }
    total += sourceRows.length;
    if (sourceRows.length < chunk) return undefined;
    after = String(sourceRows[sourceRows.length - 1].id);
  }
}

/**
 * The same comparison against the MariaDB destination: both sides are MySQL-family, so values
 * come back in one spelling except JSON (re-serialized) and the bytes of BINARY/BIT.
 */
export async function compareMysqlTable(pipeline: VitessPipeline, table: string): Promise<string | undefined> {
  const target = pipeline.mysqlDestination;
  if (!target) throw new Error(`pipeline ${pipeline.name} has no MariaDB destination`);
  const columns = await sourceColumns(pipeline, table);
  const list = columns.map((column) => mysql.escapeId(column.name)).join(', ');
  const [sourceRows] = await pipeline.vtgate.query<mysql.RowDataPacket[]>(
    `SELECT ${list} FROM ${mysql.escapeId(table)} ORDER BY id LIMIT 10000`,
  );
  let destinationRows: mysql.RowDataPacket[];
  try {
    [destinationRows] = await target.pool.query<mysql.RowDataPacket[]>(
      `SELECT ${list} FROM ${mysql.escapeId(target.database)}.${mysql.escapeId(table)} ORDER BY id LIMIT 10000`,
    );
  } catch (error) {
    return `MariaDB ${table}: ${(error as Error).message}`;
  }
  for (let i = 0; i < Math.max(sourceRows.length, destinationRows.length); i += 1) {
    const left = sourceRows[i];
    const right = destinationRows[i];
    if (!left || !right || String(left.id) !== String(right.id))
      return `${table}: after ${i} equal rows, source has id ${left ? String(left.id) : '(none)'}, MariaDB ${right ? String(right.id) : '(none)'}`;
    for (const column of columns) {
      const a = canonical(column.type, left[column.name], 'source');
      const b = canonical(column.type, right[column.name], 'source');
      if (a !== b)
        return `${table} id=${String(left.id)} column ${column.name} (${column.type}): source ${JSON.stringify(a)}, MariaDB ${JSON.stringify(b)}`;
    }
  }
  return undefined;
}

export async function waitForEqual(
  pipeline: VitessPipeline,
  tables: readonly string[],
  timeoutMs = 120_000,
  /** Per table: compare with only the source rows matching this condition (compareTable). */
  sourceWhere: Readonly<Record<string, string>> = {},
): Promise<void> {
  let difference: string | undefined = 'not compared yet';
  await until(
    'the destination to equal the source',
    async () => {
      difference = undefined;
      for (const table of tables) {
        difference = await compareTable(pipeline, table, sourceWhere[table]).catch(
          (error: Error) => `compare failed: ${error.message}`,
        );
        if (difference) break;
      }
      return !difference;
    },
    timeoutMs,
    500,
  ).catch(() => {
    throw new Error(`destination did not become equal to the source in ${timeoutMs} ms: ${difference}`);
  });
}
