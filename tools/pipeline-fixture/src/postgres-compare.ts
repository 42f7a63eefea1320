// Comparing a Postgres source with a Postgres destination: a digest of every row's text.
import type { Query } from './postgres-connection';
import { waitFor } from './services';

/** Row count and a digest of every row's text, in a stable order: equal digests mean equal tables. */
export async function tableDigest(query: Query, qualifiedTable: string): Promise<string> {
  const rows = await query(
    `SELECT count(*)::int8::text AS n, md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS digest
       FROM (SELECT t::text AS r FROM ${qualifiedTable} t) s`,
  );
  return `${rows[0].n}:${rows[0].digest}`;
}

/** Waits until every listed table has the same digest on both sides; reports the first difference. */
export async function waitForEqualTables(
  fixture: { readonly sourceQuery: Query; readonly destinationQuery: Query },
  tables: readonly string[],
  timeoutMs = 90_000,
): Promise<void> {
  let difference = '';
  await waitFor(
    'destination to equal source',
    async () => {
      for (const table of tables) {
        const [left, right] = await Promise.all([
          tableDigest(fixture.sourceQuery, table),
          tableDigest(fixture.destinationQuery, table).catch(() => 'missing'),
        ]);
        if (left !== right) {
          difference = `${table}: source ${left} destination ${right}`;
          return false;
        }
      }
      return true;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last difference: ${difference})`);
  });
}
