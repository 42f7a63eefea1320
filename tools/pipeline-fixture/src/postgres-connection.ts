import { Client } from 'pg';

/** Both sides print values the same way, so row texts can be compared. */
export const COMPARE_OPTIONS =
  '-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=3 -c bytea_output=hex -c IntervalStyle=postgres';

export type Query = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * One connection to `url`, replaced after it breaks: a test may stop or kill a server and start
 * it again (a dead connection emits 'error', which must not end the test process).
 */
export function reconnectingQuery(url: string): { readonly query: Query; close(): Promise<void> } {
  const clients = new Set<Client>();
  let current: Promise<Client> | undefined;
  const query: Query = async (sql, params) => {
    if (current === undefined) {
      const c = new Client({ connectionString: url, options: COMPARE_OPTIONS });
      const connecting = c.connect().then(() => c);
      const drop = () => {
        clients.delete(c);
        if (current === connecting) current = undefined;
      };
      c.on('error', drop);
      c.on('end', drop);
      clients.add(c);
      current = connecting;
      connecting.catch(drop);
    }
    return (await (await current).query(sql, params)).rows;
  };
  return {
    query,
    close: async () => {
      await Promise.all([...clients].map((c) => c.end().catch(() => undefined)));
    },
  };
}
