// Comparing a Postgres source with a MariaDB destination: per column, an expression on each side
// that prints the same text.
import type { Query } from './postgres-connection';
import { waitFor } from './services';

/** One column compared across engines: an expression per side that prints the same text. */
export interface ComparedColumn {
  readonly pg: string;
  readonly my: string;
  /** Compare as numbers with this relative tolerance (single-precision floats). */
  readonly tolerance?: number;
}

interface BothSides {
  readonly sourceQuery: Query;
  readonly destinationQuery: Query;
}

/** The rows of a table on both sides, as comparable text, ordered by the first column. */
export async function tableRows(
  fixture: BothSides,
  table: string,
  columns: readonly ComparedColumn[],
): Promise<{ source: string[][]; destination: string[][] }> {
  const [source, destination] = await Promise.all([
    fixture.sourceQuery(
      `SELECT ${columns.map((c, i) => `(${c.pg})::text AS c${i}`).join(', ')} FROM ${table} ORDER BY 1`,
    ),
    fixture.destinationQuery(
      `SELECT ${columns.map((c, i) => `CAST(${c.my} AS CHAR) AS c${i}`).join(', ')} FROM \`replica\`.\`${table}\` ORDER BY 1`,
    ),
  ]);
  const text = (rows: Record<string, unknown>[]) =>
    rows.map((row) =>
      columns.map((c, i) => {
        const value = row[`c${i}`];
        if (value === null || value === undefined) return 'NULL';
        if (c.tolerance !== undefined) return Number(value).toPrecision(6);
        return String(value);
      }),
    );
  const sorted = (rows: string[][]) => rows.sort((a, b) => Number(a[0]) - Number(b[0]));
  return { source: sorted(text(source)), destination: sorted(text(destination)) };
}

/** Waits until the table has the same rows on both sides; reports the first differing row. */
export async function waitForEqualRows(
  fixture: BothSides,
  table: string,
  columns: readonly ComparedColumn[],
  timeoutMs = 120_000,
): Promise<void> {
  let difference = '';
  await waitFor(
    `${table} at the destination to equal the source`,
    async () => {
      const { source, destination } = await tableRows(fixture, table, columns);
      const a = source.map((row) => JSON.stringify(row));
      const b = destination.map((row) => JSON.stringify(row));
      const index = a.findIndex((row, i) => row !== b[i]);
      if (index < 0 && a.length === b.length) return true;
      difference = `${a.length} vs ${b.length} rows; first difference: source ${a[index] ?? '-'} destination ${b[index] ?? '-'}`;
      return false;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (${difference})`);
  });
}
